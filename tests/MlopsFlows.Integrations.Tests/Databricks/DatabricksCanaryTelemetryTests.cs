using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksCanaryTelemetryTests
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ObserveAsync_HealthyCanary_ReadsBothVersionsAndTheJudgePasses()
    {
        await using var harness = await CanaryAsync(regressed: false);
        var before = harness.Simulator.RequestLog.Count;

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal(Window, observation.WindowEnd - observation.WindowStart);
        Assert.Equal(1000, observation.Baseline.Sample.Requests);
        Assert.Equal(1000, observation.Candidate.Sample.Requests);
        Assert.Equal(1000, observation.Candidate.Sample.LatenciesMs.Count);
        Assert.Empty(observation.Candidate.Predictions);
        var get = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("GET", "/api/2.0/serving-endpoints/scorer/metrics", true), (get.Method, get.Path, get.HasAuthorization));
        Assert.Equal(JudgeOutcome.Pass, Judge(observation).Outcome);
    }

    [Fact]
    public async Task ObserveAsync_RegressedCanary_ShowsSlowerLatenciesAndErrorsAndTheJudgeFails()
    {
        await using var harness = await CanaryAsync(regressed: true);

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.InRange(observation.Candidate.Sample.Errors, 150, 250);
        Assert.InRange(observation.Baseline.Sample.Errors, 0, 10);
        Assert.True(observation.Candidate.Sample.LatenciesMs.Average() > observation.Baseline.Sample.LatenciesMs.Average() + 300);
        var judgement = Judge(observation);
        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
        Assert.Equal(JudgeOutcome.Fail, judgement.Metrics.Single(m => m.Metric == CanaryJudge.LatencyMetric).Outcome);
    }

    [Fact]
    public async Task ObserveAsync_NoPredictionSource_PredictionDriftIsInconclusive()
    {
        await using var harness = await CanaryAsync(regressed: false);

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);
        var judgement = CanaryJudge.Judge(Comparison(observation), new CanaryJudgeCriteria { MaxPredictionPsi = 0.2 });

        Assert.Equal(JudgeOutcome.Inconclusive, judgement.Metrics.Single(m => m.Metric == CanaryJudge.PredictionDriftMetric).Outcome);
        Assert.NotEqual(JudgeOutcome.Pass, judgement.Outcome);
    }

    [Fact]
    public async Task ObserveAsync_SampleCap_ThinsLatenciesButKeepsCounts()
    {
        await using var harness = await CanaryAsync(regressed: false, new Dictionary<string, string?> { ["MlopsFlows:Databricks:Canary:SampleCap"] = "100" });

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal(100, observation.Baseline.Sample.LatenciesMs.Count);
        Assert.Equal(1000, observation.Baseline.Sample.Requests);
    }

    [Fact]
    public async Task ObserveAsync_VersionNotServed_ReturnsAnEmptySample()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 99, Window, CancellationToken.None);

        Assert.Equal((0, 0), (observation.Candidate.Sample.Requests, observation.Candidate.Sample.Errors));
        Assert.Empty(observation.Candidate.Sample.LatenciesMs);
        Assert.Equal(JudgeOutcome.Inconclusive, Judge(observation).Outcome);
    }

    [Fact]
    public async Task ObserveAsync_UnknownEndpoint_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => harness.Get<ICanaryTelemetry>().ObserveAsync("nowhere", Model, 1, 2, Window, CancellationToken.None));
    }

    [Fact]
    public async Task ObserveAsync_MetricsThrottledThenUnavailable_RetriesBoth()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) => n switch
        {
            1 => Answers.Error(context, 429, "REQUEST_LIMIT_EXCEEDED", "slow down"),
            2 => Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "try again"),
            _ => Text(context, """request_count_total{served_entity_name="scorer-12",entity_version="12"} 5"""),
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var observation = await services.GetRequiredService<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal(5, observation.Candidate.Sample.Requests);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ObserveAsync_PredictionSource_AsksPerVersionWithoutTheWorkspaceTokenAndThins()
    {
        await using var source = await LoopbackServer.StartAsync((context, _) =>
        {
            var version = context.Request.Query["version"].ToString();
            return version == "11"
                ? Answers.Json(context, """{"predictions":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2]}""")
                : Answers.Error(context, 404, "RESOURCE_DOES_NOT_EXIST", "no predictions");
        });
        await using var harness = await CanaryAsync(regressed: false, new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:Canary:PredictionsUrl"] = new Uri(source.BaseUrl, "predictions?table=main.credit.scorer_payload").ToString(),
            ["MlopsFlows:Databricks:Canary:SampleCap"] = "10",
        });

        var observation = await harness.Get<ICanaryTelemetry>().ObserveAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal(10, observation.Baseline.Predictions.Count);
        Assert.Equal(0.1, observation.Baseline.Predictions[0]);
        Assert.Empty(observation.Candidate.Predictions);
        Assert.Equal(2, source.Requests.Count);
        Assert.All(source.Requests, r => Assert.Null(r.Authorization));
        var first = source.Requests.Single(r => r.PathAndQuery.Contains("version=11", StringComparison.Ordinal)).PathAndQuery;
        Assert.StartsWith("/predictions?table=main.credit.scorer_payload&endpoint=scorer&model=main.credit.scorer&version=11&from=", first, StringComparison.Ordinal);
        Assert.Contains("&to=", first, StringComparison.Ordinal);
    }

    private static async Task<SimulatorHarness> CanaryAsync(bool regressed, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { WarmupRequests = 1000, RequestsPerSecond = 0 }, overrides: settings);
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        if (regressed)
        {
            harness.Simulator.InjectRegression(Endpoint, 12, addedLatencyMs: 500, errorRate: 0.2);
        }

        await harness.Get<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(11, 12, 10), CancellationToken.None);
        return harness;
    }

    private static CanaryJudgement Judge(CanaryObservation observation) => CanaryJudge.Judge(Comparison(observation), new CanaryJudgeCriteria());

    private static CanaryComparison Comparison(CanaryObservation observation) =>
        new(observation.WindowStart, observation.WindowEnd, observation.Baseline.Sample, observation.Candidate.Sample);

    private static Task Text(Microsoft.AspNetCore.Http.HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; version=0.0.4";
        return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, text);
    }
}
