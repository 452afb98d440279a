using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Approvals;

// Event ids 2300-2399.
internal static partial class Log
{
    [LoggerMessage(
        EventId = 2301,
        Level = LogLevel.Information,
        Message = "Approval needed for release {ReleaseId} ({Model} v{Version} to {Environment}, risk tier {RiskTier}, requested by {RequestedBy}) before {Deadline:o}: decide with POST {DecisionPath}. Gates: {GateSummary}")]
    public static partial void ApprovalRequested(
        ILogger logger, string releaseId, string model, int version, string environment, string riskTier, string requestedBy, DateTimeOffset deadline, string decisionPath, IReadOnlyList<string> gateSummary);
}
