using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Records each protection asked for and answers as the local (hash chain only) mode does.</summary>
public sealed class RecordingEvidenceImmutability : IEvidenceImmutability
{
    public ConcurrentQueue<(string ReleaseId, string RunId, DateTimeOffset Until, string? Tier)> Requests { get; } = new();

    public Task<ImmutabilityResult> ProtectAsync(string releaseId, string runId, DateTimeOffset until, string? tier, CancellationToken cancellationToken)
    {
        Requests.Enqueue((releaseId, runId, until, tier));
        return Task.FromResult(new ImmutabilityResult(ImmutabilityState.NotEnforcedLocally, 0, null, "not enforced in tests"));
    }
}
