using System.Text.Json;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>Each tier's happy path, the tier from the inventory, and the evidence gates, on the in-memory host.</summary>
public sealed class GovernedReleaseTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    [Fact]
    public async Task RunAsync_MediumTierApprovedByAValidator_PromotesThroughEveryCanaryStep()
    {
        var release = new ReleaseScenario(host, "medium-happy", "medium");
        await release.StartAsync();

        var approval = await release.ApprovalAsync();
        Assert.Equal([TestPolicies.ValidationRole], approval.OutstandingRoles);
        await release.VoteAsync(Validator);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(
            [TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.Canary(Champion, Candidate, 50), TrafficSplit.AllTo(Candidate)],
            release.TrafficRequests);
        Assert.Equal(Candidate, host.Registry.AliasOf(release.Key.Model, ModelAliases.Champion));
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, ModelAliases.Previous));
        Assert.Equal(Champion, outcome.RollbackTarget);

        var request = release.Notifications.First(n => n.Kind == ApprovalNotificationKind.Request);
        Assert.Equal("medium", request.RiskTier);
        Assert.Equal(
            [BothRoles, Requester, Developer, SecondValidator, Validator],
            request.Recipients.Select(p => p.Upn).Order(StringComparer.Ordinal));
        Assert.Equal(approval.EvidenceDigest, request.EvidenceDigest);

        var evidence = await release.EvidenceAsync();
        var set = TestPolicies.Set();
        Assert.All(evidence, r => Assert.Equal(new PolicyStamp(set.Id, set.Version, set.ContentHash), r.Policy));
        Assert.Equal(["policy", "lineage", "gate", "gate", "gate", "notification", "vote", "approval"], evidence.Take(8).Select(r => r.Step));
        Assert.Equal(["resolved", "recorded", "pass", "pass", "pass", "request", "counted", "approved"], evidence.Take(8).Select(r => r.Decision));
        Assert.Equal(Validator, evidence[6].Actor);

        // What approvers were shown, and their votes bound to: the policy, the lineage and every gate.
        Assert.Equal(EvidenceDigest.Of([.. evidence.Take(5).Select(EvidenceChain.HashOf)]), approval.EvidenceDigest);
        Assert.Equal(2, evidence.Count(r => r.Step == "judge" && r.Decision == "pass"));
        Assert.Equal(["promote", "monitor", "outcome"], evidence.TakeLast(3).Select(r => r.Step));
        Assert.Equal("started", evidence[^2].Decision);
        Assert.Equal(outcome.EvidenceCount, evidence.Count);

        // From now on the promoted version is watched, with the champion before it as the rollback target.
        var monitor = await host.Client.GetInstanceAsync(MonitorIds.For(release.Key.Model, "prod"), getInputsAndOutputs: true);
        Assert.NotNull(monitor);
        var watched = monitor.ReadInputAs<MonitorInput>()!;
        Assert.Equal((Candidate, (int?)Champion, release.RunId), (watched.Version, watched.PreviousVersion, watched.RunId));
    }

    [Fact]
    public async Task RunAsync_HighTier_NeedsAValidatorAndARiskOfficerAndPassesFairnessAndDataQuality()
    {
        var release = new ReleaseScenario(host, "high-happy", "high");
        await release.StartAsync();

        await release.VoteAsync(Validator);
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        Assert.Equal([TestPolicies.RiskRole], (await release.ApprovalAsync()).OutstandingRoles);
        await release.VoteAsync(RiskOfficer);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(4, release.TrafficRequests.Count);
        var evidence = await release.EvidenceAsync();
        var gates = evidence.Where(r => r.Step == "gate").ToArray();
        Assert.Equal(["metrics", "performance", "artefacts", "data_quality", "fairness"], gates.Select(g => g.Data.GetProperty("report").GetProperty("gate").GetString()));
        Assert.All(gates, g => Assert.Equal("pass", g.Decision));
        var approval = evidence.Single(r => r.Step == "approval");
        Assert.Contains("model-validation: val@example.com", approval.Summary, StringComparison.Ordinal);
        Assert.Contains("risk: risk@example.com", approval.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LowTierBlueGreen_IsPreApprovedAndSwitchesAllAtOnce()
    {
        var release = new ReleaseScenario(host, "low-happy", "low");
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Empty(release.Notifications);
        Assert.Equal(
            [new TrafficSplit([new TrafficRoute(Candidate, 100), new TrafficRoute(Champion, 0)]), TrafficSplit.AllTo(Candidate)],
            release.TrafficRequests);
        var evidence = await release.EvidenceAsync();
        Assert.Contains(evidence, r => r.Step == "approval" && r.Summary.StartsWith("pre-approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RequestNamesALowerTierThanTheInventory_IsRefusedBeforeAnythingElse()
    {
        var release = new ReleaseScenario(host, "tier-lowered", "high");
        await release.StartAsync(requestedTier: "low");

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("never lower", outcome.Reason, StringComparison.Ordinal);
        release.AssertTrafficUntouched();
        var evidence = await release.EvidenceAsync();
        Assert.Equal([("policy", "refused"), ("outcome", "gatefailed")], evidence.Select(r => (r.Step, r.Decision)));
    }

    [Fact]
    public async Task RunAsync_RequestRaisesTheTier_RunsUnderTheHigherTier()
    {
        var release = new ReleaseScenario(host, "tier-raised", "low");
        await release.StartAsync(requestedTier: "medium");

        var progress = await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.Approval, "waiting for approval");

        Assert.Equal("medium", progress.RiskTier);
        await release.CommandAsync(Domain.Approvals.OversightCommandKind.Stop);
        Assert.Equal(ReleaseStage.Cancelled, (await release.OutcomeAsync()).Stage);
    }

    [Fact]
    public async Task RunAsync_NoInventoryTag_UsesThePolicysDefaultTier()
    {
        var release = new ReleaseScenario(host, "tier-default", tierTag: null);
        await release.StartAsync();

        var progress = await release.WaitForAsync(p => p.RiskTier is not null, "tier resolved");

        Assert.Equal("medium", progress.RiskTier);
        await release.CommandAsync(Domain.Approvals.OversightCommandKind.Stop);
        await release.OutcomeAsync();
    }

    [Fact]
    public async Task RunAsync_FairnessGateFails_StopsBeforeAnyoneIsAskedWithTheReasons()
    {
        var release = new ReleaseScenario(host, "unfair", "high", fairData: false);
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("fairness", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("sex=f", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(release.Notifications);
        release.AssertTrafficUntouched();
        var evidence = await release.EvidenceAsync();
        var fairness = evidence.Single(r => r.Step == "gate" && r.Data.GetProperty("report").GetProperty("gate").GetString() == "fairness");
        Assert.Equal("fail", fairness.Decision);
        var findings = fairness.Data.GetProperty("report").GetProperty("findings");
        Assert.Contains(findings.EnumerateArray(), f => f.GetProperty("sampleSize").ValueKind == System.Text.Json.JsonValueKind.Number && f.TryGetProperty("interval", out _));
    }

    [Fact]
    public async Task RunAsync_RequiredArtefactsMissingAndAucRegressed_FailsEveryGateItShouldWithEveryReason()
    {
        var release = new ReleaseScenario(host, "no-card", "medium");
        host.Registry.Register(release.Key.Model, Candidate, new Dictionary<string, double> { ["auc"] = 0.75 }, new Dictionary<string, string>(), Developer);
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("intended_use", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("performance", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(release.Notifications);
        var gates = (await release.EvidenceAsync()).Where(r => r.Step == "gate").ToArray();
        Assert.Equal(["pass", "insufficient-data", "fail"], gates.Select(g => g.Decision));
    }

    [Fact]
    public async Task RunAsync_CandidateAndChampionWithLineage_RecordsLineageAndTheChangeLogBeforeTheGates()
    {
        var release = new ReleaseScenario(host, "lineage", "low");
        await release.StartAsync();

        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["policy", "lineage", "gate"], evidence.Take(3).Select(r => r.Step));
        var record = Assert.Single(evidence, r => r.Step == "lineage");
        Assert.Equal("recorded", record.Decision);
        Assert.Equal(
            $"v12 from run {FakeModelRegistry.RunIdOf(release.Key.Model, Candidate)} (git 1a2b3c4) on 2 datasets; vs champion v11: 2 metrics, 1 param, 2 features changed",
            record.Summary);

        var data = record.Data;
        Assert.Equal(
            ["model", "version", "runId", "createdBy", "tags", "metrics", "params", "artefacts", "lineage", "champion", "championProblem", "changes"],
            Names(data));
        Assert.Equal((release.Key.Model, Candidate, Developer), (data.GetProperty("model").GetString(), data.GetProperty("version").GetInt32(), data.GetProperty("createdBy").GetString()));
        Assert.Equal("2026-11-01", data.GetProperty("tags").GetProperty(ModelVersionTags.EvaluationSetVersion).GetString());
        Assert.Equal(["auc", "log_loss"], Names(data.GetProperty("metrics")));
        Assert.Equal("8", data.GetProperty("params").GetProperty("max_depth").GetString());
        Assert.Equal(2, data.GetProperty("artefacts").GetArrayLength());

        var lineage = data.GetProperty("lineage");
        Assert.Equal(
            ["source", "storageLocation", "artefactSha256", "gitCommit", "gitRepository", "sourceName", "datasets", "features", "environment"],
            Names(lineage));
        Assert.Equal((CandidateCommit, "https://github.com/contoso/credit-models"), (lineage.GetProperty("gitCommit").GetString(), lineage.GetProperty("gitRepository").GetString()));
        var training = lineage.GetProperty("datasets")[0];
        Assert.Equal(["name", "version", "digest", "sourceType", "source", "context"], Names(training));
        Assert.Equal(
            ("main.credit.applications", "42", "training"),
            (training.GetProperty("source").GetString(), training.GetProperty("version").GetString(), training.GetProperty("context").GetString()));
        Assert.Equal(["income", "sex", "utilisation"], lineage.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("3.12.3", lineage.GetProperty("environment").GetProperty("python").GetString());

        var champion = data.GetProperty("champion");
        Assert.Equal(["version", "runId", "metrics", "params", "features"], Names(champion));
        Assert.Equal((Champion, 0.81), (champion.GetProperty("version").GetInt32(), champion.GetProperty("metrics").GetProperty("auc").GetDouble()));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("championProblem").ValueKind);

        var changes = data.GetProperty("changes");
        Assert.Equal(["metrics", "params", "featuresAdded", "featuresRemoved"], Names(changes));
        var metrics = changes.GetProperty("metrics").EnumerateArray().ToArray();
        Assert.Equal(["auc", "log_loss"], metrics.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["name", "champion", "candidate", "delta"], Names(metrics[0]));
        Assert.Equal((0.81, 0.82), (metrics[0].GetProperty("champion").GetDouble(), metrics[0].GetProperty("candidate").GetDouble()));
        Assert.Equal(0.01, metrics[0].GetProperty("delta").GetDouble(), precision: 12);
        var param = Assert.Single(changes.GetProperty("params").EnumerateArray());
        Assert.Equal(("max_depth", "6", "8"), (param.GetProperty("name").GetString(), param.GetProperty("champion").GetString(), param.GetProperty("candidate").GetString()));
        Assert.Equal(["utilisation"], changes.GetProperty("featuresAdded").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["tenure"], changes.GetProperty("featuresRemoved").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task RunAsync_ChampionVersionDeletedFromTheRegistry_RecordsLineageWithTheReasonAndGoesOn()
    {
        var release = new ReleaseScenario(host, "champion-gone", "low");
        host.Registry.Delete(release.Key.Model, Champion);
        // A metric the run logged as NaN is evidence too: it must not break the record.
        host.Registry.Register(
            release.Key.Model,
            Candidate,
            new Dictionary<string, double> { ["auc"] = 0.82, ["calibration_slope"] = double.NaN },
            lineage: new ModelLineage { GitCommit = CandidateCommit });
        await release.StartAsync();

        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);
        var record = Assert.Single(await release.EvidenceAsync(), r => r.Step == "lineage");
        Assert.Equal("recorded", record.Decision);
        Assert.StartsWith($"v12 from run {FakeModelRegistry.RunIdOf(release.Key.Model, Candidate)} (git 1a2b3c4) on 0 datasets; champion v11 could not be read: ", record.Summary, StringComparison.Ordinal);
        Assert.Contains("does not exist", record.Summary, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, record.Data.GetProperty("champion").ValueKind);
        Assert.Equal(JsonValueKind.Null, record.Data.GetProperty("changes").ValueKind);
        Assert.StartsWith("champion v11 could not be read", record.Data.GetProperty("championProblem").GetString(), StringComparison.Ordinal);
        Assert.Equal("NaN", record.Data.GetProperty("metrics").GetProperty("calibration_slope").GetString());
    }

    [Fact]
    public async Task RunAsync_NoChampion_RecordsLineageWithoutAChangeLog()
    {
        var release = new ReleaseScenario(host, "first-version", "low");
        host.Registry.RemoveAlias(release.Key.Model, ModelAliases.Champion);
        await release.StartAsync();

        await release.OutcomeAsync();
        var record = Assert.Single(await release.EvidenceAsync(), r => r.Step == "lineage");
        Assert.EndsWith("on 2 datasets; no champion to compare with", record.Summary, StringComparison.Ordinal);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null), (record.Data.GetProperty("champion").ValueKind, record.Data.GetProperty("championProblem").ValueKind, record.Data.GetProperty("changes").ValueKind));
    }

    [Fact]
    public async Task RunAsync_ModelNotInTheInventory_EndsWithAReasonInsteadOfCrashing()
    {
        var release = new ReleaseScenario(host, "unregistered", "medium");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ReleaseOrchestrator),
            new ReleaseInput(new ReleaseKey("main.credit.nobody", Candidate, "prod"), release.RunId, release.Endpoint, Requester, TestPolicies.Set(), null, [], DateTimeOffset.UnixEpoch),
            new Microsoft.DurableTask.StartOrchestrationOptions("release:main.credit.nobody:12:prod"));

        using var timeout = new CancellationTokenSource(Deadline);
        var instance = await host.Client.WaitForInstanceCompletionAsync("release:main.credit.nobody:12:prod", getInputsAndOutputs: true, timeout.Token);

        var outcome = instance.ReadOutputAs<ReleaseOutcome>()!;
        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("not in the inventory", outcome.Reason, StringComparison.Ordinal);
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
