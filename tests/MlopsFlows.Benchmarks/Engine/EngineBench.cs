using System.Diagnostics;
using System.Globalization;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.DevServices.Databricks;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// The engine bench: on one Azurite (in memory, free ports) and one in-process Databricks simulator (config updates
/// live at once), (a) release and bare-orchestration throughput on one local host, then (b) approval-to-next-step
/// latency on local hosts whose policy requires approval (own task hubs on the same Azurite), once for each
/// <see cref="DecisionPath"/>.
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

        BenchConsole.Say("starting Azurite (in memory) and the Databricks simulator (config updates live at once)…");
        await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions(), cancellationToken);
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero }, cancellationToken);
        var probe = new StepProbe();
        await using var stalls = new StallMonitor();

        var throughputHost = await BenchHost.StartAsync(
            azurite, simulator, "benchthroughput", requiresApproval: false, clientOnOtherInstance: false, options, probe, cancellationToken);
        run = run with { EngineSettings = throughputHost.EngineSettings };
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
                azurite, simulator, "benchapproval" + path.Key, requiresApproval: true, path.ClientOnOtherInstance, options, probe, cancellationToken);
            try
            {
                latencies.Add(await ApprovalLatencyPhase.RunAsync(approvalHost, simulator, probe, options, path, cancellationToken));
            }
            finally
            {
                await StopAsync(approvalHost);
            }
        }

        var report = EngineReport.Markdown(run, throughput, latencies);
        Console.WriteLine();
        Console.WriteLine(report);
        var file = EngineReport.Write(run, report);
        BenchConsole.Say($"written to {file}");
        return throughput.Problems.Count + latencies.Sum(l => l.Problems.Count) == 0 ? 0 : 1;
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

    public string Machine { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
}
