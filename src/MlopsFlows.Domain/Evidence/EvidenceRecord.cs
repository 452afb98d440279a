using System.Text.Json;

namespace MlopsFlows.Domain.Evidence;

/// <summary>The policy a record was judged under, stamped on every record.</summary>
public sealed record PolicyStamp(string Id, string Version, string ContentHash);

/// <summary>
/// One step of a release as evidence: what was read, what was decided, by whom and when.
/// Everything in it is fixed by the workflow before it is written (time included), so writing it again
/// after a crash produces the same bytes, the same hash and no second record.
/// </summary>
public sealed record EvidenceRecord
{
    public const string Schema = "mlopsflows.evidence/v1";

    public required string ReleaseId { get; init; }

    /// <summary>
    /// Which run of the release wrote it. A release id is fixed by model, version and environment; each run of it
    /// (the first, or a new one after its history was purged) keeps its own chain, so runs never overwrite each other.
    /// </summary>
    public required string RunId { get; init; }

    /// <summary>Run ids are letters, digits and '-', 1 to 64 characters: safe in storage keys and URLs.</summary>
    public static bool IsValidRunId(string? runId) =>
        !string.IsNullOrEmpty(runId) && runId.Length <= 64 && runId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>1-based position in the release's chain.</summary>
    public required int Sequence { get; init; }

    /// <summary>The step that produced it, e.g. <c>gates</c>, <c>approval</c>, <c>canary</c>, <c>watch</c>, <c>promote</c>.</summary>
    public required string Step { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Who decided: <c>system</c> for automatic decisions, otherwise the person.</summary>
    public required string Actor { get; init; }

    /// <summary>The outcome of the step, e.g. <c>pass</c>, <c>fail</c>, <c>approved</c>, <c>traffic-set</c>.</summary>
    public required string Decision { get; init; }

    public required string Summary { get; init; }

    public required PolicyStamp Policy { get; init; }

    /// <summary>What was read and compared: inputs, values, thresholds.</summary>
    public JsonElement Data { get; init; }

    /// <summary>What redaction removed before the record was written: field and rule, never the value; empty when nothing was.</summary>
    public IReadOnlyList<Redaction> Redactions { get; init; } = [];

    /// <summary>SHA-256 of the previous record in this release's chain; null for the first.</summary>
    public string? PreviousHash { get; init; }
}
