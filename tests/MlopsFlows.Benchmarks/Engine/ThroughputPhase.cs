using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>What phase (a) measured: pre-approved releases and bare orchestrations on the same engine.</summary>
internal sealed record ThroughputResult(
    int Releases,
    TimeSpan ReleasesElapsed,
    double ActivitiesPerRelease,
    double EpisodesPerRelease,
    int BareOrchestrations,
    TimeSpan BareElapsed,
    double ActivitiesPerBare,
    double EpisodesPerBare,
    IReadOnlyList<string> Problems)
{
    public double ReleasesPerMinute => Releases / ReleasesElapsed.TotalMinutes;

    public double BarePerMinute => BareOrchestrations / BareElapsed.TotalMinutes;

    /// <summary>What one release costs, counted in bare five-step orchestrations.</summary>
    public double ReleaseCostInBare => BarePerMinute / ReleasesPerMinute;
}

/// <summary>
/// Phase (a): N pre-approved releases with zero bake time started over the HTTP API, timed from the first POST until
/// the engine reports all ended; then N bare <see cref="FiveStepSequence"/> orchestrations the same way.
/// </summary>
internal static class ThroughputPhase
{
    private const string ReleasePrefix = "release:bench.throughput.";
    private const string BarePrefix = "bare:";

    public static async Task<ThroughputResult> RunAsync(BenchHost host, DatabricksSimulator simulator, EngineBenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.Releases;
        var deadline = TimeSpan.FromSeconds(120 + (count * 3));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.StartConcurrency, CancellationToken = cancellationToken };
        var problems = new List<string>();

        await WarmUpAsync(host, simulator, cancellationToken);

        var models = BenchModel.Seed(simulator, "throughput", "t", count);
        BenchConsole.Say($"(a) starting {count} pre-approved releases over HTTP ({options.StartConcurrency} requests at a time)…");
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(models, parallel, async (model, ct) => await host.StartReleaseAsync(model, ct));
        BenchConsole.Say($"    all accepted after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; waiting for them to end…");
        var ended = await Instances.WaitUntilEndedAsync(host.Client, ReleasePrefix, count, deadline, cancellationToken);
        var releasesElapsed = Stopwatch.GetElapsedTime(started, ended);
        BenchConsole.Say($"    {count} releases ended in {releasesElapsed.TotalSeconds:F1} s");

        var releases = await Instances.ReadAsync(host.Client, ReleasePrefix, cancellationToken);
        foreach (var release in releases)
        {
            var outcome = release.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? release.ReadOutputAs<ReleaseOutcome>() : null;
            if (outcome?.Stage != ReleaseStage.Promoted)
            {
                problems.Add($"{release.InstanceId} ended {release.RuntimeStatus} {outcome?.Stage}: {outcome?.Reason ?? release.FailureDetails?.ErrorMessage}");
            }
        }

        var (releaseActivities, releaseEpisodes) = await AverageStepsAsync(host, releases.Select(r => r.InstanceId).ToList());

        BenchConsole.Say($"(a) scheduling {count} bare {nameof(FiveStepSequence)} orchestrations…");
        started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FiveStepSequence), i, new StartOrchestrationOptions(BareId(i)), ct));
        ended = await Instances.WaitUntilEndedAsync(host.Client, BarePrefix, count, deadline, cancellationToken);
        var bareElapsed = Stopwatch.GetElapsedTime(started, ended);
        BenchConsole.Say($"    {count} bare orchestrations ended in {bareElapsed.TotalSeconds:F1} s");

        var bare = await Instances.ReadAsync(host.Client, BarePrefix, cancellationToken);
        foreach (var instance in bare)
        {
            if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                problems.Add($"{instance.InstanceId} ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
            }
        }

        var (bareActivities, bareEpisodes) = await AverageStepsAsync(host, bare.Select(b => b.InstanceId).Take(10).ToList());
        return new ThroughputResult(
            count, releasesElapsed, releaseActivities, releaseEpisodes, count, bareElapsed, bareActivities, bareEpisodes, problems);
    }

    /// <summary>
    /// One release and a few bare orchestrations before the clock starts: the worker takes its partition leases, the
    /// tables and the evidence container are created, the code is compiled.
    /// </summary>
    private static async Task WarmUpAsync(BenchHost host, DatabricksSimulator simulator, CancellationToken cancellationToken)
    {
        BenchConsole.Say("(a) warming up: one release and five bare orchestrations…");
        var warm = BenchModel.Seed(simulator, "warmup", "w", 1)[0];
        await host.StartReleaseAsync(warm, cancellationToken);
        for (var i = 0; i < 5; i++)
        {
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FiveStepSequence), i, new StartOrchestrationOptions($"warmup:{i}"), cancellationToken);
        }

        await Instances.WaitUntilEndedAsync(host.Client, "release:bench.warmup.", 1, TimeSpan.FromMinutes(2), cancellationToken);
        await Instances.WaitUntilEndedAsync(host.Client, "warmup:", 5, TimeSpan.FromMinutes(2), cancellationToken);
    }

    private static async Task<(double Activities, double Episodes)> AverageStepsAsync(BenchHost host, List<string> instanceIds)
    {
        var activities = 0;
        var episodes = 0;
        foreach (var id in instanceIds)
        {
            var steps = await Instances.CountStepsAsync(host.Engine, id);
            activities += steps.Activities;
            episodes += steps.Episodes;
        }

        return instanceIds.Count == 0 ? (0, 0) : ((double)activities / instanceIds.Count, (double)episodes / instanceIds.Count);
    }

    private static string BareId(int i) => FormattableString.Invariant($"{BarePrefix}{i:0000}");
}
