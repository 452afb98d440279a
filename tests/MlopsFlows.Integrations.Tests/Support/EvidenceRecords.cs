using System.Text.Json;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>Evidence records as a release writes them: chained by hash, time fixed.</summary>
public static class EvidenceRecords
{
    /// <summary>Run ids as the API makes them (start time, then random hex); the first sorts before the second.</summary>
    public const string FirstRun = "20261126T100000Z-3f9a1c2e";

    public const string SecondRun = "20261127T093000Z-0b1c2d3e";

    private static readonly PolicyStamp Policy = new("standard", "1", "c0ffee");
    private static readonly string[] Steps = ["gates", "approval", "canary", "watch", "promote"];

    public static EvidenceRecord Record(string releaseId, int sequence, string? previousHash, string decision = "pass", string runId = FirstRun) => new()
    {
        ReleaseId = releaseId,
        RunId = runId,
        Sequence = sequence,
        Step = Steps[(sequence - 1) % Steps.Length],
        RecordedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddMinutes(sequence),
        Actor = sequence == 2 ? "alice@example.com" : "system",
        Decision = decision,
        Summary = $"step {sequence}",
        Policy = Policy,
        Data = JsonSerializer.SerializeToElement(new { auc = 0.91, threshold = 0.85, sequence }),
        PreviousHash = previousHash,
    };

    public static IReadOnlyList<EvidenceRecord> Chain(string releaseId, int count, string runId = FirstRun)
    {
        var records = new List<EvidenceRecord>();
        string? previous = null;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var record = Record(releaseId, sequence, previous, runId: runId);
            records.Add(record);
            previous = EvidenceChain.HashOf(record);
        }

        return records;
    }
}
