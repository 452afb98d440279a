using Microsoft.DurableTask;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Step 3: the approval, run as a sub-orchestration; the release forwards it what people send meanwhile.</summary>
internal sealed partial class ReleaseRun
{
    public async Task<ApprovalResult> AwaitApprovalAsync(GatesResult gates)
    {
        MoveTo(ReleaseStage.AwaitingApproval, Policy.Approval.Required ? "waiting for approvers" : "pre-approved by policy");

        // Commands that arrived while the gates ran are heard before anyone is asked.
        while (inbox.Oversight.IsCompleted)
        {
            var early = await AdmitOversightAsync(await inbox.TakeOversightAsync());
            if (early?.Kind == OversightCommandKind.Stop)
            {
                return new ApprovalResult(ReleaseStage.Cancelled, $"stopped by {early.RequestedBy} before approval was requested: {early.Rationale}");
            }
        }

        if (!Policy.Approval.Required)
        {
            await evidence.RecordAsync("approval", "approved", $"pre-approved by policy {input.Policies.Id} v{input.Policies.Version} for tier {Policy.RiskTier}", new { preApproved = true, tier = Policy.RiskTier });
            MoveTo(ReleaseStage.Deploying, "approved by policy");
            return await HoldWhilePausedAsync("deployment") is { } stopped
                ? new ApprovalResult(ReleaseStage.Cancelled, stopped.Reason)
                : new ApprovalResult(ReleaseStage.Deploying, "pre-approved by policy");
        }

        var childId = ApprovalOrchestrator.InstanceIdFor(Key.InstanceId, input.RunId);
        SetStatus(waitingFor: ReleaseWaits.Approval, waitingUntil: context.CurrentUtcDateTime + Policy.Approval.Timeout, digest: CurrentDigest);
        var approval = context.CallSubOrchestratorAsync<ApprovalOutcomeResult>(
            nameof(ApprovalOrchestrator),
            new ApprovalInput(
                Key.InstanceId, input.RunId, Key.Model, Key.Version, Key.Environment, input.RequestedBy, candidate?.CreatedBy,
                evidence.Policy, evidence.Redaction, Policy, shownEvidence.ToArray(), evidence.Position, gates.Summary, oversight),
            new SubOrchestrationOptions { InstanceId = childId });

        // The approval owns the evidence chain until it ends: everything heard meanwhile is forwarded for it to record,
        // once it says it runs (an event sent to an instance that does not exist yet would be dropped).
        await Task.WhenAny(approval, context.WaitForExternalEvent<string>(ReleaseEvents.ApprovalOpened));
        // The approval bounds its own events, so forwarding ends when it does.
        for (var forwarded = 0; forwarded < WorkflowLimits.MaxEventsPerWait * 2; forwarded++)
        {
            var first = await Task.WhenAny(approval, inbox.Decision, inbox.Oversight, inbox.EvidenceAdded);
            if (first == approval)
            {
                break;
            }

            if (first == inbox.Decision)
            {
                context.SendEvent(childId, ReleaseEvents.Decision, await inbox.TakeDecisionAsync());
            }
            else if (first == inbox.Oversight)
            {
                context.SendEvent(childId, ReleaseEvents.Oversight, await inbox.TakeOversightAsync());
            }
            else
            {
                context.SendEvent(childId, ReleaseEvents.EvidenceAdded, await inbox.TakeEvidenceAddedAsync());
            }
        }

        var result = await approval;
        evidence.MoveTo(result.Chain);
        shownEvidence.Clear();
        shownEvidence.AddRange(result.ShownEvidence);
        oversight = result.Oversight;
        switch (result.Verdict)
        {
            case ApprovalVerdict.Approved:
                MoveTo(ReleaseStage.Deploying, result.Reason);
                return await HoldWhilePausedAsync("deployment") is { } stopped
                    ? new ApprovalResult(ReleaseStage.Cancelled, stopped.Reason)
                    : new ApprovalResult(ReleaseStage.Deploying, result.Reason);
            case ApprovalVerdict.Rejected:
                return new ApprovalResult(ReleaseStage.Rejected, result.Reason);
            case ApprovalVerdict.Expired:
                return new ApprovalResult(ReleaseStage.Expired, result.Reason);
            default:
                return new ApprovalResult(ReleaseStage.Cancelled, result.Reason);
        }
    }
}
