using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// Tells approvers through the log: one structured line naming the release, its deadline and how to decide.
/// Stands in until the Teams and email notifiers arrive. Calling it twice just writes the line twice.
/// </summary>
public sealed class LoggingApprovalNotifier(ILogger<LoggingApprovalNotifier> logger) : IApprovalNotifier
{
    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decisionPath = DecisionPath(request.ReleaseId);
        Log.ApprovalRequested(
            logger,
            request.ReleaseId,
            request.Model,
            request.Version,
            request.Environment,
            request.RiskTier,
            request.RequestedBy,
            request.Deadline,
            decisionPath,
            request.GateSummary);
        return Task.CompletedTask;
    }

    /// <summary>Where an approver posts a decision; escaped so that any release id stays one path segment.</summary>
    public static string DecisionPath(string releaseId) => $"/api/releases/{Uri.EscapeDataString(releaseId)}/decisions";
}
