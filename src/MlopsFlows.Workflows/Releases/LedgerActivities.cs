using Microsoft.DurableTask;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Which run's evidence to stamp and make write-once, and until when (the end plus the policy tier's retention).</summary>
/// <param name="Tier">The risk tier whose retention applies; null when no tier was resolved (the longest tier's retention is used).</param>
public sealed record EvidenceProtection(string ReleaseId, string RunId, DateTimeOffset Until, string? Tier = null);

/// <summary>Books the outcome in the release ledger and frees the model's in-flight place. Repeating it changes nothing.</summary>
public sealed class RecordReleaseOutcome(IReleaseLedger ledger) : TaskActivity<ReleaseEnding, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ReleaseEnding input)
    {
        var entry = await ledger.EndAsync(input, CancellationToken.None);
        return entry.Status;
    }
}

/// <summary>Makes a run's evidence payloads write-once where the storage can (WORM in Azure); says what it achieved.</summary>
public sealed class ProtectEvidence(IEvidenceImmutability immutability) : TaskActivity<EvidenceProtection, ImmutabilityResult>
{
    public override Task<ImmutabilityResult> RunAsync(TaskActivityContext context, EvidenceProtection input) =>
        immutability.ProtectAsync(input.ReleaseId, input.RunId, input.Until, input.Tier, CancellationToken.None);
}
