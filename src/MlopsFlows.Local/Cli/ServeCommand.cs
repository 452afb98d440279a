namespace MlopsFlows.Local.Cli;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await using var host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(args), stop);
        Console.WriteLine($"MlopsFlows is serving the releases API on {host.ApiBaseUrl}api/releases (Ctrl+C to stop).");
        if (host.Simulator is { } simulator)
        {
            Console.WriteLine($"Databricks simulator on {simulator.BaseUrl}");
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("Stopping.");
        }

        return 0;
    }
}
