using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>Pause, resume, stop and override: authorised, with a rationale, and recorded whether accepted or refused.</summary>
public sealed class OversightWorkflowTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    private static PolicySet SlowCanary() => TestPolicies.Set(low: TestPolicies.Low with
    {
        Deployment = TestPolicies.Fast(DeploymentMode.Canary, [10, 50]) with { BakeTime = TimeSpan.FromSeconds(3) },
    });

    [Fact]
    public async Task RunAsync_PausedDuringAStep_HoldsBeforeTheNextUntilResumed()
    {
        var release = new ReleaseScenario(host, "pause-resume", "low");
        await release.StartAsync(SlowCanary());

        await release.WaitForAsync(p => p.Stage == ReleaseStage.Watching, "watching the first step");
        await release.CommandAsync(OversightCommandKind.Pause, rationale: "quarter-end freeze");
        await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.Resume, "held by the pause");
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10)], release.TrafficRequests);
        await release.CommandAsync(OversightCommandKind.Resume, rationale: "freeze lifted");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var commands = (await release.EvidenceAsync()).Where(r => r.Step == "oversight").ToArray();
        Assert.Equal([("pause", ReleaseManager), ("resume", ReleaseManager)], commands.Select(c => (c.Decision, c.Actor)));
        Assert.Contains("quarter-end freeze", commands[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StoppedDuringTheCanary_RestoresTrafficAndEndsCancelled()
    {
        var release = new ReleaseScenario(host, "stop-canary", "low");
        await release.StartAsync(SlowCanary());

        await release.WaitForAsync(p => p.Stage == ReleaseStage.Watching, "watching the first step");
        await release.CommandAsync(OversightCommandKind.Stop, rationale: "incident on the feature store");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Cancelled, outcome.Stage);
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.AllTo(Champion)], release.TrafficRequests);
        Assert.Contains("incident on the feature store", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CommandsWithoutTheRoleOrARationale_AreRefusedAndRecorded()
    {
        var release = new ReleaseScenario(host, "refused-commands", "medium");
        await release.StartAsync();

        await release.ApprovalAsync();
        await release.CommandAsync(OversightCommandKind.Stop, upn: Outsider, rationale: "I don't like it");
        await release.CommandAsync(OversightCommandKind.Pause, rationale: " ");
        await release.CommandAsync(OversightCommandKind.Resume);
        await release.CommandAsync(OversightCommandKind.Override, upn: Validator, rationale: "ship it", target: "approval");
        await release.CommandAsync(OversightCommandKind.Stop, rationale: "done testing");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Cancelled, outcome.Stage);
        var commands = (await release.EvidenceAsync()).Where(r => r.Step == "oversight").ToArray();
        Assert.Equal(["refused", "refused", "refused", "refused", "stop"], commands.Select(c => c.Decision));
        Assert.Equal(["NotInOversightRole", "MissingRationale", "NotPaused", "NotInOversightRole"], commands.Take(4).Select(c => c.Data.GetProperty("refusal").GetString()));
        release.AssertTrafficUntouched();
    }

    [Fact]
    public async Task RunAsync_OverrideOfTheApproval_ProceedsAndNamesWhoBrokeTheGlass()
    {
        var release = new ReleaseScenario(host, "override", "high");
        await release.StartAsync();

        await release.ApprovalAsync();
        await release.CommandAsync(OversightCommandKind.Override, rationale: "regulator-mandated fix, validators on leave", target: "approval");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var approval = (await release.EvidenceAsync()).Single(r => r.Step == "approval");
        Assert.Equal(("approved", ReleaseManager), (approval.Decision, approval.Actor));
        Assert.Contains("override", approval.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PausedWhileWaitingForApproval_HoldsAfterApprovalUntilResumed()
    {
        var release = new ReleaseScenario(host, "pause-approval", "medium");
        await release.StartAsync();

        await release.ApprovalAsync();
        await release.CommandAsync(OversightCommandKind.Pause, rationale: "hold until the audit finishes");
        await release.VoteAsync(Validator);
        var held = await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.Resume, "held after approval");
        Assert.True(held.Paused);
        Assert.Empty(release.TrafficRequests);
        await release.CommandAsync(OversightCommandKind.Resume, rationale: "audit done");

        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);
    }
}
