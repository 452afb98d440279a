using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Workflows.Ports;

/// <summary>An index row of one evidence record: enough to list a release's evidence without reading the payloads.</summary>
public sealed record EvidenceEntry(int Sequence, string Step, string Decision, string Actor, DateTimeOffset RecordedAt, string Hash, string Location);

/// <summary>
/// Tamper-evident evidence: payloads written once and addressed by their SHA-256, an index row per record.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>
    /// Writes the record and returns its hash. Idempotent per release, run and sequence: writing the same record again
    /// returns the same hash and writes nothing; writing a different record at a taken sequence throws
    /// <see cref="EvidenceConflictException"/>.
    /// </summary>
    Task<string> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken);

    /// <summary>The index rows of one run of a release, in sequence order.</summary>
    Task<IReadOnlyList<EvidenceEntry>> ListAsync(string releaseId, string runId, CancellationToken cancellationToken);

    /// <summary>The records of one run of a release as stored (bytes and the hash each was filed under), in sequence order.</summary>
    Task<IReadOnlyList<StoredEvidence>> ReadChainAsync(string releaseId, string runId, CancellationToken cancellationToken);

    /// <summary>The runs of a release that wrote evidence, oldest first.</summary>
    Task<IReadOnlyList<string>> ListRunsAsync(string releaseId, CancellationToken cancellationToken);
}

public sealed class EvidenceConflictException(string message) : Exception(message);
