using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksServingEndpointsTests
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer";
    private const string EndpointPath = "/api/2.0/serving-endpoints/scorer";

    [Fact]
    public async Task GetTrafficAsync_EndpointServingOneVersion_ReadsAllTrafficToIt()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        var before = harness.Simulator.RequestLog.Count;

        var split = await harness.Get<IServingEndpoints>().GetTrafficAsync(Endpoint, CancellationToken.None);

        Assert.Equal(TrafficSplit.AllTo(11), split);
        var get = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("GET", EndpointPath, true), (get.Method, get.Path, get.HasAuthorization));
    }

    [Fact]
    public async Task GetTrafficAsync_UnknownEndpoint_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        await Assert.ThrowsAsync<DependencyNotFoundException>(() => harness.Get<IServingEndpoints>().GetTrafficAsync("nowhere", CancellationToken.None));
    }

    [Fact]
    public async Task SetTrafficAsync_Canary_PutsEveryVersionAndReadsBackTheSplit()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        harness.Simulator.AddModelVersion(Model, 12);
        var serving = harness.Get<IServingEndpoints>();
        var canary = TrafficSplit.Canary(current: 11, candidate: 12, canaryPercent: 10);
        var before = harness.Simulator.RequestLog.Count;

        await serving.SetTrafficAsync(Endpoint, Model, canary, CancellationToken.None);

        Assert.Equal(canary, await serving.GetTrafficAsync(Endpoint, CancellationToken.None));
        Assert.Equal(
            [new SimulatedRoute("scorer-11", Model, 11, 90), new SimulatedRoute("scorer-12", Model, 12, 10)],
            harness.Simulator.GetTraffic(Endpoint).OrderBy(r => r.Version));

        var put = Assert.Single(harness.RequestsSince(before), r => r.Method == "PUT");
        Assert.Equal(EndpointPath + "/config", put.Path);
        Assert.True(put.HasAuthorization);
        using var body = JsonDocument.Parse(put.Body!);
        var entities = body.RootElement.GetProperty("served_entities").EnumerateArray().ToList();
        Assert.Equal(2, entities.Count);
        foreach (var (entity, version) in entities.Zip(new[] { "11", "12" }))
        {
            Assert.Equal($"scorer-{version}", entity.GetProperty("name").GetString());
            Assert.Equal(Model, entity.GetProperty("entity_name").GetString());
            Assert.Equal(JsonValueKind.String, entity.GetProperty("entity_version").ValueKind);
            Assert.Equal(version, entity.GetProperty("entity_version").GetString());
            Assert.Equal("Small", entity.GetProperty("workload_size").GetString());
            Assert.True(entity.GetProperty("scale_to_zero_enabled").GetBoolean());
        }

        var routes = body.RootElement.GetProperty("traffic_config").GetProperty("routes").EnumerateArray()
            .Select(r => (r.GetProperty("served_model_name").GetString(), r.GetProperty("traffic_percentage").GetInt32()));
        Assert.Equal([("scorer-11", 90), ("scorer-12", 10)], routes);
    }

    [Fact]
    public async Task SetTrafficAsync_UpdateTakesTime_ReturnsOnlyOnceNotUpdating()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.FromMilliseconds(300) });
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        var before = harness.Simulator.RequestLog.Count;

        await harness.Get<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.AllTo(12), CancellationToken.None);

        Assert.False(harness.Simulator.IsUpdating(Endpoint));
        Assert.Equal(12, Assert.Single(harness.Simulator.GetTraffic(Endpoint)).Version);
        var afterPut = harness.RequestsSince(before).SkipWhile(r => r.Method != "PUT").Skip(1).ToList();
        Assert.True(afterPut.Count >= 2, $"expected the endpoint to be polled while IN_PROGRESS, saw {afterPut.Count} reads");
        Assert.All(afterPut, r => Assert.Equal(("GET", EndpointPath), (r.Method, r.Path)));
    }

    [Fact]
    public async Task SetTrafficAsync_SplitAlreadyLive_IssuesNoPut()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        var serving = harness.Get<IServingEndpoints>();
        var canary = TrafficSplit.Canary(11, 12, 25);
        await serving.SetTrafficAsync(Endpoint, Model, canary, CancellationToken.None);
        var before = harness.Simulator.RequestLog.Count;

        await serving.SetTrafficAsync(Endpoint, Model, new TrafficSplit([new TrafficRoute(12, 25), new TrafficRoute(11, 75)]), CancellationToken.None);

        var requests = harness.RequestsSince(before);
        Assert.DoesNotContain(requests, r => r.Method == "PUT");
        Assert.Equal(("GET", EndpointPath), (Assert.Single(requests).Method, requests[0].Path));
    }

    [Fact]
    public async Task SetTrafficAsync_AnotherUpdateInProgress_WaitsForItThenApplies()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.FromSeconds(1) });
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        var serving = harness.Get<IServingEndpoints>();

        // Somebody else's update, sent straight to the workspace and still in progress (long enough to be seen under load).
        using var other = new HttpClient { BaseAddress = new Uri(harness.Simulator.BaseUrl) };
        other.DefaultRequestHeaders.Authorization = new("Bearer", harness.Simulator.Token);
        using var otherUpdate = new StringContent(
            """{"served_entities":[{"name":"scorer-13","entity_name":"main.credit.scorer","entity_version":"13"}]}""", System.Text.Encoding.UTF8, "application/json");
        (await other.PutAsync("api/2.0/serving-endpoints/scorer/config", otherUpdate)).EnsureSuccessStatusCode();
        Assert.True(harness.Simulator.IsUpdating(Endpoint));
        var before = harness.Simulator.RequestLog.Count;

        await serving.SetTrafficAsync(Endpoint, Model, TrafficSplit.AllTo(12), CancellationToken.None);

        // It waited for the other update before sending its own, so neither was refused.
        var requests = harness.RequestsSince(before);
        Assert.True(requests.TakeWhile(r => r.Method == "GET").Count() >= 2, "expected reads while the other update was in progress");
        Assert.Single(requests, r => r.Method == "PUT");
        Assert.Equal(TrafficSplit.AllTo(12), await serving.GetTrafficAsync(Endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task SetTrafficAsync_PutRefusedWithConflict_WaitsForNotUpdatingAndTriesAgain()
    {
        var puts = 0;
        var readsAfterConflict = 0;
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Method == "PUT")
            {
                // The first PUT loses a race with another update; the second is accepted.
                return ++puts == 1
                    ? Answers.Error(context, 409, "RESOURCE_CONFLICT", "Endpoint already has a config update in progress")
                    : Answers.Json(context, Answers.Endpoint("IN_PROGRESS", (11, 100)));
            }

            var state = puts switch
            {
                0 => Answers.Endpoint("NOT_UPDATING", (11, 100)),
                1 => Answers.Endpoint(++readsAfterConflict == 1 ? "IN_PROGRESS" : "NOT_UPDATING", (11, 100)),
                _ => Answers.Endpoint("NOT_UPDATING", (11, 90), (12, 10)),
            };
            return Answers.Json(context, state);
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        await services.GetRequiredService<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(11, 12, 10), CancellationToken.None);

        Assert.Equal(2, puts);
        Assert.Equal(2, readsAfterConflict);
        Assert.Equal(["GET", "PUT", "GET", "GET", "PUT", "GET"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task SetTrafficAsync_ExistingEntitySizing_IsKept()
    {
        string? putBody = null;
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Method == "PUT")
            {
                using var reader = new StreamReader(context.Request.Body);
                putBody = await reader.ReadToEndAsync();
            }

            await Answers.Json(context, putBody is null ? Answers.Endpoint("NOT_UPDATING", (11, 100)) : Answers.Endpoint("NOT_UPDATING", (11, 90), (12, 10)));
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        await services.GetRequiredService<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(11, 12, 10), CancellationToken.None);

        using var body = JsonDocument.Parse(putBody!);
        Assert.All(body.RootElement.GetProperty("served_entities").EnumerateArray(), entity =>
        {
            Assert.Equal("Medium", entity.GetProperty("workload_size").GetString());
            Assert.False(entity.GetProperty("scale_to_zero_enabled").GetBoolean());
        });
    }

    [Fact]
    public async Task SetTrafficAsync_UpdateNeverFinishes_ThrowsTransientAfterTheTimeout()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, Answers.Endpoint("IN_PROGRESS", (11, 100))));
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:ConfigUpdateTimeout"] = "00:00:01",
        });

        await Assert.ThrowsAsync<TransientDependencyException>(
            () => services.GetRequiredService<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.AllTo(12), CancellationToken.None));
        Assert.DoesNotContain(server.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task SetTrafficAsync_UpdateFails_ThrowsServingConfigurationException()
    {
        var putDone = false;
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Method == "PUT")
            {
                putDone = true;
            }

            // Databricks keeps the old configuration live when an update fails.
            return Answers.Json(context, Answers.Endpoint(putDone ? "UPDATE_FAILED" : "NOT_UPDATING", (11, 100)));
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var error = await Assert.ThrowsAsync<ServingConfigurationException>(
            () => services.GetRequiredService<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(11, 12, 10), CancellationToken.None));

        Assert.Contains("UPDATE_FAILED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTrafficAsync_EntityVersionNotANumber_ThrowsServingConfigurationException()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(
            context, Answers.Endpoint("NOT_UPDATING", (11, 100)).Replace("\"entity_version\":\"11\"", "\"entity_version\":\"latest\"", StringComparison.Ordinal)));
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        await Assert.ThrowsAsync<ServingConfigurationException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync(Endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task SetTrafficAsync_InvalidSplit_ThrowsBeforeAnyCall()
    {
        await using var harness = await SimulatorHarness.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Get<IServingEndpoints>()
            .SetTrafficAsync(Endpoint, Model, new TrafficSplit([new TrafficRoute(11, 60), new TrafficRoute(12, 30)]), CancellationToken.None));
        Assert.Empty(harness.Simulator.RequestLog);
    }

    [Fact]
    public async Task SetTrafficAsync_UpdateFails_ThrowsNamingUpdateFailedAndKeepsTheOldSplit()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        harness.Simulator.AddModelVersion(Model, 12);
        harness.Simulator.FailNextConfigUpdate(Endpoint, "Served entity scorer-12 failed to deploy (simulated).");
        var serving = harness.Get<IServingEndpoints>();

        var error = await Assert.ThrowsAsync<ServingConfigurationException>(
            () => serving.SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(current: 11, candidate: 12, canaryPercent: 10), CancellationToken.None));

        Assert.Contains("UPDATE_FAILED", error.Message, StringComparison.Ordinal);
        Assert.Equal(TrafficSplit.AllTo(11), await serving.GetTrafficAsync(Endpoint, CancellationToken.None));
        Assert.Single(harness.Simulator.RequestLog, r => r.Method == "PUT");
    }

    [Fact]
    public async Task SetTrafficAsync_AfterAFailedUpdate_AppliesTheNextOne()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        harness.Simulator.AddModelVersion(Model, 12);
        harness.Simulator.FailNextConfigUpdate(Endpoint);
        var serving = harness.Get<IServingEndpoints>();
        var canary = TrafficSplit.Canary(current: 11, candidate: 12, canaryPercent: 10);
        await Assert.ThrowsAsync<ServingConfigurationException>(() => serving.SetTrafficAsync(Endpoint, Model, canary, CancellationToken.None));

        await serving.SetTrafficAsync(Endpoint, Model, canary, CancellationToken.None);

        Assert.Equal(canary, await serving.GetTrafficAsync(Endpoint, CancellationToken.None));
    }
}
