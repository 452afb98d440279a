using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.DevServices.Tests.Support;
using MlopsFlows.Testing;

namespace MlopsFlows.DevServices.Tests.Databricks;

/// <summary>Model Serving: endpoint shape, config updates and their lifecycle, metrics and regressions.</summary>
public sealed class DatabricksSimulatorServingTests
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "credit-scorer";
    private const string EndpointPath = $"api/2.0/serving-endpoints/{Endpoint}";
    private const double SloP95Ms = 250;

    private static readonly string Canary = SimulatorSession.ConfigJson(
        [("scorer-11", Model, 11), ("scorer-12", Model, 12)], [("scorer-11", 90), ("scorer-12", 10)]);

    [Fact]
    public async Task GetServingEndpoint_Seeded_ReturnsEntityVersionAsStringAtFullTraffic()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddServingEndpoint(Endpoint, Model, 12);

        var endpoint = await session.GetOkAsync(EndpointPath);

        Assert.Equal(Endpoint, (string?)endpoint["name"]);
        Assert.Equal("READY", (string?)endpoint["state"]!["ready"]);
        Assert.Equal("NOT_UPDATING", (string?)endpoint["state"]!["config_update"]);
        Assert.Null(endpoint["pending_config"]);
        var entity = Assert.Single(endpoint["config"]!["served_entities"]!.AsArray())!;
        Assert.Equal("scorer-12", (string?)entity["name"]);
        Assert.Equal(Model, (string?)entity["entity_name"]);
        Assert.Equal(JsonValueKind.String, entity["entity_version"]!.GetValueKind());
        Assert.Equal("12", (string?)entity["entity_version"]);
        Assert.Equal("Small", (string?)entity["workload_size"]);
        Assert.Equal(JsonValueKind.True, entity["scale_to_zero_enabled"]!.GetValueKind());
        var route = Assert.Single(endpoint["config"]!["traffic_config"]!["routes"]!.AsArray())!;
        Assert.Equal("scorer-12", (string?)route["served_model_name"]);
        Assert.Equal(100, (int)route["traffic_percentage"]!);
    }

    [Fact]
    public async Task GetServingEndpoint_UnknownWithoutAutoCreate_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });

        var (status, body) = await session.GetAsync(EndpointPath);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task GetServingEndpoint_UnknownWithAutoCreate_ServesVersion1AtFullTraffic()
    {
        await using var session = await SimulatorSession.StartAsync();

        await session.GetOkAsync(EndpointPath);

        Assert.Equal([new SimulatedRoute("credit_scorer-1", "main.default.credit_scorer", 1, 100)], session.Simulator.GetTraffic(Endpoint));
    }

    [Fact]
    public async Task UpdateConfig_ValidCanary_GoesInProgressThenNotUpdating()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var (status, updating) = await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("IN_PROGRESS", (string?)updating!["state"]!["config_update"]);
        Assert.Equal(2, updating["pending_config"]!["served_entities"]!.AsArray().Count);
        Assert.Single(updating["config"]!["served_entities"]!.AsArray());
        await Eventually.UntilAsync(
            async () => (string?)(await session.GetOkAsync(EndpointPath))["state"]!["config_update"] == "NOT_UPDATING",
            TimeSpan.FromSeconds(5),
            "the canary config is live");
        var live = await session.GetOkAsync(EndpointPath);
        Assert.Null(live["pending_config"]);
        Assert.Equal(
            [("scorer-11", 90), ("scorer-12", 10)],
            live["config"]!["traffic_config"]!["routes"]!.AsArray().Select(r => ((string)r!["served_model_name"]!, (int)r["traffic_percentage"]!)));
    }

    [Fact]
    public async Task UpdateConfig_WhileInProgress_Returns409Conflict()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        var (status, body) = await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("RESOURCE_CONFLICT", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task UpdateConfig_DelayPassed_IsLiveFromTheMomentItWasDue()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock, ConfigUpdateDelay = TimeSpan.FromSeconds(30) });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        clock.Advance(TimeSpan.FromSeconds(29));
        var stillUpdating = session.Simulator.IsUpdating(Endpoint);
        clock.Advance(TimeSpan.FromSeconds(11));
        var metrics = await session.MetricsAsync(Endpoint);

        Assert.True(stillUpdating);
        Assert.False(session.Simulator.IsUpdating(Endpoint));
        Assert.Equal([90, 10], session.Simulator.GetTraffic(Endpoint).Select(r => r.Percent));
        // The canary went live 10 s ago: 200 warm-up requests plus 10 s at 10% of 50 requests per second.
        Assert.Equal(250, PrometheusText.Value(metrics, "request_count_total", "scorer-12"));
    }

    [Fact]
    public async Task UpdateConfig_ZeroDelay_IsLiveAtOnce()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var (_, body) = await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        Assert.Equal("NOT_UPDATING", (string?)body!["state"]!["config_update"]);
        Assert.Equal(
            [new SimulatedRoute("scorer-11", Model, 11, 90), new SimulatedRoute("scorer-12", Model, 12, 10)],
            session.Simulator.GetTraffic(Endpoint));
    }

    [Fact]
    public async Task UpdateConfig_SingleEntityWithoutRoutes_SendsItAllTraffic()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var (status, _) = await session.SendAsync(
            HttpMethod.Put, $"{EndpointPath}/config", $$"""{"served_entities":[{"entity_name":"{{Model}}","entity_version":"12"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([new SimulatedRoute("scorer-12", Model, 12, 100)], session.Simulator.GetTraffic(Endpoint));
    }

    public static TheoryData<string, string> InvalidConfigs => new()
    {
        { "routes sum to 90", SimulatorSession.ConfigJson([("a", Model, 11), ("b", Model, 12)], [("a", 80), ("b", 10)]) },
        { "route names no entity", SimulatorSession.ConfigJson([("a", Model, 11)], [("a", 90), ("ghost", 10)]) },
        { "percentage over 100", SimulatorSession.ConfigJson([("a", Model, 11)], [("a", 101)]) },
        { "version does not exist", SimulatorSession.ConfigJson([("a", Model, 99)], [("a", 100)]) },
        { "no served entities", """{"served_entities":[],"traffic_config":{"routes":[]}}""" },
        { "two entities without routes", SimulatorSession.ConfigJson([("a", Model, 11), ("b", Model, 12)], []) },
        { "entity version not a number", """{"served_entities":[{"name":"a","entity_name":"main.credit.scorer","entity_version":"latest"}]}""" },
        { "entity version sent as a number", """{"served_entities":[{"name":"a","entity_name":"main.credit.scorer","entity_version":11}]}""" },
        { "body not JSON", "served_entities=a" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public async Task UpdateConfig_InvalidConfig_Returns400AndKeepsLiveConfig(string why, string body)
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });
        session.Simulator.AddModelVersion(Model, 12);
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var (status, error) = await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", body);

        Assert.True(status == HttpStatusCode.BadRequest, $"{why}: got {status}");
        Assert.Contains((string?)error!["error_code"], new[] { "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST" });
        Assert.False(session.Simulator.IsUpdating(Endpoint));
        Assert.Equal([new SimulatedRoute("scorer-11", Model, 11, 100)], session.Simulator.GetTraffic(Endpoint));
    }

    [Fact]
    public async Task UpdateConfig_UnknownEndpointWithoutAutoCreate_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });

        var (status, _) = await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task GetMetrics_NewEndpoint_ExposesWarmupCountersAndHistogramPerEntity()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock, ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        var metrics = await session.MetricsAsync(Endpoint);

        foreach (var entity in new[] { "scorer-11", "scorer-12" })
        {
            Assert.Equal(200, PrometheusText.Value(metrics, "request_count_total", entity));
            Assert.Equal(200, PrometheusText.Value(metrics, "request_latency_ms_count", entity));
            Assert.True(PrometheusText.Value(metrics, "request_latency_ms_sum", entity) > 0);
            Assert.Equal(0, PrometheusText.Value(metrics, "request_4xx_count_total", entity));
            Assert.Equal(0, PrometheusText.Value(metrics, "request_5xx_count_total", entity));
            var buckets = metrics.Where(s => s.Name == "request_latency_ms_bucket" && s.Labels["served_entity_name"] == entity).ToList();
            Assert.Equal(16, buckets.Count);
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            Assert.Equal(200, buckets[^1].Value);
            Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));
        }

        Assert.Equal("12", metrics.First(s => s.Labels["served_entity_name"] == "scorer-12").Labels["entity_version"]);
    }

    [Fact]
    public async Task GetMetrics_TimePasses_CountsFollowTrafficShareAndStayHealthy()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock, ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);

        clock.Advance(TimeSpan.FromMinutes(10));
        var metrics = await session.MetricsAsync(Endpoint);

        // 600 s at 45 and 5 requests per second on top of the 200 warm-up requests each.
        Assert.Equal(200 + 27_000, PrometheusText.Value(metrics, "request_count_total", "scorer-11"));
        Assert.Equal(200 + 3_000, PrometheusText.Value(metrics, "request_count_total", "scorer-12"));
        var errors = PrometheusText.Value(metrics, "request_4xx_count_total", "scorer-11") + PrometheusText.Value(metrics, "request_5xx_count_total", "scorer-11");
        Assert.InRange(errors / 27_200, 0.001, 0.003);
        Assert.InRange(PrometheusText.Quantile(metrics, "scorer-11", 0.5), 45, 75);
        Assert.InRange(PrometheusText.Quantile(metrics, "scorer-11", 0.95), 100, 150);
    }

    [Fact]
    public async Task InjectRegression_OverHttpBeforeCanary_CanaryP95BreachesSloWhileBaselineStaysUnder()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var injected = await session.SendAsync(
            HttpMethod.Post, "sim/regressions", $$"""{"endpoint":"{{Endpoint}}","version":12,"addedLatencyMs":400,"errorRate":0.05}""");
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);
        var metrics = await session.MetricsAsync(Endpoint);

        Assert.Equal(HttpStatusCode.NoContent, injected.Status);
        Assert.True(PrometheusText.Quantile(metrics, "scorer-12", 0.95) > SloP95Ms);
        Assert.True(PrometheusText.Quantile(metrics, "scorer-11", 0.95) < SloP95Ms);
        Assert.Equal(10, PrometheusText.Value(metrics, "request_5xx_count_total", "scorer-12"));
    }

    [Fact]
    public async Task InjectRegression_OnRunningCanary_SlowsOnlyLaterRequests()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock, ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, $"{EndpointPath}/config", Canary);
        clock.Advance(TimeSpan.FromSeconds(20));
        var before = await session.MetricsAsync(Endpoint);

        session.Simulator.InjectRegression(Endpoint, 12, addedLatencyMs: 400, errorRate: 0.002);
        var atInjection = await session.MetricsAsync(Endpoint);
        clock.Advance(TimeSpan.FromMinutes(2));
        var after = await session.MetricsAsync(Endpoint);

        Assert.Equal(before, atInjection, SampleComparer.Instance);
        Assert.True(PrometheusText.Quantile(before, "scorer-12", 0.95) < SloP95Ms);
        Assert.True(PrometheusText.Quantile(after, "scorer-12", 0.95) > SloP95Ms);
        Assert.True(PrometheusText.Quantile(after, "scorer-11", 0.95) < SloP95Ms);
    }

    [Fact]
    public async Task ClearRegressions_OverHttp_LaterRequestsAreHealthyAgain()
    {
        var clock = new ManualClock();
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { TimeProvider = clock });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 12);
        session.Simulator.InjectRegression(Endpoint, 12, addedLatencyMs: 400, errorRate: 0.05);
        clock.Advance(TimeSpan.FromSeconds(10));
        var regressed = await session.MetricsAsync(Endpoint);

        var (status, _) = await session.SendAsync(HttpMethod.Delete, "sim/regressions");
        clock.Advance(TimeSpan.FromSeconds(10));
        var recovered = await session.MetricsAsync(Endpoint);

        Assert.Equal(HttpStatusCode.NoContent, status);
        var fastBefore = PrometheusText.Value(regressed, "request_latency_ms_bucket", "scorer-12", le: "400");
        var fastAfter = PrometheusText.Value(recovered, "request_latency_ms_bucket", "scorer-12", le: "400");
        var servedSince = PrometheusText.Value(recovered, "request_count_total", "scorer-12") - PrometheusText.Value(regressed, "request_count_total", "scorer-12");
        Assert.Equal(500, servedSince);
        Assert.Equal(servedSince, fastAfter - fastBefore);
        Assert.Empty((await session.GetOkAsync("sim/state"))["regressions"]!.AsArray());
    }

    [Fact]
    public async Task InjectRegression_ErrorRateAboveOne_ThrowsAndOverHttpReturns400()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, _) = await session.SendAsync(HttpMethod.Post, "sim/regressions", $$"""{"endpoint":"{{Endpoint}}","version":12,"errorRate":1.5}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Throws<ArgumentException>(() => session.Simulator.InjectRegression(Endpoint, 12, 0, 1.5));
    }

    [Fact]
    public async Task Invoke_ServedEntityAtZeroPercent_AnswersOnePredictionPerRecord()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0, ConfigUpdateDelay = TimeSpan.Zero });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        await session.SendAsync(HttpMethod.Put, EndpointPath + "/config", SimulatorSession.ConfigJson(
            [("scorer-11", Model, 11), ("scorer-12", Model, 12)], [("scorer-11", 100), ("scorer-12", 0)]));
        const string body = """{"dataframe_records":[{"income":1000,"age":30},{"income":2000,"age":40},{"income":1000,"age":30}]}""";

        var champion = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", body);
        var candidate = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-12/invocations", body);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (champion.Status, candidate.Status));
        var predictions = champion.Body!["predictions"]!.AsArray().Select(p => (double)p!).ToArray();
        Assert.Equal(3, predictions.Length);
        Assert.All(predictions, p => Assert.InRange(p, 0, 1));
        Assert.Equal(predictions[0], predictions[2]);
        Assert.Equal(predictions, candidate.Body!["predictions"]!.AsArray().Select(p => (double)p!));
        var logged = session.Simulator.RequestLog[^1];
        Assert.Equal(("POST", $"/serving-endpoints/{Endpoint}/served-models/scorer-12/invocations", true, body), (logged.Method, logged.Path, logged.HasAuthorization, logged.Body));
    }

    [Theory]
    [InlineData("""{"dataframe_split":{"columns":["a"],"data":[[1],[2]]}}""", 2)]
    [InlineData("""{"instances":[1,2,3,4]}""", 4)]
    [InlineData("""{"inputs":[[1]]}""", 1)]
    [InlineData("""{"anything":"else"}""", 1)]
    public async Task Invoke_InputFormats_OnePredictionPerRow(string body, int rows)
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0 });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var (status, answer) = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(rows, answer!["predictions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Invoke_RegressedVersion_FailsAtItsErrorRateAndShiftsPredictions()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0 });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        const string body = """{"dataframe_records":[{"x":1}]}""";
        var healthy = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", body);
        var (status, _) = await session.SendAsync(
            HttpMethod.Post, "sim/regressions", $$"""{"endpoint":"{{Endpoint}}","version":11,"errorRate":0,"predictionShift":-1}""");

        var shifted = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", body);
        var state = await session.GetOkAsync("sim/state");
        session.Simulator.InjectRegression(Endpoint, 11, addedLatencyMs: 0, errorRate: 1);
        var failed = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", body);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.True((double)healthy.Body!["predictions"]![0]! > 0);
        Assert.Equal(0, (double)shifted.Body!["predictions"]![0]!);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("INTERNAL_ERROR", (string?)failed.Body!["error_code"]);
        Assert.Equal(-1, (double)state["regressions"]![0]!["predictionShift"]!, precision: 9);
    }

    [Fact]
    public async Task Invoke_AddedLatency_WaitsForIt()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        session.Simulator.InjectRegression(Endpoint, 11, addedLatencyMs: 300, errorRate: 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (status, _) = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", """{"inputs":[1]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Invoke_WithoutToken_Returns401()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0 });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        session.Http.DefaultRequestHeaders.Authorization = null;

        var (status, body) = await session.SendAsync(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/scorer-11/invocations", """{"inputs":[1]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", (string?)body!["error_code"]);
    }

    [Theory]
    [InlineData("scorer-99", """{"inputs":[1]}""", HttpStatusCode.NotFound)]
    [InlineData("scorer-11", "not json", HttpStatusCode.BadRequest)]
    [InlineData("scorer-11", "[1,2]", HttpStatusCode.BadRequest)]
    public async Task Invoke_UnknownEntityOrBadBody_Refused(string servedModel, string body, HttpStatusCode expected)
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0 });
        session.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var request = new HttpRequestMessage(HttpMethod.Post, $"serving-endpoints/{Endpoint}/served-models/{servedModel}/invocations")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        using (request)
        {
            using var response = await session.Http.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task InjectRegression_PredictionShiftOutOfRange_Refused()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, _) = await session.SendAsync(HttpMethod.Post, "sim/regressions", $$"""{"endpoint":"{{Endpoint}}","version":12,"predictionShift":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Throws<ArgumentException>(() => session.Simulator.InjectRegression(Endpoint, 12, 0, 0, predictionShift: -1.5));
    }

    private sealed class SampleComparer : IEqualityComparer<PrometheusSample>
    {
        public static readonly SampleComparer Instance = new();

        public bool Equals(PrometheusSample? x, PrometheusSample? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Value.Equals(y.Value) && x.Labels.OrderBy(l => l.Key).SequenceEqual(y.Labels.OrderBy(l => l.Key));

        public int GetHashCode(PrometheusSample obj) => HashCode.Combine(obj.Name, obj.Value);
    }
}
