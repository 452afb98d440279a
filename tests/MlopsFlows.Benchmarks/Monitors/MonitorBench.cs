using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Benchmarks.Engine;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Local;
using MlopsFlows.Local.Engine;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Benchmarks.Monitors;

/// <summary>One check as its monitor recorded it: when it was due, when it started, when its record was written.</summary>
internal sealed record CheckTiming(string MonitorId, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt, DateTimeOffset RecordedAt, string Decision)
{
    /// <summary>Negative when the timer fired before the check was due.</summary>
    public TimeSpan Lateness => StartedAt - ScheduledAt;

    /// <summary>From the check's start to its evidence record: the reads and the judging, as the orchestration saw them.</summary>
    public TimeSpan Duration => RecordedAt - StartedAt;
}

/// <summary>
/// The monitors bench: on one Azurite (data on disk in a throwaway folder) and one in-process Databricks simulator,
/// N models each with its serving endpoint and (by default) a reference and a batch of features per minute; N monitor
/// orchestrations started as a promotion starts them (the bench policy's low tier, no automatic action) with the
/// interval set to the bench's; watched for M minutes; then every check's recorded timing read from its evidence.
/// </summary>
internal static class MonitorBench
{
    private const string Environment = "prod";
    private const string TaskHub = "benchmonitors";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MonitorBenchOptions options;
        try
        {
            options = MonitorBenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        var run = new MonitorRun(DateTimeOffset.Now, options);
        BenchConsole.Say($"monitors bench: {options.Count} monitors every {options.Interval.TotalSeconds:0} s for {options.Minutes} min, {options.FeatureRows} feature rows per model-minute, {run.Machine}");
        var dataFolder = Path.Combine(Path.GetTempPath(), "mlopsflows-monitor-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = dataFolder }, cancellationToken);
            await using var simulator = await DatabricksSimulator.StartAsync(
                new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero, FeatureDataRoot = Path.Combine(dataFolder, "features") }, cancellationToken);
            var host = await StartHostAsync(azurite, simulator, options, cancellationToken);
            try
            {
                await using var sampler = new ResourceSampler(azurite.ProcessId, azurite.ConnectionString, TaskHub);
                var result = await MeasureAsync(host, simulator, sampler, options, cancellationToken);
                var report = MonitorReport.Markdown(run with { LoadAtEnd = EngineRun.LoadAverage() }, result);
                Console.WriteLine();
                Console.WriteLine(report);
                var file = MonitorReport.Write(run, report);
                BenchConsole.Say($"written to {file}");
                return result.Problems.Count == 0 ? 0 : 1;
            }
            finally
            {
                await StopHostAsync(host);
            }
        }
        finally
        {
            if (Directory.Exists(dataFolder))
            {
                Directory.Delete(dataFolder, recursive: true);
            }
        }
    }

    private static async Task<MonitorResult> MeasureAsync(LocalHost host, DatabricksSimulator simulator, ResourceSampler sampler, MonitorBenchOptions options, CancellationToken cancellationToken)
    {
        var client = host.App.Services.GetRequiredService<DurableTaskClient>();
        var policies = host.App.Services.GetRequiredService<PolicySet>();
        var low = policies.ForTier("low");
        var policy = low with { Monitoring = low.Monitoring with { Interval = options.Interval } };

        var seeding = Stopwatch.StartNew();
        BenchConsole.Say($"seeding {options.Count} models in the simulator{(options.FeatureRows > 0 ? " with a reference and a feature batch per minute each" : string.Empty)}…");
        var models = Enumerable.Range(0, options.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"m{i:0000}")).ToArray();
        var featureSpan = TimeSpan.FromMinutes(options.Minutes + 15);
        var featuresFrom = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Parallel.ForEachAsync(models, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, (name, _) =>
        {
            simulator.AddModelVersion(ModelOf(name), 1, new Dictionary<string, double> { ["auc"] = 0.83 });
            simulator.AddServingEndpoint(EndpointOf(name), ModelOf(name), 1);
            if (options.FeatureRows > 0)
            {
                simulator.WriteFeatures(ModelOf(name), Environment, featuresFrom, featureSpan, TimeSpan.FromMinutes(1), options.FeatureRows);
            }

            return ValueTask.CompletedTask;
        });
        BenchConsole.Say($"    seeded in {seeding.Elapsed.TotalSeconds:F1} s");

        BenchConsole.Say($"starting {options.Count} monitors ({options.StartConcurrency} at a time)…");
        var runId = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-bench");
        var startedAt = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(models, new ParallelOptions { MaxDegreeOfParallelism = options.StartConcurrency, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            var input = MonitorInput.ForPromotion(new ReleaseKey(ModelOf(name), 1, Environment), runId, EndpointOf(name), previousVersion: null, policy, policies.Redaction);
            await MonitorControl.StartOrReplaceAsync(client, input, ct);
        });
        var allStarted = DateTimeOffset.UtcNow;
        var end = allStarted + TimeSpan.FromMinutes(options.Minutes);
        BenchConsole.Say($"    all started in {(allStarted - startedAt).TotalSeconds:F1} s; watching until {end.ToLocalTime():HH:mm:ss}…");

        while (DateTimeOffset.UtcNow < end)
        {
            // A millisecond more than what is left: Task.Delay truncates to whole milliseconds and must not wake before the end.
            var left = end - DateTimeOffset.UtcNow;
            await Task.Delay(left < TimeSpan.FromSeconds(30) ? left + TimeSpan.FromMilliseconds(1) : TimeSpan.FromSeconds(30), cancellationToken);
            var taken = sampler.Between(allStarted, DateTimeOffset.UtcNow);
            if (taken.Count > 0 && taken[^1] is var last)
            {
                BenchConsole.Say(
                    $"    host {last.HostCores:F2} cores, {last.HostWorkingSet / 1048576.0:F0} MB; Azurite {last.AzuriteCores:F2} cores, {last.AzuriteResident / 1048576.0:F0} MB; "
                    + $"queued: {last.ControlMessages} control, {last.WorkItemMessages} work items; load {last.LoadAverage}");
            }
        }

        // Checks due just before the end are still running: give them the time a healthy check takes before reading.
        var resources = sampler.Between(allStarted, end);
        await Task.Delay(Min(options.Interval, TimeSpan.FromSeconds(20)), cancellationToken);
        BenchConsole.Say("reading every monitor's status and evidence…");
        var statuses = await ReadStatusesAsync(client, cancellationToken);
        var store = host.App.Services.GetRequiredService<IEvidenceStore>();
        var checks = new ConcurrentBag<CheckTiming>();
        var problems = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(models, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            var id = MonitorIds.For(ModelOf(name), Environment);
            var chain = await store.ReadChainAsync(id, runId, ct);
            foreach (var stored in chain)
            {
                var record = EvidenceChain.Parse(stored.Content.Span);
                if (record.Step == MonitorSteps.Check)
                {
                    checks.Add(new CheckTiming(
                        id,
                        record.Data.GetProperty("scheduledAt").GetDateTimeOffset(),
                        record.Data.GetProperty("startedAt").GetDateTimeOffset(),
                        new DateTimeOffset(record.RecordedAt.UtcDateTime, TimeSpan.Zero),
                        record.Decision));
                }
            }

            if (chain.Count == 0)
            {
                problems.Add($"{id} recorded nothing");
            }
        });

        var failed = statuses.Where(s => s.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)).ToList();
        foreach (var monitor in failed.Take(10))
        {
            problems.Add($"{monitor.InstanceId} is {monitor.RuntimeStatus}: {monitor.FailureDetails?.ErrorMessage}");
        }

        var backlog = statuses.Count(s => s.Status?.NextCheckAt is { } next && next < end - options.Interval);
        var local = host.App.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        var engine = string.Create(
            CultureInfo.InvariantCulture,
            $"{local.PartitionCount} partitions, MaxQueuePollingInterval {local.MaxQueuePollingInterval.TotalSeconds} s, {local.MaxConcurrentWorkItems} concurrent work items");
        return new MonitorResult(
            engine,
            options.Count,
            allStarted - startedAt,
            allStarted,
            end,
            [.. checks.Where(c => c.ScheduledAt <= end).OrderBy(c => c.ScheduledAt)],
            [.. statuses.Where(s => s.Status?.LastLateness is not null).Select(s => s.Status!.LastLateness!.Value)],
            backlog,
            resources,
            [.. problems]);
    }

    private static async Task<List<(string InstanceId, OrchestrationRuntimeStatus RuntimeStatus, MonitorStatus? Status, TaskFailureDetails? FailureDetails)>> ReadStatusesAsync(
        DurableTaskClient client, CancellationToken cancellationToken)
    {
        var statuses = new List<(string, OrchestrationRuntimeStatus, MonitorStatus?, TaskFailureDetails?)>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = MonitorIds.Prefix, FetchInputsAndOutputs = true, PageSize = 500 })
            .WithCancellation(cancellationToken))
        {
            statuses.Add((instance.InstanceId, instance.RuntimeStatus, instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<MonitorStatus>(), instance.FailureDetails));
        }

        return statuses;
    }

    private static async Task<LocalHost> StartHostAsync(AzuriteProcess azurite, DatabricksSimulator simulator, MonitorBenchOptions options, CancellationToken cancellationToken)
    {
        string[] settings =
        [
            "--storage", azurite.ConnectionString,
            "--task-hub", TaskHub,
            "--api-port", "0",
            "--databricks-url", simulator.BaseUrl,
            "--databricks-token", simulator.Token,
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            $"--MlopsFlows:Policies:Path={Path.Combine(AppContext.BaseDirectory, "bench-policies")}",
            "--MlopsFlows:Policies:Active=bench",
            "--MlopsFlows:Monitoring:Data:Root=" + simulator.FeatureDataRoot,
            "--MlopsFlows:Local:MaxQueuePollingInterval=" + options.Polling.ToString("c", CultureInfo.InvariantCulture),
            .. options.HostArguments,
        ];
        var host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(settings), cancellationToken);
        await host.App.Services.GetRequiredService<GrpcChannel>().ConnectAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return host;
    }

    private static async Task StopHostAsync(LocalHost host)
    {
        var stopping = Stopwatch.StartNew();
        await host.DisposeAsync();
        BenchConsole.Say($"host stopped in {stopping.Elapsed.TotalSeconds:F1} s");
    }

    private static string ModelOf(string name) => $"bench.monitors.{name}";

    private static string EndpointOf(string name) => $"{name}-{Environment}";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>What the run measured.</summary>
/// <param name="LastLateness">Each monitor's last lateness as its custom status showed it at the end (a cross-check of the evidence).</param>
/// <param name="Backlog">Monitors whose next check was more than an interval overdue at the end.</param>
internal sealed record MonitorResult(
    string EngineSettings,
    int Monitors,
    TimeSpan StartElapsed,
    DateTimeOffset WatchFrom,
    DateTimeOffset WatchTo,
    IReadOnlyList<CheckTiming> Checks,
    IReadOnlyList<TimeSpan> LastLateness,
    int Backlog,
    IReadOnlyList<ResourceSample> Resources,
    IReadOnlyList<string> Problems);

/// <summary>When and where a run happened, with what settings.</summary>
internal sealed record MonitorRun(DateTimeOffset StartedAt, MonitorBenchOptions Options)
{
    public string LoadAtStart { get; } = EngineRun.LoadAverage();

    public string LoadAtEnd { get; init; } = string.Empty;

    public string Machine { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{System.Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
}
