using System.Text.Json;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>Evidence records as a release writes them: chained by hash, time fixed.</summary>
public static class EvidenceRecords
{
    private static readonly PolicyStamp Policy = new("standard", "1", "c0ffee");
    private static readonly string[] Steps = ["gates", "approval", "canary", "watch", "promote"];

    public static EvidenceRecord Record(string releaseId, int sequence, string? previousHash, string decision = "pass") => new()
    {
        ReleaseId = releaseId,
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

    public static IReadOnlyList<EvidenceRecord> Chain(string releaseId, int count)
    {
        var records = new List<EvidenceRecord>();
        string? previous = null;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var record = Record(releaseId, sequence, previous);
            records.Add(record);
            previous = EvidenceChain.HashOf(record);
        }

        return records;
    }
}
