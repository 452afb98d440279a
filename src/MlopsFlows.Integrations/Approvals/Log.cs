using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

// Event ids 2300-2399.
internal static partial class Log
{
    [LoggerMessage(
        EventId = 2301,
        Level = LogLevel.Information,
        Message = "Approval {Kind} {NotificationId} for release {ReleaseId} ({Model} v{Version} to {Environment}, risk tier {RiskTier}, requested by {RequestedBy}) to {Recipients} for roles {Roles}, before {Deadline:o}: decide with POST {DecisionPath} on evidence {EvidenceDigest}. Summary: {Summary}")]
    public static partial void ApprovalNotified(
        ILogger logger,
        ApprovalNotificationKind kind,
        string notificationId,
        string releaseId,
        string model,
        int version,
        string environment,
        string riskTier,
        string requestedBy,
        IReadOnlyList<string> recipients,
        IReadOnlyList<string> roles,
        DateTimeOffset deadline,
        string decisionPath,
        string evidenceDigest,
        IReadOnlyList<string> summary);
}
