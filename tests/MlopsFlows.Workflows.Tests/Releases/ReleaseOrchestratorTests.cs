using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>
/// The release workflow end to end on the in-memory Durable Task host, over fake ports. Timers are real time,
/// so policies use second-scale timings; every test uses its own model and endpoint in the shared host.
/// </summary>
public sealed class ReleaseOrchestratorTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    private const int Champion = 11;
    private const int Candidate = 12;
    private const string Approver = "ada@example.com";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset RequestedAt = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);

    private static ReleasePolicy Policy(
        bool requiresApproval = true,
        TimeSpan? approvalTimeout = null,
        TimeSpan? bakeTime = null,
        TimeSpan? watchInterval = null) => new()
        {
            Id = "test-release-policy",
            Version = "1",
            RiskTier = "medium",
            Gates =
            [
                new MetricThreshold("auc", Comparison.AtLeast, 0.70),
                new MetricThreshold("log_loss", Comparison.AtMost, 0.60),
            ],
            RequiresApproval = requiresApproval,
            ApprovalTimeout = approvalTimeout ?? TimeSpan.FromMinutes(10),
            CanaryTrafficPercent = 10,
            BakeTime = bakeTime ?? TimeSpan.FromSeconds(1),
            WatchInterval = watchInterval ?? TimeSpan.FromMilliseconds(500),
            Slo = new ServiceLevelObjectives(MaxP95LatencyMs: 250, MaxErrorRate: 0.01),
        };

    [Fact]
    public async Task RunAsync_ApprovedAndHealthyCanary_PromotesWithAnIntactEvidenceChain()
    {
        var release = Arrange("approved");
        var policy = Policy(bakeTime: TimeSpan.FromSeconds(2));
        await StartAsync(release, policy);

        await WaitForStageAsync(release, ReleaseStage.AwaitingApproval, "approval decision");
        await ApproveAsync(release);
        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(TrafficSplit.AllTo(Candidate), outcome.FinalTraffic);
        Assert.Equal(
            [TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.AllTo(Candidate)],
            host.Serving.RequestsTo(release.Endpoint));
        Assert.Equal("v11 90% / v12 10%", host.Serving.RequestsTo(release.Endpoint)[0].ToString());
        Assert.Equal(TrafficSplit.AllTo(Candidate), host.Serving.TrafficOf(release.Endpoint));
        Assert.Equal(Candidate, host.Registry.AliasOf(release.Key.Model, "champion"));

        var request = Assert.Single(host.Notifier.SentFor(release.Id));
        Assert.Equal((release.Key.Model, Candidate, "prod", "ci@example.com", "medium"), (request.Model, request.Version, request.Environment, request.RequestedBy, request.RiskTier));
        Assert.Equal(2, request.GateSummary.Count);

        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "canary"], evidence.Take(3).Select(r => r.Step));
        Assert.Equal(["promote", "outcome"], evidence.TakeLast(2).Select(r => r.Step));
        var watches = evidence.Skip(3).SkipLast(2).ToList();
        Assert.True(watches.Count >= 2, $"a 2 s bake read every 0.5 s should watch at least twice, watched {watches.Count} times");
        Assert.All(watches, w => Assert.Equal(("watch", "met"), (w.Step, w.Decision)));
        Assert.Equal(["pass", "approved", "traffic-set"], evidence.Take(3).Select(r => r.Decision));
        Assert.Equal(["promoted", "promoted"], evidence.TakeLast(2).Select(r => r.Decision));
        Assert.Equal(Approver, evidence[1].Actor);
        Assert.All(evidence, r => Assert.Equal(new PolicyStamp(policy.Id, policy.Version, policy.ContentHash), r.Policy));
        Assert.Equal(evidence.Count, outcome.EvidenceCount);
        Assert.Equal((await host.Evidence.ReadChainAsync(release.Id, release.RunId, CancellationToken.None))[^1].Hash, outcome.EvidenceHead);
    }

    [Fact]
    public async Task RunAsync_RejectedWithRationale_EndsRejectedAndNeverTouchesTraffic()
    {
        var release = Arrange("rejected");
        await StartAsync(release, Policy());

        await WaitForStageAsync(release, ReleaseStage.AwaitingApproval, "approval decision");
        await host.Client.RaiseEventAsync(release.Id, ReleaseEvents.Decision, new ApprovalDecision(false, Approver, "fairness report missing", RequestedAt.AddMinutes(5)));
        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Rejected, outcome.Stage);
        Assert.Contains("fairness report missing", outcome.Reason, StringComparison.Ordinal);
        AssertTrafficUntouched(release, TrafficSplit.AllTo(Champion));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal(("rejected", Approver), (evidence[1].Decision, evidence[1].Actor));
        Assert.Contains("fairness report missing", evidence[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoDecisionBeforeTheApprovalTimeout_Expires()
    {
        var release = Arrange("expired");
        await StartAsync(release, Policy(approvalTimeout: TimeSpan.FromSeconds(2)));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Expired, outcome.Stage);
        Assert.Single(host.Notifier.SentFor(release.Id));
        AssertTrafficUntouched(release, TrafficSplit.AllTo(Champion));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal(["pass", "expired", "expired"], evidence.Select(r => r.Decision));
    }

    [Fact]
    public async Task RunAsync_CanaryP95OverTheSlo_RollsBackToExactlyTheBaselineSplit()
    {
        var baseline = new TrafficSplit([new TrafficRoute(10, 20), new TrafficRoute(Champion, 80)]);
        var release = Arrange("slow", baseline, telemetry: FakeServingTelemetry.SlowP95);
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.FromMinutes(5)));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains("p95 latency", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10), baseline], host.Serving.RequestsTo(release.Endpoint));
        Assert.Equal(baseline.Routes, host.Serving.TrafficOf(release.Endpoint).Routes);
        Assert.Equal(baseline, outcome.FinalTraffic);
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, "champion"));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "canary", "watch", "rollback", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal("breached", evidence[3].Decision);
        Assert.Equal("rolledback", evidence[^1].Decision);
    }

    [Fact]
    public async Task RunAsync_PromotionFailsForGood_RestoresTrafficAndChampionAndEndsRolledBack()
    {
        var baseline = TrafficSplit.AllTo(Champion);
        var release = Arrange("promotion-fails", baseline);
        host.Registry.SetAlias(release.Key.Model, "champion", Champion);
        host.Registry.RefuseAliasMovesTo(release.Key.Model, Candidate);
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.Zero));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains(nameof(MoveModelAlias), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(baseline.Routes, host.Serving.TrafficOf(release.Endpoint).Routes);
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, "champion"));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "canary", "watch", "rollback", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal(Champion, evidence[4].Data.GetProperty("championRestored").GetInt32());
    }

    [Fact]
    public async Task RunAsync_NoRequestsReachTheCanaryDuringTheBake_RollsBackInsteadOfPromoting()
    {
        var release = Arrange("idle", telemetry: FakeServingTelemetry.NoTraffic);
        await StartAsync(release, Policy(requiresApproval: false));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Contains("no requests reached the canary", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(TrafficSplit.AllTo(Candidate), host.Serving.RequestsTo(release.Endpoint));
        Assert.Equal(TrafficSplit.AllTo(Champion), host.Serving.TrafficOf(release.Endpoint));
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, "champion"));
        var evidence = await VerifiedEvidenceAsync(release);
        var watches = evidence.Where(r => r.Step == "watch").ToList();
        Assert.NotEmpty(watches);
        Assert.All(watches, w => Assert.Equal("nodata", w.Decision));
        Assert.DoesNotContain(evidence, r => r.Step == "promote");
    }

    [Fact]
    public async Task RunAsync_CancelledWhileAwaitingApproval_EndsCancelledWithTrafficUntouched()
    {
        var release = Arrange("cancel-approval");
        await StartAsync(release, Policy());

        await WaitForStageAsync(release, ReleaseStage.AwaitingApproval, "approval decision");
        await CancelAsync(release);
        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Cancelled, outcome.Stage);
        Assert.Contains("ops@example.com", outcome.Reason, StringComparison.Ordinal);
        AssertTrafficUntouched(release, TrafficSplit.AllTo(Champion));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "cancel", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal("ops@example.com", evidence[1].Actor);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWatching_RestoresTrafficAndEndsCancelled()
    {
        var release = Arrange("cancel-watch");
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.FromMinutes(5)));

        var watching = await WaitForStageAsync(release, ReleaseStage.Watching);
        Assert.Equal("v11 90% / v12 10%", watching.Traffic);
        await CancelAsync(release);
        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Cancelled, outcome.Stage);
        Assert.Equal([TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.AllTo(Champion)], host.Serving.RequestsTo(release.Endpoint));
        Assert.Equal(TrafficSplit.AllTo(Champion), host.Serving.TrafficOf(release.Endpoint));
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, "champion"));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["rollback", "outcome"], evidence.TakeLast(2).Select(r => r.Step));
        Assert.Equal("cancelled", evidence[^1].Decision);
    }

    [Fact]
    public async Task RunAsync_GateFails_EndsGateFailedWithoutNotifyingApprovers()
    {
        var release = Arrange("weak", auc: 0.55);
        await StartAsync(release, Policy());

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("auc", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(host.Notifier.SentFor(release.Id));
        AssertTrafficUntouched(release, TrafficSplit.AllTo(Champion));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal(["fail", "gatefailed"], evidence.Select(r => r.Decision));
    }

    [Fact]
    public async Task RunAsync_CandidateMetricIsNaN_EndsGateFailedInsteadOfFailingTheWorkflow()
    {
        // Training runs can log NaN; it must reach the gate (and the evidence) as a failed check, not break serialization.
        var release = Arrange("nan-metric", auc: double.NaN);
        await StartAsync(release, Policy());

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Empty(host.Notifier.SentFor(release.Id));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal("fail", evidence[0].Decision);
    }

    [Fact]
    public async Task RunAsync_TelemetryReportsRequestsButNoLatency_RollsBackAsABreach()
    {
        var release = Arrange("nan-latency", telemetry: v => new ServingMetrics(v, RequestCount: 500, ErrorCount: 0, P95LatencyMs: double.NaN));
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.FromMinutes(5)));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.RolledBack, outcome.Stage);
        Assert.Equal(TrafficSplit.AllTo(Champion), host.Serving.TrafficOf(release.Endpoint));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal("breached", evidence.Single(r => r.Step == "watch").Decision);
    }

    [Fact]
    public async Task RunAsync_PolicyPreApproves_PromotesWithoutAnyEvent()
    {
        var release = Arrange("preapproved");
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.Zero));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Empty(host.Notifier.SentFor(release.Id));
        Assert.Equal(TrafficSplit.AllTo(Candidate), host.Serving.TrafficOf(release.Endpoint));
        Assert.Equal(Candidate, host.Registry.AliasOf(release.Key.Model, "champion"));
        var evidence = await VerifiedEvidenceAsync(release);
        Assert.Equal(["gates", "approval", "canary", "watch", "promote", "outcome"], evidence.Select(r => r.Step));
        Assert.Equal(("approved", "system"), (evidence[1].Decision, evidence[1].Actor));
    }

    [Fact]
    public async Task RunAsync_AwaitingApproval_CustomStatusShowsStageTrafficAndWhatItWaitsFor()
    {
        var release = Arrange("status");
        await StartAsync(release, Policy(approvalTimeout: TimeSpan.FromMinutes(10)));

        var progress = await WaitForStageAsync(release, ReleaseStage.AwaitingApproval, "approval decision");
        var instance = await host.Client.GetInstanceAsync(release.Id, getInputsAndOutputs: true);

        Assert.NotNull(instance);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance.RuntimeStatus);
        Assert.False(string.IsNullOrEmpty(instance.SerializedCustomStatus));
        Assert.Equal(ReleaseStage.AwaitingApproval, progress.Stage);
        Assert.Equal("v11 100%", progress.Traffic);
        Assert.Equal("approval decision", progress.WaitingFor);
        Assert.NotNull(progress.WaitingUntil);
        Assert.InRange(progress.WaitingUntil.Value - instance.CreatedAt, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        Assert.Equal(1, progress.EvidenceCount);
        Assert.Equal([ReleaseStage.Gating, ReleaseStage.AwaitingApproval], progress.History.Select(h => h.Stage));

        await CancelAsync(release);
        Assert.Equal(ReleaseStage.Cancelled, (await OutcomeAsync(release)).Stage);
    }

    [Fact]
    public async Task RunAsync_ManyReleasesAtOnce_EachEndsWithItsOwnTrafficAndChain()
    {
        // Releases of different models share one task hub: nothing of one may leak into another.
        var releases = Enumerable.Range(1, 12).Select(i => Arrange($"fleet-{i}", auc: i % 4 == 0 ? 0.5 : 0.9)).ToList();
        foreach (var release in releases)
        {
            await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.Zero));
        }

        var outcomes = await Task.WhenAll(releases.Select(OutcomeAsync));

        for (var i = 0; i < releases.Count; i++)
        {
            var release = releases[i];
            var expected = (i + 1) % 4 == 0 ? ReleaseStage.GateFailed : ReleaseStage.Promoted;
            Assert.Equal(expected, outcomes[i].Stage);
            Assert.Equal(expected == ReleaseStage.Promoted ? TrafficSplit.AllTo(Candidate) : TrafficSplit.AllTo(Champion), host.Serving.TrafficOf(release.Endpoint));
            var evidence = await VerifiedEvidenceAsync(release);
            Assert.All(evidence, r => Assert.Equal(release.Id, r.ReleaseId));
            Assert.Equal(outcomes[i].EvidenceCount, evidence.Count);
        }
    }

    [Fact]
    public async Task RunAsync_AnyRun_StampsTheInputsRunIdOnEveryRecord()
    {
        var release = Arrange("stamped");
        await StartAsync(release, Policy(requiresApproval: false, bakeTime: TimeSpan.Zero));

        var outcome = await OutcomeAsync(release);

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var chain = await host.Evidence.ReadChainAsync(release.Id, release.RunId, CancellationToken.None);
        Assert.Equal(outcome.EvidenceCount, chain.Count);
        Assert.All(chain, stored => Assert.Equal((release.Id, release.RunId), Identify(stored)));
        Assert.Equal([release.RunId], await host.Evidence.ListRunsAsync(release.Id, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_ReleaseRunAgainAfterItsHistoryWasPurged_StartsAChainOfItsOwn()
    {
        // Same model, version and environment, so the same instance id and release id: only the run id tells them apart.
        var first = Arrange("rerun", auc: 0.55);
        await StartAsync(first, Policy());
        Assert.Equal(ReleaseStage.GateFailed, (await OutcomeAsync(first)).Stage);
        var firstChain = await host.Evidence.ReadChainAsync(first.Id, first.RunId, CancellationToken.None);
        Assert.True((await host.Client.PurgeInstanceAsync(first.Id)).PurgedInstanceCount == 1, $"{first.Id} was not purged");

        var second = first with { RunId = "20250315T090000Z-" + first.RunId[^8..] };
        host.Registry.Register(second.Key.Model, Candidate, new Dictionary<string, double> { ["auc"] = 0.82, ["log_loss"] = 0.41 });
        await StartAsync(second, Policy(requiresApproval: false, bakeTime: TimeSpan.Zero));
        var outcome = await OutcomeAsync(second);

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal([first.RunId, second.RunId], await host.Evidence.ListRunsAsync(first.Id, CancellationToken.None));
        Assert.Equal(firstChain, await host.Evidence.ReadChainAsync(first.Id, first.RunId, CancellationToken.None));
        var evidence = await VerifiedEvidenceAsync(second);
        Assert.Equal(1, evidence[0].Sequence);
        Assert.Null(evidence[0].PreviousHash);
        Assert.Equal(outcome.EvidenceCount, evidence.Count);
        Assert.Empty(evidence.Select(EvidenceChain.HashOf).Intersect(firstChain.Select(s => s.Hash)));
    }

    private Release Arrange(string name, TrafficSplit? baseline = null, double auc = 0.82, Func<int, ServingMetrics>? telemetry = null)
    {
        // A run id as the API makes them: start time, then random hex.
        var release = new Release(
            new ReleaseKey($"main.credit.{name.Replace('-', '_')}", Candidate, "prod"),
            $"credit-{name}",
            "20250314T090000Z-" + Guid.NewGuid().ToString("N")[..8]);
        host.Registry.Register(release.Key.Model, Candidate, new Dictionary<string, double> { ["auc"] = auc, ["log_loss"] = 0.41 });
        host.Registry.SetAlias(release.Key.Model, "champion", Champion);
        host.Serving.Seed(release.Endpoint, baseline ?? TrafficSplit.AllTo(Champion));
        if (telemetry is not null)
        {
            host.Telemetry.Answer(release.Endpoint, telemetry);
        }

        return release;
    }

    private Task<string> StartAsync(Release release, ReleasePolicy policy) =>
        host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ReleaseOrchestrator),
            new ReleaseInput(release.Key, release.RunId, release.Endpoint, "ci@example.com", policy, ["mlflow-run:abc123"], RequestedAt),
            new StartOrchestrationOptions(release.Id));

    private Task ApproveAsync(Release release) =>
        host.Client.RaiseEventAsync(release.Id, ReleaseEvents.Decision, new ApprovalDecision(true, Approver, "looks good", RequestedAt.AddMinutes(5)));

    private Task CancelAsync(Release release) =>
        host.Client.RaiseEventAsync(release.Id, ReleaseEvents.Cancel, new CancelRequest("ops@example.com", "incident in progress", RequestedAt.AddMinutes(6)));

    private async Task<ReleaseOutcome> OutcomeAsync(Release release)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        OrchestrationMetadata instance;
        try
        {
            instance = await host.Client.WaitForInstanceCompletionAsync(release.Id, getInputsAndOutputs: true, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // The in-memory host runs at most ProcessorCount work items at once; the runsettings raise it.
            throw new TimeoutException(
                $"{release.Id} did not finish within {Deadline.TotalSeconds} s (Environment.ProcessorCount = {Environment.ProcessorCount}; "
                + "is DOTNET_PROCESSOR_COUNT from MlopsFlows.Workflows.Tests.runsettings reaching the test process?)");
        }

        Assert.True(
            instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{release.Id} ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorType} {instance.FailureDetails?.ErrorMessage}");
        return instance.ReadOutputAs<ReleaseOutcome>() ?? throw new InvalidOperationException($"{release.Id} has no output");
    }

    private async Task<ReleaseProgress> WaitForStageAsync(Release release, ReleaseStage stage, string? waitingFor = null)
    {
        var progress = await Poll.UntilAsync(
            async () => (await host.Client.GetInstanceAsync(release.Id, getInputsAndOutputs: true))?.ReadCustomStatusAs<ReleaseProgress>(),
            p => p is not null && p.Stage == stage && (waitingFor is null || p.WaitingFor == waitingFor),
            Deadline,
            $"{release.Id} reaching {stage}{(waitingFor is null ? string.Empty : $" waiting for {waitingFor}")}");
        return progress!;
    }

    private void AssertTrafficUntouched(Release release, TrafficSplit baseline)
    {
        Assert.Empty(host.Serving.RequestsTo(release.Endpoint));
        Assert.Equal(baseline, host.Serving.TrafficOf(release.Endpoint));
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, "champion"));
    }

    /// <summary>Reads the run's chain from the store, proves it intact and its own, and returns its records.</summary>
    private async Task<List<EvidenceRecord>> VerifiedEvidenceAsync(Release release)
    {
        var chain = await host.Evidence.ReadChainAsync(release.Id, release.RunId, CancellationToken.None);
        var check = EvidenceChain.Verify(chain);
        Assert.True(check.Intact, check.Reason);
        Assert.NotEmpty(chain);
        Assert.All(chain, stored => Assert.Equal((release.Id, release.RunId), Identify(stored)));
        return [.. chain.Select(stored => EvidenceChain.Parse(stored.Content.Span))];
    }

    private static (string ReleaseId, string RunId) Identify(StoredEvidence stored)
    {
        var record = EvidenceChain.Parse(stored.Content.Span);
        return (record.ReleaseId, record.RunId);
    }

    private sealed record Release(ReleaseKey Key, string Endpoint, string RunId)
    {
        public string Id => Key.InstanceId;
    }
}
