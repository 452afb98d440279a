using Microsoft.Extensions.Logging;

namespace MlopsFlows.Api.Webhooks;

// Event ids 3300-3349. Never log the secret, a signature or a body.
internal static partial class Log
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Databricks webhook refused: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Databricks webhook called, but no shared secret is configured; refused")]
    public static partial void WebhookNotConfigured(ILogger logger);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Databricks webhook event {Event} ignored: it does not start a release")]
    public static partial void EventIgnored(ILogger logger, string @event);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "Databricks webhook event {Event} starts (or finds) {Release}")]
    public static partial void WebhookAccepted(ILogger logger, string @event, string release);
}
