using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>One run's chain and what its check found.</summary>
public sealed record RunCheck(string RunId, int Records, ChainCheck Check);

/// <summary>Re-checks a release's stored evidence end to end: every payload against its hash, every link to the one before.</summary>
public sealed class EvidenceVerifier(IEvidenceStore store, ILogger<EvidenceVerifier> logger)
{
    public async Task<ChainCheck> VerifyAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        var chain = await store.ReadChainAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
        return Check(releaseId, runId, chain);
    }

    /// <summary>Every run of the release that wrote evidence, each checked on its own; empty when there is none.</summary>
    public async Task<IReadOnlyList<RunCheck>> VerifyAllRunsAsync(string releaseId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        var checks = new List<RunCheck>();
        foreach (var runId in await store.ListRunsAsync(releaseId, cancellationToken).ConfigureAwait(false))
        {
            var chain = await store.ReadChainAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
            checks.Add(new RunCheck(runId, chain.Count, Check(releaseId, runId, chain)));
        }

        return checks;
    }

    private ChainCheck Check(string releaseId, string runId, IReadOnlyList<StoredEvidence> chain)
    {
        var check = EvidenceChain.Verify(chain, releaseId, runId);
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
}
