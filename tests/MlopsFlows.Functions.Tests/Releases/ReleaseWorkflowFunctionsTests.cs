using System.Text.Json;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Functions.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Functions.Tests.Releases;

public class ReleaseWorkflowFunctionsTests
{
    public static TheoryData<string> ReleaseActivities =>
    [
        nameof(ReadModelVersion),
        nameof(ReadServingTraffic),
        nameof(SetServingTraffic),
        nameof(ReadCanaryMetrics),
        nameof(MoveModelAlias),
        nameof(RecordEvidence),
        nameof(NotifyApprovers),
    ];

    [Fact]
    public void Metadata_ReleaseOrchestrator_HasOrchestrationTriggerOnly()
    {
        var function = FunctionsApp.Function(nameof(ReleaseOrchestrator));

        var binding = Assert.Single(FunctionsApp.Bindings(function));
        Assert.Equal("orchestrationTrigger", FunctionsApp.Type(binding));
        Assert.Equal("In", FunctionsApp.Direction(binding));
    }

    [Theory]
    [MemberData(nameof(ReleaseActivities))]
    public void Metadata_ReleaseActivity_HasActivityTriggerOnly(string activity)
    {
        var function = FunctionsApp.Function(activity);

        var binding = Assert.Single(FunctionsApp.Bindings(function));
        Assert.Equal("activityTrigger", FunctionsApp.Type(binding));
        Assert.Equal("In", FunctionsApp.Direction(binding));
    }

    [Fact]
    public void Metadata_EveryWorkflowTaskClass_HasTriggerNamedAfterIt()
    {
        // Orchestrators call activities by class name; a class without a trigger of that name would fail only in Azure.
        var tasks = typeof(WorkflowRegistration).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Select(t => (Type: t, Trigger: TriggerFor(t)))
            .Where(t => t.Trigger is not null)
            .ToArray();

        Assert.Contains(tasks, t => t.Type == typeof(ReleaseOrchestrator));
        Assert.Contains(tasks, t => t.Type == typeof(SetServingTraffic));
        Assert.All(tasks, t => Assert.Equal(t.Trigger, FunctionsApp.Type(FunctionsApp.Trigger(FunctionsApp.Function(t.Type.Name)))));
    }

    [Fact]
    public void Metadata_FunctionNames_AreUnique()
    {
        var names = FunctionsApp.Names.ToArray();

        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task GeneratedFunctionMetadataProvider_WorkerIndexing_ListsSameFunctionsAndTriggersAsMetadataFile()
    {
        // With worker indexing (the SDK's default) the host asks the worker, not the file: both must agree.
        var indexed = await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(AppContext.BaseDirectory);

        var fromWorker = indexed
            .Select(f => (f.Name!, TriggerType(f.RawBindings!)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal);
        var fromFile = FunctionsApp.Functions
            .Select(f => (f.GetProperty("name").GetString()!, FunctionsApp.Type(FunctionsApp.Trigger(f))))
            .OrderBy(f => f.Item1, StringComparer.Ordinal);
        Assert.Equal(fromFile, fromWorker);
    }

    [Fact]
    public void WorkerSerializer_ReleaseContracts_RoundTripUnchanged()
    {
        // The Durable extension serializes orchestration and activity data with the worker's serializer, not the
        // defaults the workflow tests run with: every contract must survive it.
        var services = new ServiceCollection();
        services.AddFunctionsWorkerCore();
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;
        var key = new ReleaseKey("main.credit.scorer", 12, "prod");
        var at = new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var split = TrafficSplit.Canary(11, 12, 10);
        const string runId = "20251126T100000Z-3f9a1c2e";
        object[] contracts =
        [
            new ReleaseInput(key, runId, "scorer-prod", "ci@example.com", PolicySamples.Default, "high", ["run:abc"], at),
            new ReleaseOutcome(ReleaseStage.Promoted, "promoted", split, 9, "ab12"),
            new ApprovalDecision(true, "ana@example.com", "looks good", at, "teams", IdentityVerified: true, ObjectId: "oid-1", EvidenceDigest: new string('a', 64)),
            new OversightRequest(OversightCommandKind.Override, "ops@example.com", "incident", at, "oid-2", "http", false, "step"),
            new EvidenceAddition(["run:def"], "val@example.com", "re-ran validation", at),
            new ApprovalInput(
                key.InstanceId, runId, key.Model, key.Version, key.Environment, "ci@example.com", "dev@example.com", new PolicyStamp("default", "1", "hash"),
                PolicySamples.Default.Redaction, PolicySamples.Tier("high"), ["h1", "h2"], new ChainPosition(2, "h2"), ["metrics: pass"], OversightState.Paused),
            new ApprovalOutcomeResult(ApprovalVerdict.Approved, "approved", new ChainPosition(5, "h5"), ["h1", "h2"], OversightState.Running, ["risk: ana"]),
            new ApprovalProgress(new string('b', 64), ["risk"], ["ana@example.com"], at, true, 3),
            new GateQuery(new ModelVersionDetails(key.Model, key.Version, "run-1", new Dictionary<string, double> { ["auc"] = 0.9 }) { Tags = new Dictionary<string, string> { ["evaluation_set"] = "x" }, Artefacts = ["a.html"], CreatedBy = "dev" }, 11, PolicySamples.Tier("high").Gates),
            new JudgeQuery("scorer-prod", key.Model, 11, 12, DeploymentMode.Shadow, TimeSpan.FromMinutes(5), 100, new JudgePolicy(), new ServiceLevelObjectives(250, 0.01)),
            new ApprovalNotice("n1", ApprovalNotificationKind.Escalation, key.InstanceId, key.Model, key.Version, key.Environment, "ci@example.com", "high", at, ["risk-leads"], new string('c', 64), ["metrics: pass"]),
            new ReleaseProgress(ReleaseStage.Watching, split.ToString(), "canary telemetry", at, "baking", 4, [new StageEntry(ReleaseStage.Gating, at, "gates")]),
            new ModelVersionQuery(key.Model, key.Version),
            new ModelVersionDetails(key.Model, key.Version, "run-1", new Dictionary<string, double> { ["auc"] = 0.91 }),
            new TrafficCommand("scorer-prod", key.Model, split),
            new CanaryMetricsQuery("scorer-prod", 12, TimeSpan.FromMinutes(5)),
            new ServingMetrics(12, 1000, 3, 87.5),
            new AliasCommand(key.Model, "champion", 12),
            new ApprovalRequest("n1", ApprovalNotificationKind.Request, key.InstanceId, key.Model, key.Version, key.Environment, "ci@example.com", "medium", at, [new DirectoryPerson("oid-1", "ana@example.com", ["risk"])], ["risk"], new string('c', 64), ["auc 0.91 >= 0.80"]),
            new EvidenceRecord
            {
                ReleaseId = key.InstanceId,
                RunId = runId,
                Sequence = 1,
                Step = "gates",
                RecordedAt = at,
                Actor = "system",
                Decision = "pass",
                Summary = "all gates passed",
                Policy = new PolicyStamp("medium", "1", "hash"),
                Data = JsonSerializer.SerializeToElement(new { auc = 0.91 }),
                Redactions = [new Redaction("data.vote.rationale", "email")],
                PreviousHash = null,
            },
        ];

        Assert.All(contracts, contract =>
        {
            var json = serializer.Serialize(contract, contract.GetType()).ToString();
            var back = serializer.Deserialize(BinaryData.FromString(json).ToStream(), contract.GetType(), CancellationToken.None);
            Assert.Equal(json, serializer.Serialize(back, contract.GetType()).ToString());
        });
    }

    [Fact]
    public void WorkerSerializer_ReleaseInputAndEvidenceRecord_KeepTheRunId()
    {
        // The run id names the evidence chain: losing it between the orchestrator and the activity would file the
        // records under no run at all.
        var services = new ServiceCollection();
        services.AddFunctionsWorkerCore();
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;
        const string runId = "20251126T100000Z-3f9a1c2e";
        var at = new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var input = new ReleaseInput(new ReleaseKey("main.credit.scorer", 12, "prod"), runId, "scorer-prod", "ci@example.com", PolicySamples.Default, null, ["run:abc"], at);
        var record = new EvidenceRecord
        {
            ReleaseId = input.Key.InstanceId,
            RunId = runId,
            Sequence = 1,
            Step = "gates",
            RecordedAt = at,
            Actor = "system",
            Decision = "pass",
            Summary = "all gates passed",
            Policy = new PolicyStamp("medium", "1", "hash"),
            Data = JsonSerializer.SerializeToElement(new { auc = 0.91 }),
        };

        var inputBack = (ReleaseInput)serializer.Deserialize(serializer.Serialize(input, typeof(ReleaseInput)).ToStream(), typeof(ReleaseInput), CancellationToken.None)!;
        var recordBack = (EvidenceRecord)serializer.Deserialize(serializer.Serialize(record, typeof(EvidenceRecord)).ToStream(), typeof(EvidenceRecord), CancellationToken.None)!;

        Assert.Equal(runId, inputBack.RunId);
        Assert.Equal(runId, recordBack.RunId);
        Assert.Equal(EvidenceChain.HashOf(record), EvidenceChain.HashOf(recordBack));
    }

    private static string? TriggerFor(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>))
            {
                return "orchestrationTrigger";
            }

            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(TaskActivity<,>))
            {
                return "activityTrigger";
            }
        }

        return null;
    }

    private static string TriggerType(IEnumerable<string> rawBindings) =>
        rawBindings.Select(b => JsonDocument.Parse(b).RootElement.Clone())
            .Select(b => b.GetProperty("type").GetString()!)
            .Single(t => t.EndsWith("Trigger", StringComparison.Ordinal));
}
