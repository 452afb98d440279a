using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Local.Engine;

namespace MlopsFlows.Local.Cli;

internal static class VerifyCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        var releaseId = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (releaseId is null)
        {
            Console.Error.WriteLine("Usage: mlopsflows verify <release-id> [--storage <connection string>]");
            return 2;
        }

        var configuration = LocalHost.ReadConfiguration(args.Where(a => a != releaseId).ToArray());
        var options = configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        await using var storage = await LocalStorage.EnsureAsync(options, stop);

        var services = new ServiceCollection()
            .AddLogging()
            .AddMlopsFlowsIntegrations(new ConfigurationBuilder()
                .AddConfiguration(configuration)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["MlopsFlows:Evidence:ConnectionString"] = storage.ConnectionString })
                .Build());
        await using var provider = services.BuildServiceProvider();
        IReadOnlyList<RunCheck> runs;
        try
        {
            runs = await provider.GetRequiredService<EvidenceVerifier>().VerifyAllRunsAsync(releaseId, stop);
        }
        catch (FormatException unreadable)
        {
            // A malformed index row is itself a broken chain: report it, never crash.
            Console.WriteLine($"FAIL {releaseId}: the evidence index is unreadable: {unreadable.Message}");
            return 1;
        }

        if (runs.Count == 0)
        {
            Console.WriteLine($"FAIL {releaseId}: no evidence recorded for this release");
            return 1;
        }

        foreach (var run in runs)
        {
            Console.WriteLine(run.Check.Intact
                ? $"OK   {releaseId} run {run.RunId}: {run.Check.Reason}"
                : $"FAIL {releaseId} run {run.RunId}: first broken record is #{run.Check.FirstBrokenSequence}: {run.Check.Reason}");
        }

        var intact = runs.All(r => r.Check.Intact);
        Console.WriteLine(intact
            ? $"OK   {releaseId}: {runs.Sum(r => r.Records)} records in {runs.Count} run(s) verified"
            : $"FAIL {releaseId}: {runs.Count(r => !r.Check.Intact)} of {runs.Count} run(s) broken");
        return intact ? 0 : 1;
    }
}
