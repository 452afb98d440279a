using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>Re-checks a release's stored evidence end to end: every payload against its hash, every link to the one before.</summary>
public sealed class EvidenceVerifier(IEvidenceStore store, ILogger<EvidenceVerifier> logger)
{
    public async Task<ChainCheck> VerifyAsync(string releaseId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        var chain = await store.ReadChainAsync(releaseId, cancellationToken).ConfigureAwait(false);
        var check = EvidenceChain.Verify(chain);
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
