using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// Tells approvers through the log: one structured line per notification naming its kind, the release, the people and
/// roles addressed, the deadline, the evidence digest a decision must carry and how to decide. Stands in until the
/// Teams and email notifiers arrive. Calling it twice with the same notification just writes the line twice.
/// </summary>
public sealed class LoggingApprovalNotifier(ILogger<LoggingApprovalNotifier> logger) : IApprovalNotifier
{
    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string[] recipients = [.. request.Recipients.Select(p => p.Upn)];
        var decisionPath = DecisionPath(request.ReleaseId);
        Log.ApprovalNotified(
            logger,
            request.Kind,
            request.NotificationId,
            request.ReleaseId,
            request.Model,
            request.Version,
            request.Environment,
            request.RiskTier,
            request.RequestedBy,
            recipients,
            request.Roles,
            request.Deadline,
            decisionPath,
            request.EvidenceDigest,
            request.Summary);
        return Task.CompletedTask;
    }

    /// <summary>Where an approver posts a decision; escaped so that any release id stays one path segment.</summary>
    public static string DecisionPath(string releaseId) => $"/api/releases/{Uri.EscapeDataString(releaseId)}/decisions";
}
