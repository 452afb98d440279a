namespace MlopsFlows.Workflows.Ports;

/// <summary>What approvers are told when a release waits for them.</summary>
public sealed record ApprovalRequest(string ReleaseId, string Model, int Version, string Environment, string RequestedBy, string RiskTier, DateTimeOffset Deadline, IReadOnlyList<string> GateSummary);

/// <summary>Reaches approvers (Teams, email, …). Must tolerate being called twice for the same request.</summary>
public interface IApprovalNotifier
{
    Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
