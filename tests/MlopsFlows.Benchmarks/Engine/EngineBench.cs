using System.Diagnostics;
using System.Globalization;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.DevServices.Databricks;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// The engine bench: on one Azurite (free ports, data in a throwaway folder) and one in-process Databricks simulator
/// (config updates live at once), (a) release and bare-orchestration throughput on one local host, then (b)
/// approval-to-next-step latency on local hosts whose policy requires approval (own task hubs on the same Azurite),
/// once for each <see cref="DecisionPath"/>.
/// </summary>
internal static class EngineBench
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        EngineBenchOptions options;
        try
        {
            options = EngineBenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        var run = new EngineRun(DateTimeOffset.Now, options);
        BenchConsole.Say($"engine bench: {options.Releases} releases, {options.Approvals} approvals, polling {options.Polling.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, {run.Machine}");

        // Azurite keeps its data in a throwaway folder, not in memory: in memory every queue message is an extent of
        // its own, and Azurite's queue GC (every 60 s) then blocks the whole Node process for tens of seconds (21.6 s
        // for 4,365 extents, measured), which would show up as latency here. --in-memory brings that mode back.
        var dataFolder = options.AzuriteInMemory ? null : Path.Combine(Path.GetTempPath(), "mlopsflows-bench-" + Guid.NewGuid().ToString("N")[..8]);
        BenchConsole.Say($"starting Azurite ({(dataFolder is null ? "in memory" : "data in " + dataFolder)}) and the Databricks simulator (config updates live at once)…");
        try
        {
            await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = dataFolder }, cancellationToken);
            await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero }, cancellationToken);
            await using var stalls = new StallMonitor(azurite.ConnectionString);
            var probe = new StepProbe();

            var throughputHost = await BenchHost.StartAsync(
                azurite.ConnectionString, simulator, "benchthroughput", requiresApproval: false, clientOnOtherInstance: false, options, probe, cancellationToken);
            run = run with { EngineSettings = throughputHost.EngineSettings, AzuriteMode = dataFolder is null ? "in memory" : "data on disk" };
            ThroughputResult throughput;
            try
            {
                throughput = await ThroughputPhase.RunAsync(throughputHost, simulator, options, cancellationToken);
            }
            finally
            {
                await StopAsync(throughputHost);
            }

            // Phase (b) needs a policy that requires approval; the policy overrides are fixed per host, so each decision
            // path gets its own host (and task hub) on the same Azurite, started once the previous one has stopped.
            var latencies = new List<ApprovalLatencyResult>();
            foreach (var path in new[] { DecisionPath.SameInstance, DecisionPath.OtherInstance })
            {
                var approvalHost = await BenchHost.StartAsync(
                    azurite.ConnectionString, simulator, "benchapproval" + path.Key, requiresApproval: true, path.ClientOnOtherInstance, options, probe, cancellationToken);
                try
                {
                    latencies.Add(await ApprovalLatencyPhase.RunAsync(approvalHost, simulator, probe, options, path, cancellationToken));
                }
                finally
                {
                    await StopAsync(approvalHost);
                }
            }

            run = run with { Stalls = stalls.Summary(), LoadAtEnd = EngineRun.LoadAverage() };
            var report = EngineReport.Markdown(run, throughput, latencies);
            Console.WriteLine();
            Console.WriteLine(report);
            var file = EngineReport.Write(run, report);
            BenchConsole.Say($"written to {file}");
            return throughput.Problems.Count + latencies.Sum(l => l.Problems.Count) == 0 ? 0 : 1;
        }
        finally
        {
            if (dataFolder is not null && Directory.Exists(dataFolder))
            {
                Directory.Delete(dataFolder, recursive: true);
            }
        }
    }

    private static async Task StopAsync(BenchHost host)
    {
        var stopping = Stopwatch.GetTimestamp();
        await host.DisposeAsync();
        BenchConsole.Say($"    host stopped in {Stopwatch.GetElapsedTime(stopping).TotalSeconds:F1} s");
    }
}

/// <summary>When and where a run happened, with what settings.</summary>
internal sealed record EngineRun(DateTimeOffset StartedAt, EngineBenchOptions Options)
{
    public string EngineSettings { get; init; } = string.Empty;

    public string AzuriteMode { get; init; } = string.Empty;

    public StallSummary Stalls { get; init; } = new(TimeSpan.Zero, 0, TimeSpan.Zero, 0);

    /// <summary>The 1-minute load average when the run started, so a busy machine shows in the figures' context.</summary>
    public string LoadAtStart { get; } = LoadAverage();

    public string LoadAtEnd { get; init; } = string.Empty;

    public string Machine { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>; "n/a" where there is none.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
