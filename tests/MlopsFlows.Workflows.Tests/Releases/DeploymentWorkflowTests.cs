using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>Canary steps, the judge's three answers, shadow and blue/green, on pre-approved (low-tier-like) policies.</summary>
public sealed class DeploymentWorkflowTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    private static PolicySet Canary(params int[] steps) =>
        TestPolicies.Set(low: TestPolicies.Low with { Deployment = TestPolicies.Fast(DeploymentMode.Canary, steps) });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RunAsync_JudgeFailsAtAStep_RollsBackAtOnceToTheBaseline(int failingStep)
    {
        var release = new ReleaseScenario(host, $"fail-step-{failingStep}", "low");
        host.Canary.Answer(release.Endpoint, n => n == failingStep ? FakeCanaryTelemetry.Slower() : FakeCanaryTelemetry.Alike(n));
        await release.StartAsync(Canary(5, 25, 50));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains($"step {failingStep}/3", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("latency", outcome.Reason, StringComparison.Ordinal);
        int[] steps = [5, 25, 50];
        Assert.Equal(
            [.. steps.Take(failingStep).Select(p => TrafficSplit.Canary(Champion, Candidate, p)), TrafficSplit.AllTo(Champion)],
            release.TrafficRequests);
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, ModelAliases.Champion));
        var judgements = (await release.EvidenceAsync()).Where(r => r.Step == "judge").Select(r => r.Decision).ToArray();
        Assert.Equal([.. Enumerable.Repeat("pass", failingStep - 1), "fail"], judgements);
    }

    [Fact]
    public async Task RunAsync_SloBreachedDuringTheBake_RollsBackWithoutWaitingForTheJudge()
    {
        var release = new ReleaseScenario(host, "slo-breach", "low");
        host.Telemetry.Answer(release.Endpoint, FakeServingTelemetry.SlowP95);
        await release.StartAsync(Canary(10, 50));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains("SLO breached", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, host.Canary.ObservationsOf(release.Endpoint));
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.AllTo(Champion)], release.TrafficRequests);
    }

    [Fact]
    public async Task RunAsync_InconclusiveStepAndAPersonSaysGoOn_Continues()
    {
        var release = new ReleaseScenario(host, "inconclusive-go", "low");
        host.Canary.Answer(release.Endpoint, n => n == 1 ? FakeCanaryTelemetry.Sparse() : FakeCanaryTelemetry.Alike(n));
        await release.StartAsync(Canary(10, 50));

        await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.StepDecision, "holding for a person");
        await release.DecideAsync(Requester, goOn: true);
        await release.DecideAsync(Validator, goOn: true);
        await release.DecideAsync(ReleaseManager, goOn: true, rationale: "traffic was low at night; latencies look the same");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["inconclusive", "pass"], evidence.Where(r => r.Step == "judge").Select(r => r.Decision));
        Assert.Equal([("refused", Requester), ("refused", Validator), ("continue", ReleaseManager)], evidence.Where(r => r.Step == "hold").Select(r => (r.Decision, r.Actor)));
        Assert.Contains(release.Notifications, n => n.Kind == ApprovalNotificationKind.HoldDecision);
    }

    [Fact]
    public async Task RunAsync_InconclusiveStepAndAPersonSaysRollBack_RollsBack()
    {
        var release = new ReleaseScenario(host, "inconclusive-stop", "low");
        host.Canary.Answer(release.Endpoint, _ => FakeCanaryTelemetry.Sparse());
        await release.StartAsync(Canary(10, 50));

        await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.StepDecision, "holding for a person");
        await release.DecideAsync(ReleaseManager, goOn: false, rationale: "not enough data to trust it");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains("chose to roll back", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.AllTo(Champion)], release.TrafficRequests);
    }

    [Fact]
    public async Task RunAsync_InconclusiveStepAndNobodyAnswers_RollsBackAfterThePolicyTimeout()
    {
        var low = TestPolicies.Low with { Deployment = TestPolicies.Fast(DeploymentMode.Canary, [10]) with { InconclusiveTimeout = TimeSpan.FromSeconds(2) } };
        var release = new ReleaseScenario(host, "inconclusive-silent", "low");
        host.Canary.Answer(release.Endpoint, _ => FakeCanaryTelemetry.Sparse());
        await release.StartAsync(TestPolicies.Set(low: low));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains("nobody decided", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains((await release.EvidenceAsync()), r => r.Step == "hold" && r.Decision == "expired");
    }

    [Fact]
    public async Task RunAsync_Shadow_JudgesAReplayWithoutLiveTrafficThenPromotes()
    {
        var low = TestPolicies.Low with { Deployment = TestPolicies.Fast(DeploymentMode.Shadow, []) };
        var release = new ReleaseScenario(host, "shadow", "low");
        await release.StartAsync(TestPolicies.Set(low: low));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(
            [new TrafficSplit([new TrafficRoute(Champion, 100), new TrafficRoute(Candidate, 0)]), TrafficSplit.AllTo(Candidate)],
            release.TrafficRequests);
        Assert.Equal(1, host.Canary.ReplaysOf(release.Endpoint));
        Assert.Equal(0, host.Canary.ObservationsOf(release.Endpoint));
        var evidence = await release.EvidenceAsync();
        Assert.DoesNotContain(evidence, r => r.Step == "watch");
        Assert.Contains(evidence, r => r.Step == "judge" && r.Decision == "pass" && r.Summary.StartsWith("shadow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ShadowReplayIsWorse_RollsBackWithoutTheCandidateEverServing()
    {
        var low = TestPolicies.Low with { Deployment = TestPolicies.Fast(DeploymentMode.Shadow, []) };
        var release = new ReleaseScenario(host, "shadow-worse", "low");
        host.Canary.Answer(release.Endpoint, _ => FakeCanaryTelemetry.Slower());
        await release.StartAsync(TestPolicies.Set(low: low));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.All(release.TrafficRequests, split => Assert.Equal(100, split.PercentTo(Champion)));
    }

    [Fact]
    public async Task RunAsync_BlueGreenBreachesItsSlo_SwitchesBackToBlueAtOnce()
    {
        var release = new ReleaseScenario(host, "blue-green-back", "low");
        host.Telemetry.Answer(release.Endpoint, FakeServingTelemetry.SlowP95);
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Equal(
            [new TrafficSplit([new TrafficRoute(Candidate, 100), new TrafficRoute(Champion, 0)]), TrafficSplit.AllTo(Champion)],
            release.TrafficRequests);
        Assert.Equal(TrafficSplit.AllTo(Champion), host.Serving.TrafficOf(release.Endpoint));
    }
}
