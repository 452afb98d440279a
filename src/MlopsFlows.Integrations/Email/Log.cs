using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Email;

// Event ids 2850-2899.
internal static partial class Log
{
    [LoggerMessage(EventId = 2851, Level = LogLevel.Information, Message = "Approval mail for {Kind} {NotificationId} of release {ReleaseId} sent to {Recipient} from {Mailbox}.")]
    public static partial void MailSent(ILogger logger, ApprovalNotificationKind kind, string notificationId, string releaseId, string recipient, string mailbox);

    [LoggerMessage(EventId = 2852, Level = LogLevel.Debug, Message = "Approval mail {NotificationId} was already sent to {Recipient}; not sent again.")]
    public static partial void MailAlreadySent(ILogger logger, string notificationId, string recipient);
}
