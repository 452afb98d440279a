using MlopsFlows.DevServices;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Monitoring;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests;

/// <summary><c>mlopsflows incidents …</c> as an operator runs it, against the API of a host started by the test.</summary>
[Collection(MonitoringHostCollection.Name)]
public sealed class IncidentsCommandTests(MonitoringHostFixture fixture, ITestOutputHelper output)
{
    private const string Operator = LocalHostSetup.Operator;

    [Fact]
    public async Task Incidents_ListShowAckActSuppressResolve_PrintTablesAndExitZero()
    {
        const string model = "main.cli.scorer";
        await fixture.SeedModelAsync(model, "scorer-cli", 2, 1);
        var id = await fixture.OpenIncidentAsync(model, "scorer-cli");

        var list = await CliAsync("incidents", "list", "--model", model);
        var show = await CliAsync("incidents", "show", id);
        var ack = await CliAsync("incidents", "ack", id, "--by", Operator, "--note", "looking");
        await fixture.WaitForIncidentAsync(id, s => s.State == IncidentState.Acknowledged, "it is acknowledged");
        var act = await CliAsync("incidents", "act", id, "rollback", "--by", Operator, "--rationale", "drift since v2");
        await fixture.WaitForIncidentAsync(id, s => s.State == IncidentState.Mitigated, "the rollback ran");
        var suppress = await CliAsync("incidents", "suppress", id, "15", "--by", Operator, "--rationale", "waiting for the upstream fix");
        await fixture.WaitForIncidentAsync(id, s => s.State == IncidentState.Suppressed, "it is suppressed");
        var resolve = await CliAsync("incidents", "resolve", id, "--by", Operator, "--note", "upstream fixed");
        await fixture.WaitForIncidentAsync(id, s => s.State == IncidentState.Resolved, "it is resolved");
        await Eventually.UntilAsync(async () => (await fixture.Client.GetInstanceAsync(id))?.IsCompleted == true, TimeSpan.FromSeconds(60), "the review is written");
        var review = await CliAsync("incidents", "show", id);
        var openAfter = await CliAsync("incidents", "list", "--model", model);
        var allAfter = await CliAsync("incidents", "list", "--model", model, "--all");
        output.WriteLine(string.Join("\n", list, show, review, allAfter));

        Assert.Contains("ID  ", list, StringComparison.Ordinal);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains("Open", list, StringComparison.Ordinal);
        Assert.Contains("feature drift: 3 of 4 columns drifted", show, StringComparison.Ordinal);
        Assert.Matches(@"\nrollback target +v1\n", show);
        Assert.Contains("notified", show, StringComparison.Ordinal);
        Assert.Contains($"ack {id}: accepted", ack, StringComparison.Ordinal);
        Assert.Contains($"act {id}: accepted", act, StringComparison.Ordinal);
        Assert.Contains($"suppress {id}: accepted", suppress, StringComparison.Ordinal);
        Assert.Contains($"resolve {id}: accepted", resolve, StringComparison.Ordinal);
        Assert.Contains($"rollback by {Operator}: rolled-back", review, StringComparison.Ordinal);
        Assert.Contains("## Timeline", review, StringComparison.Ordinal);
        Assert.Contains("No open incidents.", openAfter, StringComparison.Ordinal);
        Assert.Contains("Resolved", allAfter, StringComparison.Ordinal);
        Assert.Equal(1, fixture.Host.Simulator!.GetAliases(model)["champion"]);
    }

    [Fact]
    public async Task Incidents_RefusedByTheApi_ExitOneWithTheProblem()
    {
        const string model = "main.cli.refused";
        await fixture.SeedModelAsync(model, "refused-cli", 2, 1);
        var id = await fixture.OpenIncidentAsync(model, "refused-cli");
        await CliAsync("incidents", "resolve", id, "--by", Operator);
        await Eventually.UntilAsync(async () => (await fixture.Client.GetInstanceAsync(id))?.IsCompleted == true, TimeSpan.FromSeconds(60), "it is resolved");

        var (ackCode, ack) = await HostProcess.RunAsync("incidents", "ack", id, "--by", Operator, "--api", fixture.ApiUrl);
        var (showCode, show) = await HostProcess.RunAsync("incidents", "show", "incident:main.cli.nobody:prod:drift:20260314T091500123Z", "--api", fixture.ApiUrl);

        Assert.Equal(1, ackCode);
        Assert.Contains("409 Conflict", ack, StringComparison.Ordinal);
        Assert.Contains("resolved", ack, StringComparison.Ordinal);
        Assert.Equal(1, showCode);
        Assert.Contains("404 Not Found", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incidents_NoHostListening_ExitOneNamingTheApi()
    {
        var api = $"http://127.0.0.1:{FreePort.Next()}";

        var (code, output) = await HostProcess.RunAsync("incidents", "list", "--api", api);

        Assert.Equal(1, code);
        Assert.Contains($"cannot reach the API at {api}/", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> BadCommandLines => new()
    {
        new[] { "incidents" },
        new[] { "incidents", "frobnicate" },
        new[] { "incidents", "show" },
        new[] { "incidents", "list", "extra" },
        new[] { "incidents", "list", "--bogus" },
        new[] { "incidents", "ack", "incident:x" },
        new[] { "incidents", "act", "incident:x", "restart", "--by", "ana", "--rationale", "r" },
        new[] { "incidents", "act", "incident:x", "rollback", "--by", "ana" },
        new[] { "incidents", "suppress", "incident:x", "soon", "--by", "ana", "--rationale", "r" },
        new[] { "incidents", "list", "--api", "ftp://example.com" },
        new[] { "incidents", "show", "incident:x", "--api" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Incidents_BadUsage_ExitTwoWithTheUsageLine(string[] args)
    {
        var (code, output) = await HostProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("Usage: mlopsflows incidents", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheOperatorVerbs()
    {
        var (code, output) = await HostProcess.RunAsync("help");

        Assert.Equal(0, code);
        Assert.Contains("mlopsflows incidents act <id> rollback|retrain", output, StringComparison.Ordinal);
        Assert.Contains("mlopsflows monitors stop <model> <environment>", output, StringComparison.Ordinal);
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var (code, output) = await HostProcess.RunAsync([.. args, "--api", fixture.ApiUrl]);
        Assert.True(code == 0, $"mlopsflows {string.Join(' ', args)} exited with {code}:\n{output}");
        return output;
    }
}
