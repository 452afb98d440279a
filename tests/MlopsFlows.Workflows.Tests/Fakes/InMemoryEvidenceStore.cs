using System.Collections.Concurrent;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>
/// The evidence store contract in memory: one chain per release and run, idempotency included. The same record at a
/// taken sequence of a run returns the same hash and writes nothing; a different record there is a conflict; another
/// run of the release has its own sequences.
/// </summary>
public sealed class InMemoryEvidenceStore : IEvidenceStore
{
    private readonly ConcurrentDictionary<(string ReleaseId, string RunId), SortedDictionary<int, (StoredEvidence Stored, EvidenceEntry Entry)>> chains = new();

    private int writes;

    /// <summary>How many records were actually written, across releases and runs (repeats not counted).</summary>
    public int Writes => Volatile.Read(ref writes);

    public Task<string> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.ReleaseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.RunId);
        ArgumentOutOfRangeException.ThrowIfLessThan(record.Sequence, 1);

        var content = EvidenceChain.ToCanonicalJson(record);
        var hash = EvidenceChain.HashOf(content);
        var chain = chains.GetOrAdd((record.ReleaseId, record.RunId), _ => []);
        lock (chain)
        {
            if (chain.TryGetValue(record.Sequence, out var existing))
            {
                return string.Equals(existing.Stored.Hash, hash, StringComparison.Ordinal)
                    ? Task.FromResult(hash)
                    : throw new EvidenceConflictException($"{record.ReleaseId} run {record.RunId} already holds a different record {record.Sequence}");
            }

            chain[record.Sequence] = (
                new StoredEvidence(record.Sequence, hash, content),
                new EvidenceEntry(record.Sequence, record.Step, record.Decision, record.Actor, record.RecordedAt, hash, $"memory://{record.ReleaseId}/{record.RunId}/{hash}"));
            Interlocked.Increment(ref writes);
        }

        return Task.FromResult(hash);
    }

    public Task<IReadOnlyList<EvidenceEntry>> ListAsync(string releaseId, string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EvidenceEntry>>(Snapshot(releaseId, runId, r => r.Entry));

    public Task<IReadOnlyList<StoredEvidence>> ReadChainAsync(string releaseId, string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredEvidence>>(Snapshot(releaseId, runId, r => r.Stored));

    public Task<IReadOnlyList<string>> ListRunsAsync(string releaseId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);

        // A run is listed once it holds a record; the ordinal order of run ids is their start order.
        var runs = chains
            .Where(c => string.Equals(c.Key.ReleaseId, releaseId, StringComparison.Ordinal) && HasRecords(c.Value))
            .Select(c => c.Key.RunId)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult<IReadOnlyList<string>>(runs);
    }

    private static bool HasRecords(SortedDictionary<int, (StoredEvidence Stored, EvidenceEntry Entry)> chain)
    {
        lock (chain)
        {
            return chain.Count > 0;
        }
    }

    private T[] Snapshot<T>(string releaseId, string runId, Func<(StoredEvidence Stored, EvidenceEntry Entry), T> select)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!chains.TryGetValue((releaseId, runId), out var chain))
        {
            return [];
        }

        lock (chain)
        {
            return chain.Values.Select(select).ToArray();
        }
    }
}
