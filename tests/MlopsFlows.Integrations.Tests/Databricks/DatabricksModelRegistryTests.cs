using System.Net;
using System.Text.Json;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksModelRegistryTests
{
    private const string Model = "main.credit.scorer";

    [Fact]
    public async Task GetModelVersionAsync_RegisteredVersion_ReadsVersionThenRunMetrics()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var runId = harness.Simulator.AddModelVersion(Model, 12, new Dictionary<string, double> { ["auc"] = 0.91, ["log_loss"] = 0.33 });
        var before = harness.Simulator.RequestLog.Count;

        var details = await harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 12, CancellationToken.None);

        Assert.Equal(new ModelVersionDetails(Model, 12, runId, details.Metrics), details);
        Assert.Equal(0.91, details.Metrics["auc"]);
        Assert.Equal(0.33, details.Metrics["log_loss"]);
        var requests = harness.RequestsSince(before);
        Assert.Collection(
            requests,
            r => Assert.Equal(("GET", "/api/2.1/unity-catalog/models/main.credit.scorer/versions/12", ""), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/runs/get", $"?run_id={runId}"), (r.Method, r.Path, r.Query)));
        Assert.All(requests, r => Assert.True(r.HasAuthorization));
    }

    [Fact]
    public async Task GetModelVersionAsync_UnknownVersion_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 99, CancellationToken.None));

        Assert.Contains("RESOURCE_DOES_NOT_EXIST", error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Simulator.RequestLog);
    }

    [Fact]
    public async Task SetAliasAsync_Version_PutsVersionNumAndMovesAlias()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 12);
        var before = harness.Simulator.RequestLog.Count;

        await harness.Get<IModelRegistry>().SetAliasAsync(Model, "champion", 12, CancellationToken.None);

        var put = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("PUT", "/api/2.1/unity-catalog/models/main.credit.scorer/aliases/champion"), (put.Method, put.Path));
        Assert.True(put.HasAuthorization);
        using var body = JsonDocument.Parse(put.Body!);
        Assert.Equal(12, body.RootElement.GetProperty("version_num").GetInt32());
        Assert.Equal(12, harness.Simulator.GetAliases(Model)["champion"]);
    }

    [Fact]
    public async Task SetAliasAsync_SameVersionTwice_LeavesAliasInPlace()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var registry = harness.Get<IModelRegistry>();

        await registry.SetAliasAsync(Model, "champion", 12, CancellationToken.None);
        await registry.SetAliasAsync(Model, "champion", 12, CancellationToken.None);

        Assert.Equal(12, harness.Simulator.GetAliases(Model)["champion"]);
    }

    [Fact]
    public async Task GetModelVersionAsync_WrongToken_ThrowsDatabricksApiExceptionWithoutTheToken()
    {
        const string wrongToken = "dapi-not-the-right-one";
        await using var harness = await SimulatorHarness.StartAsync(token: wrongToken);

        var error = await Assert.ThrowsAsync<DatabricksApiException>(
            () => harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 1, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("UNAUTHENTICATED", error.ErrorCode);
        Assert.DoesNotContain(wrongToken, error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Simulator.RequestLog);
    }
}
