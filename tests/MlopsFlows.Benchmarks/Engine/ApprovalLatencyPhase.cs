using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask.Client;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// How a decision reaches the engine. <see cref="SameInstance"/>: the local host as shipped, its API's Durable client on
/// the worker's own orchestration-service instance, which wakes the worker's queue poller when it enqueues (so the
/// polling interval hardly matters). <see cref="OtherInstance"/>: the API's client on a second instance over the same task
/// hub, as when the HTTP trigger runs on another Functions instance than the one that owns the release's partition: the
/// worker sees the decision on its next poll. That path is measured on an idle engine (each decision sent once the
/// previous release has ended and the pollers have had time to back off to the longest interval): the worst case, and
/// the usual one, since approvals come long after a release started waiting.
/// </summary>
internal sealed record DecisionPath(string Key, string Title, bool ClientOnOtherInstance, bool IdleBeforeEachDecision)
{
    public static readonly DecisionPath SameInstance = new(
        "same", "the worker's own instance (local host as shipped)", ClientOnOtherInstance: false, IdleBeforeEachDecision: false);

    public static readonly DecisionPath OtherInstance = new(
        "other", "another instance, engine idle (separate client, e.g. Functions scale-out)", ClientOnOtherInstance: true, IdleBeforeEachDecision: true);
}

/// <summary>What phase (b) measured for one decision path, each from just before the decision POST (T0).</summary>
internal sealed record ApprovalLatencyResult(
    DecisionPath Path,
    int Approvals,
    int Concurrency,
    LatencySummary DecisionAnswered,
    LatencySummary FirstActivity,
    LatencySummary TrafficSet,
    TimeSpan ApprovingElapsed,
    IReadOnlyList<string> Problems);

/// <summary>
/// Phase (b): releases that need an approval are started and left waiting; then each is approved over HTTP and timed
/// from just before the POST to the moment its next activities are entered: the approval evidence write (first
/// activity after the decision) and <c>SetServingTraffic</c> (the step the product goal is about).
/// </summary>
internal static class ApprovalLatencyPhase
{
    private const string WaitingForDecision = "approval";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ApprovalLatencyResult> RunAsync(
        BenchHost host, DatabricksSimulator simulator, StepProbe probe, EngineBenchOptions options, DecisionPath path, CancellationToken cancellationToken)
    {
        var count = options.Approvals;
        var deadline = TimeSpan.FromSeconds(120 + (count * 3));
        var problems = new ConcurrentQueue<string>();

        BenchConsole.Say($"(b) decisions through {path.Title}; warming up: one release approved end to end…");
        var warmingUp = Stopwatch.GetTimestamp();
        var warm = BenchModel.Seed(simulator, "warmup" + path.Key, "w" + path.Key, 1)[0];
        var warmId = await host.StartReleaseAsync(warm, cancellationToken);
        await WaitUntilAllAwaitApprovalAsync(host, [warmId], deadline, cancellationToken);
        await host.ApproveAsync(warmId, cancellationToken);
        await probe.TrafficSetAsync(warm.Endpoint).WaitAsync(StepTimeout, cancellationToken);
        await Instances.WaitUntilEndedAsync(host.Client, warmId, 1, TimeSpan.FromMinutes(2), cancellationToken);
        BenchConsole.Say($"    warmed up in {Stopwatch.GetElapsedTime(warmingUp).TotalSeconds:F1} s");

        var models = BenchModel.Seed(simulator, "approval" + path.Key, path.Key, count);
        BenchConsole.Say($"(b) starting {count} releases that need an approval…");
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.StartConcurrency, CancellationToken = cancellationToken };
        var releases = new ConcurrentDictionary<BenchModel, string>();
        await Parallel.ForEachAsync(models, parallel, async (model, ct) => releases[model] = await host.StartReleaseAsync(model, ct));
        var waiting = Stopwatch.GetTimestamp();
        await WaitUntilAllAwaitApprovalAsync(host, releases.Values, deadline, cancellationToken);
        BenchConsole.Say($"    all {count} wait for a decision ({Stopwatch.GetElapsedTime(waiting).TotalSeconds:F1} s); approving {options.ApprovalConcurrency} at a time…");

        var answered = new ConcurrentBag<double>();
        var firstActivity = new ConcurrentBag<double>();
        var trafficSet = new ConcurrentBag<double>();
        var approving = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            models,
            new ParallelOptions { MaxDegreeOfParallelism = options.ApprovalConcurrency, CancellationToken = cancellationToken },
            async (model, ct) =>
            {
                var id = releases[model];
                var t0 = Stopwatch.GetTimestamp();
                await host.ApproveAsync(id, ct);
                var answer = Stopwatch.GetElapsedTime(t0);
                answered.Add(answer.TotalMilliseconds);
                if (answer > TimeSpan.FromSeconds(1))
                {
                    BenchConsole.Say($"    ! the decision POST for {id} took {answer.TotalSeconds:F1} s");
                }

                try
                {
                    var recorded = await probe.EvidenceWrittenAsync(id, "approval").WaitAsync(StepTimeout, ct);
                    firstActivity.Add(Stopwatch.GetElapsedTime(t0, recorded).TotalMilliseconds);
                    var set = await probe.TrafficSetAsync(model.Endpoint).WaitAsync(StepTimeout, ct);
                    trafficSet.Add(Stopwatch.GetElapsedTime(t0, set).TotalMilliseconds);
                    if (path.IdleBeforeEachDecision)
                    {
                        // The release's last activity, then long enough for every poller to back off to its longest
                        // interval (50 ms doubling: 1 s for a 0.5 s cap, under 2 s for 1 s).
                        await probe.EvidenceWrittenAsync(id, "outcome").WaitAsync(StepTimeout, ct);
                        await Task.Delay(2 * options.Polling, ct);
                    }
                }
                catch (TimeoutException)
                {
                    problems.Enqueue($"{id}: no next step within {StepTimeout.TotalSeconds} s of its approval");
                }
            });
        var approvingElapsed = Stopwatch.GetElapsedTime(approving);
        BenchConsole.Say($"    {count} approvals done in {approvingElapsed.TotalSeconds:F1} s; waiting for the releases to end…");

        var releasePrefix = $"release:bench.approval{path.Key}.";
        await Instances.WaitUntilEndedAsync(host.Client, releasePrefix, count, deadline, cancellationToken);
        foreach (var release in await Instances.ReadAsync(host.Client, releasePrefix, cancellationToken))
        {
            var outcome = release.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? release.ReadOutputAs<ReleaseOutcome>() : null;
            if (outcome?.Stage != ReleaseStage.Promoted)
            {
                problems.Enqueue($"{release.InstanceId} ended {release.RuntimeStatus} {outcome?.Stage}: {outcome?.Reason ?? release.FailureDetails?.ErrorMessage}");
            }
        }

        return new ApprovalLatencyResult(
            path,
            count,
            options.ApprovalConcurrency,
            LatencySummary.Of(answered),
            LatencySummary.Of(firstActivity),
            LatencySummary.Of(trafficSet),
            approvingElapsed,
            problems.ToArray());
    }

    /// <summary>
    /// Until every release is at stage AwaitingApproval in the list (its custom status), and then, release by release,
    /// until its progress says it waits for the decision (the approvers have been notified; the orchestration is idle).
    /// </summary>
    private static async Task WaitUntilAllAwaitApprovalAsync(BenchHost host, IEnumerable<string> releaseIds, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ids = releaseIds.ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var listed = await host.ListReleasesAsync(cancellationToken);
            var awaiting = listed.Count(r => ids.Contains(r.Id) && r.Stage == nameof(ReleaseStage.AwaitingApproval));
            if (awaiting == ids.Count)
            {
                break;
            }

            ThrowIfLate(started, deadline, $"{awaiting} of {ids.Count} releases reached AwaitingApproval");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        foreach (var id in ids)
        {
            while ((await host.GetReleaseAsync(id, cancellationToken)) is not { Progress.WaitingFor: WaitingForDecision, Approval: not null })
            {
                ThrowIfLate(started, deadline, $"{id} never waited for a decision");
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private static void ThrowIfLate(long started, TimeSpan deadline, string what)
    {
        if (Stopwatch.GetElapsedTime(started) > deadline)
        {
            throw new TimeoutException($"Within {deadline} only: {what}.");
        }
    }
}
