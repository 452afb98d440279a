using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask.Client;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>What phase (b) measured, each from just before the decision POST (T0).</summary>
internal sealed record ApprovalLatencyResult(
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
    private const string ReleasePrefix = "release:bench.approval.";
    private const string WaitingForDecision = "approval decision";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ApprovalLatencyResult> RunAsync(
        BenchHost host, DatabricksSimulator simulator, StepProbe probe, EngineBenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.Approvals;
        var deadline = TimeSpan.FromSeconds(120 + (count * 3));
        var problems = new ConcurrentQueue<string>();

        BenchConsole.Say("(b) warming up: one release approved end to end…");
        var warm = BenchModel.Seed(simulator, "warmupapproval", "v", 1)[0];
        var warmId = await host.StartReleaseAsync(warm, cancellationToken);
        await WaitUntilAllAwaitApprovalAsync(host, [warmId], deadline, cancellationToken);
        await host.ApproveAsync(warmId, cancellationToken);
        await probe.TrafficSetAsync(warm.Endpoint).WaitAsync(StepTimeout, cancellationToken);
        await Instances.WaitUntilEndedAsync(host.Client, warmId, 1, TimeSpan.FromMinutes(2), cancellationToken);

        var models = BenchModel.Seed(simulator, "approval", "a", count);
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
                answered.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                try
                {
                    var recorded = await probe.ApprovalRecordedAsync(id).WaitAsync(StepTimeout, ct);
                    firstActivity.Add(Stopwatch.GetElapsedTime(t0, recorded).TotalMilliseconds);
                    var set = await probe.TrafficSetAsync(model.Endpoint).WaitAsync(StepTimeout, ct);
                    trafficSet.Add(Stopwatch.GetElapsedTime(t0, set).TotalMilliseconds);
                }
                catch (TimeoutException)
                {
                    problems.Enqueue($"{id}: no next step within {StepTimeout.TotalSeconds} s of its approval");
                }
            });
        var approvingElapsed = Stopwatch.GetElapsedTime(approving);
        BenchConsole.Say($"    {count} approvals done in {approvingElapsed.TotalSeconds:F1} s; waiting for the releases to end…");

        await Instances.WaitUntilEndedAsync(host.Client, ReleasePrefix, count, deadline, cancellationToken);
        foreach (var release in await Instances.ReadAsync(host.Client, ReleasePrefix, cancellationToken))
        {
            var outcome = release.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? release.ReadOutputAs<ReleaseOutcome>() : null;
            if (outcome?.Stage != ReleaseStage.Promoted)
            {
                problems.Enqueue($"{release.InstanceId} ended {release.RuntimeStatus} {outcome?.Stage}: {outcome?.Reason ?? release.FailureDetails?.ErrorMessage}");
            }
        }

        return new ApprovalLatencyResult(
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
            while ((await host.GetReleaseAsync(id, cancellationToken)).Progress?.WaitingFor != WaitingForDecision)
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
