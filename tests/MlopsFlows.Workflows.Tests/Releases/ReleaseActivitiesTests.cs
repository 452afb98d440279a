using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>
/// Activities run at least once: each is called here twice with the same input, as a redelivery would,
/// and must leave the world as one call would have.
/// </summary>
public sealed class ReleaseActivitiesTests
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";
    private const string RunId = "20250314T090000Z-3f9a1c2e";
    private const string Endpoint = "credit-scorer";

    private static readonly TaskActivityContext Context = new TestActivityContext();
    private static readonly JsonSerializerOptions NamedFloats = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static EvidenceRecord Record(int sequence, string? previousHash, string decision = "pass", string runId = RunId) => new()
    {
        ReleaseId = ReleaseId,
        RunId = runId,
        Sequence = sequence,
        Step = "gates",
        RecordedAt = new DateTimeOffset(2025, 3, 14, 9, 0, sequence, TimeSpan.Zero),
        Actor = "system",
        Decision = decision,
        Summary = "all 2 evidence gates passed",
        Policy = new PolicyStamp("test-release-policy", "1", new string('a', 64)),
        Data = JsonSerializer.SerializeToElement(new { auc = 0.82, p95 = double.NaN }, NamedFloats),
        PreviousHash = previousHash,
    };

    [Fact]
    public async Task RecordEvidence_SameRecordTwice_ReturnsTheSameHashAndKeepsOneRecord()
    {
        var store = new InMemoryEvidenceStore();
        var activity = new RecordEvidence(store);
        var record = Record(1, null);

        var first = await activity.RunAsync(Context, record);
        var second = await activity.RunAsync(Context, record);

        Assert.Equal(first, second);
        Assert.Equal(EvidenceChain.HashOf(record), first);
        var chain = await store.ReadChainAsync(ReleaseId, RunId, CancellationToken.None);
        Assert.Single(chain);
        Assert.Equal(1, store.Writes);
        Assert.True(EvidenceChain.Verify(chain).Intact);
    }

    [Fact]
    public async Task RecordEvidence_RecordRedeliveredThroughJson_ReturnsTheSameHash()
    {
        // What a redelivered activity actually receives: the record after a JSON round trip through the task hub.
        var store = new InMemoryEvidenceStore();
        var activity = new RecordEvidence(store);
        var record = Record(1, null);
        var redelivered = JsonSerializer.Deserialize<EvidenceRecord>(JsonSerializer.Serialize(record))!;

        var first = await activity.RunAsync(Context, record);
        var second = await activity.RunAsync(Context, redelivered);

        Assert.Equal(first, second);
        Assert.Single(await store.ReadChainAsync(ReleaseId, RunId, CancellationToken.None));
    }

    [Fact]
    public async Task RecordEvidence_DifferentRecordAtATakenSequence_ThrowsConflictAndKeepsTheFirst()
    {
        var store = new InMemoryEvidenceStore();
        var activity = new RecordEvidence(store);
        var first = await activity.RunAsync(Context, Record(1, null));

        await Assert.ThrowsAsync<EvidenceConflictException>(() => activity.RunAsync(Context, Record(1, null, decision: "fail")));

        var stored = Assert.Single(await store.ReadChainAsync(ReleaseId, RunId, CancellationToken.None));
        Assert.Equal(first, stored.Hash);
    }

    [Fact]
    public async Task RecordEvidence_ChainOfRecords_ListsIndexRowsInSequenceOrder()
    {
        var store = new InMemoryEvidenceStore();
        var activity = new RecordEvidence(store);
        var head = await activity.RunAsync(Context, Record(1, null));
        head = await activity.RunAsync(Context, Record(2, head));
        await activity.RunAsync(Context, Record(3, head));

        var entries = await store.ListAsync(ReleaseId, RunId, CancellationToken.None);

        Assert.Equal([1, 2, 3], entries.Select(e => e.Sequence));
        Assert.True(EvidenceChain.Verify(await store.ReadChainAsync(ReleaseId, RunId, CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task RecordEvidence_SameSequenceInAnotherRun_KeepsBothChainsApart()
    {
        // A release run again after its history was purged starts at sequence 1 in a chain of its own.
        const string laterRun = "20250315T090000Z-77aa00bb";
        var store = new InMemoryEvidenceStore();
        var activity = new RecordEvidence(store);
        var first = await activity.RunAsync(Context, Record(1, null));
        await activity.RunAsync(Context, Record(2, first));

        var later = await activity.RunAsync(Context, Record(1, null, runId: laterRun));

        Assert.NotEqual(first, later);
        Assert.Equal(3, store.Writes);
        Assert.Equal([RunId, laterRun], await store.ListRunsAsync(ReleaseId, CancellationToken.None));
        Assert.Equal([1, 2], (await store.ListAsync(ReleaseId, RunId, CancellationToken.None)).Select(e => e.Sequence));
        var laterChain = await store.ReadChainAsync(ReleaseId, laterRun, CancellationToken.None);
        Assert.Equal(later, Assert.Single(laterChain).Hash);
        Assert.Equal(laterRun, EvidenceChain.Parse(laterChain[0].Content.Span).RunId);
        Assert.True(EvidenceChain.Verify(laterChain).Intact);
    }

    [Fact]
    public async Task SetServingTraffic_SameSplitTwice_LeavesTheSameSplit()
    {
        var serving = new FakeServingEndpoints();
        serving.Seed(Endpoint, TrafficSplit.AllTo(11));
        var activity = new SetServingTraffic(serving);
        var canary = TrafficSplit.Canary(11, 12, 10);
        var command = new TrafficCommand(Endpoint, "main.credit.scorer", canary);

        var first = await activity.RunAsync(Context, command);
        var second = await activity.RunAsync(Context, command);

        Assert.Equal(canary, first);
        Assert.Equal(canary, second);
        Assert.Equal(canary, serving.TrafficOf(Endpoint));
        Assert.Equal(90, serving.TrafficOf(Endpoint).PercentTo(11));
        Assert.Equal(10, serving.TrafficOf(Endpoint).PercentTo(12));
    }

    [Fact]
    public async Task MoveModelAlias_SameAliasTwice_PointsAtTheVersionOnce()
    {
        var registry = new FakeModelRegistry();
        registry.SetAlias("main.credit.scorer", "champion", 11);
        var activity = new MoveModelAlias(registry);
        var command = new AliasCommand("main.credit.scorer", "champion", 12);

        Assert.True(await activity.RunAsync(Context, command));
        Assert.True(await activity.RunAsync(Context, command));

        Assert.Equal(12, registry.AliasOf("main.credit.scorer", "champion"));
    }

    [Fact]
    public async Task ReadModelVersion_UnknownVersion_ThrowsNotFound()
    {
        var activity = new ReadModelVersion(new FakeModelRegistry());

        await Assert.ThrowsAsync<DependencyNotFoundException>(() => activity.RunAsync(Context, new ModelVersionQuery("main.credit.scorer", 99)));
    }

    [Fact]
    public void ModelVersionDetails_NaNMetric_RoundTripsThroughJson()
    {
        var details = new ModelVersionDetails("main.credit.scorer", 12, "run-1", new Dictionary<string, double> { ["auc"] = double.NaN, ["log_loss"] = 0.4 });

        var copy = JsonSerializer.Deserialize<ModelVersionDetails>(JsonSerializer.Serialize(details))!;

        Assert.True(double.IsNaN(copy.Metrics["auc"]));
        Assert.Equal(0.4, copy.Metrics["log_loss"]);
    }

    private sealed class TestActivityContext : TaskActivityContext
    {
        public override TaskName Name => "test-activity";

        public override string InstanceId => ReleaseId;
    }
}
