namespace MlopsFlows.Local.Cli;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        LocalHost host;
        try
        {
            host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(args), stop);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException invalid)
        {
            // A setting is missing or wrong: say which, without a stack trace.
            Console.Error.WriteLine($"mlopsflows serve: {string.Join(" ", invalid.Failures)} (use --simulator true, or --databricks-url and --databricks-token)");
            return 2;
        }

        await using var running = host;
        Console.WriteLine($"MlopsFlows is serving the releases API on {host.ApiBaseUrl}api/releases (Ctrl+C to stop).");
        if (host.Simulator is { } simulator)
        {
            Console.WriteLine($"Databricks simulator on {simulator.BaseUrl}");
        }

        try
        {
            // SIGTERM goes to the host's console lifetime (it stops the application), Ctrl+C to ours: wait for either.
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, running.App.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("Stopping.");
        }

        return 0;
    }
}
