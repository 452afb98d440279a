using MlopsFlows.DevServices;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests;

/// <summary>The README's demo, as a user runs it: one promotion, one rollback, evidence intact, exit code 0.</summary>
public sealed class DemoCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_FreshData_PromotesOneReleaseAndRollsBackTheRegressedOne()
    {
        var data = Path.Combine(Path.GetTempPath(), "mlopsflows-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var ports = FreePort.Distinct(3);
            var demo = HostProcess.Start(
                "demo",
                "--data", data,
                "--azurite-blob-port", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--azurite-queue-port", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--azurite-table-port", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using (demo)
            {
                var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(4));
                output.WriteLine(demo.Output);

                Assert.Equal(0, exitCode);
                Assert.Contains("outcome: Promoted", demo.Output, StringComparison.Ordinal);
                Assert.Contains("outcome: RolledBack — canary step 1/2 (10%): SLO breached: p95 latency", demo.Output, StringComparison.Ordinal);
                Assert.Equal(2, CountOf(demo.Output, "evidence chain: intact"));
                Assert.Contains("Serving now: scorer-12 100%", demo.Output, StringComparison.Ordinal);
                Assert.Contains("Demo finished as expected", demo.Output, StringComparison.Ordinal);
            }

            // The demo stopped the Azurite it started: its ports are free again.
            Assert.False(await MlopsFlows.DevServices.Azurite.AzuriteProcess.IsAnsweringAsync(ports[0], ports[1], ports[2], CancellationToken.None));
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
