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
        var check = await provider.GetRequiredService<EvidenceVerifier>().VerifyAsync(releaseId, stop);
        if (check.Intact)
        {
            Console.WriteLine($"OK   {releaseId}: {check.Reason}");
            return 0;
        }

        Console.WriteLine($"FAIL {releaseId}: first broken record is #{check.FirstBrokenSequence}: {check.Reason}");
        return 1;
    }
}
