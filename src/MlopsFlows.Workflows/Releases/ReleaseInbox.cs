using Microsoft.DurableTask;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// The release's external events, each waited for by exactly one pending task at a time. A waiter that loses a race
/// stays pending and is reused: creating a second waiter for the same event would leave the first to swallow it.
/// </summary>
internal sealed class ReleaseInbox(TaskOrchestrationContext context)
{
    public Task<ApprovalDecision> Decision { get; private set; } = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEvents.Decision);

    public Task<OversightRequest> Oversight { get; private set; } = context.WaitForExternalEvent<OversightRequest>(ReleaseEvents.Oversight);

    public Task<EvidenceAddition> EvidenceAdded { get; private set; } = context.WaitForExternalEvent<EvidenceAddition>(ReleaseEvents.EvidenceAdded);

    public async Task<ApprovalDecision> TakeDecisionAsync()
    {
        var taken = await Decision;
        Decision = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEvents.Decision);
        return taken;
    }

    public async Task<OversightRequest> TakeOversightAsync()
    {
        var taken = await Oversight;
        Oversight = context.WaitForExternalEvent<OversightRequest>(ReleaseEvents.Oversight);
        return taken;
    }

    public async Task<EvidenceAddition> TakeEvidenceAddedAsync()
    {
        var taken = await EvidenceAdded;
        EvidenceAdded = context.WaitForExternalEvent<EvidenceAddition>(ReleaseEvents.EvidenceAdded);
        return taken;
    }
}
