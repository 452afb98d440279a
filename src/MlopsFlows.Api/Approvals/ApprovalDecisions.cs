using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Api.Approvals;

/// <summary>A decision whose maker has been established by the channel it came through.</summary>
/// <param name="Approver">The person's UPN (or object id when the directory knows no UPN).</param>
/// <param name="Channel"><c>http</c>, <c>teams</c>, <c>email</c> or <c>web</c>.</param>
/// <param name="IdentityVerified">True only when a validated token (or the trusted App Service principal) named the person.</param>
public sealed record VerifiedDecision(
    string ReleaseId,
    bool Approve,
    string Approver,
    string? ObjectId,
    string? Rationale,
    string? EvidenceDigest,
    string Channel,
    bool IdentityVerified);

public enum SubmissionStatus
{
    Submitted,
    NotFound,
    NotWaiting,
}

/// <summary>What became of a submission; <see cref="Detail"/> is a sentence a person can read on a card or a page.</summary>
public sealed record DecisionSubmission(SubmissionStatus Status, string Detail);

/// <summary>A release as an approver needs to see it: where it stands and the evidence digest a vote must carry.</summary>
/// <param name="ApprovalInstanceId">The running approval sub-orchestration, while there is one: votes go to it directly.</param>
public sealed record WaitingRelease(
    string ReleaseId, ReleaseKey Key, string RuntimeStatus, ReleaseProgress? Progress, ApprovalProgress? Approval, bool WaitsForDecision, string? ApprovalInstanceId = null)
{
    /// <summary>The digest to show: the approval's own while it runs (it moves when evidence is added), else the release's.</summary>
    public string? EvidenceDigest => Approval?.EvidenceDigest ?? Progress?.EvidenceDigest;
}

/// <summary>
/// Submitting a decision to a waiting release, once, for every door: the releases API, the Teams bot, the actionable
/// email and the web page. Who decided is established by the caller; this only checks the release waits and raises
/// the event. Role membership, segregation of duties and double votes are the approval workflow's to judge and record.
/// </summary>
public static class ApprovalDecisions
{
    public static async Task<DecisionSubmission> SubmitAsync(DurableTaskClient client, VerifiedDecision decision, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(clock);
        var release = await FindAsync(client, decision.ReleaseId, cancellationToken);
        if (release is null)
        {
            return new DecisionSubmission(SubmissionStatus.NotFound, $"There is no release '{decision.ReleaseId}'.");
        }

        if (!release.WaitsForDecision)
        {
            return new DecisionSubmission(
                SubmissionStatus.NotWaiting,
                $"Release '{decision.ReleaseId}' is not waiting for a decision (status {release.RuntimeStatus}, stage {release.Progress?.Stage.ToString() ?? "not started"}).");
        }

        var raised = new ApprovalDecision(
            decision.Approve, decision.Approver, decision.Rationale, clock.GetUtcNow(), decision.Channel, decision.IdentityVerified,
            decision.ObjectId, decision.EvidenceDigest);
        // Straight to the running approval when there is one: the release would only forward it, one queue hop later.
        await client.RaiseEventAsync(release.ApprovalInstanceId ?? decision.ReleaseId, ReleaseEvents.Decision, raised, cancellationToken);
        return new DecisionSubmission(SubmissionStatus.Submitted, $"Your {(decision.Approve ? "approval" : "rejection")} of {decision.ReleaseId} was recorded.");
    }

    /// <summary>The release and, while approvers are asked, the approval's status; null when there is no such release.</summary>
    public static async Task<WaitingRelease?> FindAsync(DurableTaskClient client, string releaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!ReleaseKey.TryParse(releaseId, out var key))
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(releaseId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var progress = ReadCustomStatus<ReleaseProgress>(instance);
        var waits = instance.RuntimeStatus == OrchestrationRuntimeStatus.Running
            && (progress?.Stage == ReleaseStage.AwaitingApproval || progress?.WaitingFor == ReleaseWaits.StepDecision);
        ApprovalProgress? approval = null;
        string? approvalInstance = null;
        if (progress?.WaitingFor == ReleaseWaits.Approval && ReadRunId(instance) is { } runId)
        {
            var child = await client.GetInstanceAsync(ApprovalOrchestrator.InstanceIdFor(releaseId, runId), getInputsAndOutputs: true, cancellationToken);
            approval = child is null ? null : ReadCustomStatus<ApprovalProgress>(child);
            approvalInstance = child is { RuntimeStatus: OrchestrationRuntimeStatus.Running } && approval is not null ? child.InstanceId : null;
        }

        return new WaitingRelease(releaseId, key, instance.RuntimeStatus.ToString(), progress, approval, waits, approvalInstance);
    }

    private static string? ReadRunId(OrchestrationMetadata instance)
    {
        try
        {
            return instance.ReadInputAs<ReleaseInput>()?.RunId;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    // A status written by an older or foreign orchestrator must not turn a vote into a 500.
    private static T? ReadCustomStatus<T>(OrchestrationMetadata instance)
        where T : class
    {
        try
        {
            return instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<T>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
