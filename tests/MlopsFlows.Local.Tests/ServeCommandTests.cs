using MlopsFlows.DevServices;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.Testing;

namespace MlopsFlows.Local.Tests;

/// <summary><c>mlopsflows serve</c> as a service manager runs it: it answers, and SIGTERM stops it and the Azurite it started.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_Sigterm_StopsGracefullyAndStopsItsAzurite()
    {
        var data = Path.Combine(Path.GetTempPath(), "mlopsflows-serve-" + Guid.NewGuid().ToString("N"));
        var ports = FreePort.Distinct(4);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var serve = HostProcess.Start(
            "serve", "--simulator", "true", "--data", data,
            "--api-port", ports[0].ToString(culture),
            "--azurite-blob-port", ports[1].ToString(culture),
            "--azurite-queue-port", ports[2].ToString(culture),
            "--azurite-table-port", ports[3].ToString(culture));
        try
        {
            await using (serve)
            {
                using var api = SignedInClient.Create(new Uri($"http://127.0.0.1:{ports[0]}/"), LocalHostSetup.Operator);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                var answered = false;
                while (!answered && DateTime.UtcNow < deadline)
                {
                    Assert.False(serve.HasExited, serve.Output);
                    try
                    {
                        using var response = await api.GetAsync("api/releases");
                        answered = response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(100); // not listening yet
                    }
                }

                Assert.True(answered, $"serve did not answer within 60 s:\n{serve.Output}");

                serve.Terminate();

                Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("Stopping.", serve.Output, StringComparison.Ordinal);
                Assert.False(await AzuriteProcess.IsAnsweringAsync(ports[1], ports[2], ports[3], CancellationToken.None), "the host's Azurite is still running");
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
