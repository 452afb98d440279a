using System.Collections.Concurrent;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>
/// The evidence store contract in memory, idempotency included: the same record at a taken sequence returns the
/// same hash and writes nothing; a different record there is a conflict.
/// </summary>
public sealed class InMemoryEvidenceStore : IEvidenceStore
{
    private readonly ConcurrentDictionary<string, SortedDictionary<int, (StoredEvidence Stored, EvidenceEntry Entry)>> releases = new();

    private int writes;

    /// <summary>How many records were actually written, across releases (repeats not counted).</summary>
    public int Writes => Volatile.Read(ref writes);

    public Task<string> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken)
    {
        var content = EvidenceChain.ToCanonicalJson(record);
        var hash = EvidenceChain.HashOf(content);
        var chain = releases.GetOrAdd(record.ReleaseId, _ => []);
        lock (chain)
        {
            if (chain.TryGetValue(record.Sequence, out var existing))
            {
                return string.Equals(existing.Stored.Hash, hash, StringComparison.Ordinal)
                    ? Task.FromResult(hash)
                    : throw new EvidenceConflictException($"{record.ReleaseId} already holds a different record {record.Sequence}");
            }

            chain[record.Sequence] = (
                new StoredEvidence(record.Sequence, hash, content),
                new EvidenceEntry(record.Sequence, record.Step, record.Decision, record.Actor, record.RecordedAt, hash, $"memory://{record.ReleaseId}/{hash}"));
            Interlocked.Increment(ref writes);
        }

        return Task.FromResult(hash);
    }

    public Task<IReadOnlyList<EvidenceEntry>> ListAsync(string releaseId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EvidenceEntry>>(Snapshot(releaseId, r => r.Entry));

    public Task<IReadOnlyList<StoredEvidence>> ReadChainAsync(string releaseId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredEvidence>>(Snapshot(releaseId, r => r.Stored));

    private T[] Snapshot<T>(string releaseId, Func<(StoredEvidence Stored, EvidenceEntry Entry), T> select)
    {
        if (!releases.TryGetValue(releaseId, out var chain))
        {
            return [];
        }

        lock (chain)
        {
            return chain.Values.Select(select).ToArray();
        }
    }
}
