using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>One run's chain and what its check found.</summary>
public sealed record RunCheck(string RunId, int Records, ChainCheck Check);

/// <summary>
/// Re-checks a release's stored evidence end to end: every payload against its hash, every link to the one before,
/// and, where the release ledger booked the run's end, its length and head against what the workflow wrote, so records
/// cut off the end of a chain (or a whole chain removed) are named too.
/// </summary>
public sealed class EvidenceVerifier(IEvidenceStore store, IReleaseLedger ledger, ILogger<EvidenceVerifier> logger)
{
    public async Task<ChainCheck> VerifyAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        var chain = await store.ReadChainAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
        return await CheckAsync(releaseId, runId, chain, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every run of the release that wrote evidence or that the ledger knows ended with evidence, each checked on its own;
    /// empty when there is none.
    /// </summary>
    public async Task<IReadOnlyList<RunCheck>> VerifyAllRunsAsync(string releaseId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        var runs = new SortedSet<string>(await store.ListRunsAsync(releaseId, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        if (Domain.Releases.ReleaseKey.TryParse(releaseId, out var key))
        {
            foreach (var booked in await ledger.ListAsync(key.Model, key.Environment, 1000, cancellationToken).ConfigureAwait(false))
            {
                if (booked.ReleaseId == releaseId && booked.EvidenceCount > 0)
                {
                    runs.Add(booked.RunId);
                }
            }
        }

        var checks = new List<RunCheck>();
        foreach (var runId in runs)
        {
            var chain = await store.ReadChainAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
            checks.Add(new RunCheck(runId, chain.Count, await CheckAsync(releaseId, runId, chain, cancellationToken).ConfigureAwait(false)));
        }

        return checks;
    }

    private async Task<ChainCheck> CheckAsync(string releaseId, string runId, IReadOnlyList<StoredEvidence> chain, CancellationToken cancellationToken)
    {
        var check = EvidenceChain.Verify(chain, releaseId, runId);
        if (check.Intact)
        {
            check = await CompareWithLedgerAsync(releaseId, runId, chain, check, cancellationToken).ConfigureAwait(false);
        }

        if (check.Intact)
        {
            Log.ChainIntact(logger, releaseId, chain.Count);
        }
        else
        {
            Log.ChainBroken(logger, releaseId, check.FirstBrokenSequence, check.Reason);
        }

        return check;
    }

    /// <summary>A chain can be whole and still short: the ledger's booked count and head say where it really ended.</summary>
    private async Task<ChainCheck> CompareWithLedgerAsync(string releaseId, string runId, IReadOnlyList<StoredEvidence> chain, ChainCheck check, CancellationToken cancellationToken)
    {
        var booked = await ledger.FindRunAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
        if (booked?.EvidenceCount is not { } count)
        {
            return check;
        }

        if (chain.Count < count)
        {
            return new ChainCheck(false, chain.Count + 1, $"record {chain.Count + 1} is missing: the release ledger booked {count} records for this run");
        }

        if (chain.Count > count)
        {
            return new ChainCheck(false, count + 1, $"record {count + 1} was added after the run ended: the release ledger booked {count} records");
        }

        if (booked.EvidenceHead is { } head && count > 0 && !string.Equals(chain[^1].Hash, head, StringComparison.Ordinal))
        {
            return new ChainCheck(false, count, $"record {count} is not the one the run ended with (the release ledger booked head {head[..Math.Min(12, head.Length)]}…)");
        }

        return check with { Reason = check.Reason + "; matches the release ledger" };
    }
}
