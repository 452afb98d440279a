using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Monitoring;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests;

/// <summary><c>mlopsflows monitors …</c> against the API of a host started by the test.</summary>
[Collection(MonitoringHostCollection.Name)]
public sealed class MonitorsCommandTests(MonitoringHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Monitors_ListShowStop_PrintTablesAndStopOnce()
    {
        const string model = "main.cli.watched";
        var policy = new MonitoringPolicy(TimeSpan.FromHours(1), 0.995, TimeSpan.FromDays(30), 0.2, 0.01, 0.3, 0.05, null, "rollback", TimeSpan.FromMinutes(5));
        await MonitorControl.StartOrReplaceAsync(
            fixture.Client,
            new MonitorInput(model, "prod", 2, 1, "watched-cli", "20261126T110000Z-0a0b0c0d", $"release:{model}:2:prod", policy, new PolicyStamp("fast-monitoring", "test", new string('c', 64))),
            CancellationToken.None);
        await Eventually.UntilAsync(
            async () => (await fixture.Client.GetInstanceAsync(MonitorIds.For(model, "prod"), getInputsAndOutputs: true))?.ReadCustomStatusAs<MonitorStatus>()?.EvidenceCount >= 1,
            TimeSpan.FromSeconds(60),
            "the monitor recorded its start");

        var list = await CliAsync("monitors", "list", "--model", model);
        var show = await CliAsync("monitors", "show", model, "prod");
        var (noReasonCode, noReason) = await HostProcess.RunAsync("monitors", "stop", model, "prod", "--by", LocalHostSetup.Operator, "--api", fixture.ApiUrl);
        var stop = await CliAsync("monitors", "stop", model, "prod", "--by", LocalHostSetup.Operator, "--reason", "model retired");
        await Eventually.UntilAsync(async () => (await fixture.Client.GetInstanceAsync(MonitorIds.For(model, "prod")))?.IsCompleted == true, TimeSpan.FromSeconds(60), "the monitor stopped");
        var (againCode, again) = await HostProcess.RunAsync("monitors", "stop", model, "prod", "--by", LocalHostSetup.Operator, "--reason", "twice", "--api", fixture.ApiUrl);
        var running = await CliAsync("monitors", "list", "--model", model);
        var all = await CliAsync("monitors", "list", "--model", model, "--all");
        output.WriteLine(string.Join("\n", list, show, all));

        Assert.Contains(model, list, StringComparison.Ordinal);
        Assert.Contains("Starting", list, StringComparison.Ordinal);
        Assert.Matches(@"\nevery +1 h 00 min\n", show);
        Assert.Contains("rollback after 5 min 00 s without acknowledgement", show, StringComparison.Ordinal);
        Assert.Equal(2, noReasonCode);
        Assert.Contains("Usage: mlopsflows monitors", noReason, StringComparison.Ordinal);
        Assert.Contains($"stop {model} in prod: accepted", stop, StringComparison.Ordinal);
        Assert.Equal(1, againCode);
        Assert.Contains("409 Conflict", again, StringComparison.Ordinal);
        Assert.Contains("No running monitors.", running, StringComparison.Ordinal);
        Assert.Contains("Stopped", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("monitors")]
    [InlineData("monitors", "show", "main.cli.watched")]
    [InlineData("monitors", "restart", "main.cli.watched", "prod")]
    public async Task Monitors_BadUsage_ExitTwoWithTheUsageLine(params string[] args)
    {
        var (code, output) = await HostProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("Usage: mlopsflows monitors", output, StringComparison.Ordinal);
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var (code, output) = await HostProcess.RunAsync([.. args, "--api", fixture.ApiUrl]);
        Assert.True(code == 0, $"mlopsflows {string.Join(' ', args)} exited with {code}:\n{output}");
        return output;
    }
}
