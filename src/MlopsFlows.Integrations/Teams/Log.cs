using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Teams;

// Event ids 2800-2849.
internal static partial class Log
{
    [LoggerMessage(EventId = 2801, Level = LogLevel.Information, Message = "Teams card for {Kind} {NotificationId} of release {ReleaseId} sent to {Recipient} (activity {ActivityId}).")]
    public static partial void CardSent(ILogger logger, ApprovalNotificationKind kind, string notificationId, string releaseId, string recipient, string activityId);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Debug, Message = "Teams card {NotificationId} was already sent to {Recipient}; not sent again.")]
    public static partial void CardAlreadySent(ILogger logger, string notificationId, string recipient);

    [LoggerMessage(EventId = 2803, Level = LogLevel.Information, Message = "Refreshed {Count} Teams cards of release {ReleaseId}: {Outcome}.")]
    public static partial void CardsRefreshed(ILogger logger, string releaseId, int count, string outcome);
}
