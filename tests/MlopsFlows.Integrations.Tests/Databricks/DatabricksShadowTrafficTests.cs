using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Datasets;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksShadowTrafficTests : IDisposable
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly TemporaryFolder samples = new();

    public DatabricksShadowTrafficTests() =>
        File.WriteAllLines(
            samples.File("scorer.jsonl"),
            [.. Enumerable.Range(1, 20).Select(i => string.Create(CultureInfo.InvariantCulture, $$"""{"dataframe_records":[{"income":{{i * 1000}},"age":{{20 + i}}}]}""")), ""]);

    public void Dispose() => samples.Dispose();

    [Fact]
    public async Task ReplayAsync_HealthyCandidate_SendsEveryRequestToBothEntitiesAndCollectsAnswers()
    {
        await using var harness = await ShadowAsync();
        var before = harness.Simulator.RequestLog.Count;

        var observation = await harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.True(observation.WindowStart <= observation.WindowEnd);
        foreach (var side in new[] { observation.Baseline, observation.Candidate })
        {
            Assert.Equal(20, side.Sample.Requests);
            Assert.Equal(20, side.Sample.LatenciesMs.Count);
            Assert.All(side.Sample.LatenciesMs, ms => Assert.True(ms > 0));
            Assert.Equal(20, side.Predictions.Count);
        }

        // The simulator's predictions depend on the row only: a healthy candidate agrees with the champion.
        Assert.Equal(observation.Baseline.Predictions, observation.Candidate.Predictions);
        var requests = harness.RequestsSince(before);
        Assert.Equal(("GET", "/api/2.0/serving-endpoints/scorer"), (requests[0].Method, requests[0].Path));
        var invocations = requests.Skip(1).ToList();
        Assert.Equal(40, invocations.Count);
        Assert.All(invocations, r => Assert.Equal("POST", r.Method));
        Assert.All(invocations, r => Assert.True(r.HasAuthorization));
        Assert.Equal(
            ["/serving-endpoints/scorer/served-models/scorer-11/invocations", "/serving-endpoints/scorer/served-models/scorer-12/invocations",
             "/serving-endpoints/scorer/served-models/scorer-12/invocations", "/serving-endpoints/scorer/served-models/scorer-11/invocations"],
            invocations.Take(4).Select(r => r.Path));
        Assert.Equal(File.ReadLines(samples.File("scorer.jsonl")).First(), invocations[0].Body);
        Assert.Equal(invocations[0].Body, invocations[1].Body);
    }

    [Fact]
    public async Task ReplayAsync_RegressedCandidate_CountsItsErrorsSlowerAnswersAndShiftedPredictions()
    {
        await using var harness = await ShadowAsync(regression: true);

        var observation = await harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal(20, observation.Candidate.Sample.Requests);
        Assert.InRange(observation.Candidate.Sample.Errors, 3, 17);
        Assert.Equal(0, observation.Baseline.Sample.Errors);
        Assert.Equal(20 - observation.Candidate.Sample.Errors, observation.Candidate.Sample.LatenciesMs.Count);
        Assert.True(observation.Candidate.Sample.LatenciesMs.Average() > observation.Baseline.Sample.LatenciesMs.Average() + 10);
        Assert.True(observation.Candidate.Predictions.Average() > observation.Baseline.Predictions.Average() + 0.1);
    }

    [Fact]
    public async Task ReplayAsync_MaxRequests_ReplaysOnlyThatMany()
    {
        await using var harness = await ShadowAsync(settings: new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:MaxRequests"] = "5" });

        var observation = await harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal((5, 5), (observation.Baseline.Sample.Requests, observation.Candidate.Sample.Requests));
    }

    [Fact]
    public async Task ReplayAsync_NoSamplesConfigured_ThrowsNamingTheSetting()
    {
        await using var harness = await ShadowAsync(settings: new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:SamplesDirectory"] = null });

        var error = await Assert.ThrowsAsync<ServingConfigurationException>(
            () => harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None));

        Assert.Contains("MlopsFlows:Databricks:Shadow:SamplesDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayAsync_NoSampleFileForTheEndpoint_Throws()
    {
        await using var harness = await ShadowAsync();
        harness.Simulator.AddServingEndpoint("other", Model, 11);

        await Assert.ThrowsAsync<ServingConfigurationException>(
            () => harness.Get<IShadowTraffic>().ReplayAsync("other", Model, 11, 12, Window, CancellationToken.None));
    }

    [Fact]
    public async Task ReplayAsync_CandidateNotDeployed_Throws()
    {
        await using var harness = await ShadowAsync();

        var error = await Assert.ThrowsAsync<ServingConfigurationException>(
            () => harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 13, Window, CancellationToken.None));

        Assert.Contains("version 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayAsync_EndpointNameWithPathCharacters_IsRefused()
    {
        await using var harness = await ShadowAsync();

        await Assert.ThrowsAsync<ArgumentException>(
            () => harness.Get<IShadowTraffic>().ReplayAsync("../scorer", Model, 11, 12, Window, CancellationToken.None));
    }

    [Fact]
    public async Task ReplayAsync_SampleLineNotJson_ThrowsNamingTheLine()
    {
        File.AppendAllText(samples.File("scorer.jsonl"), "not json\n");
        await using var harness = await ShadowAsync(settings: new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:MaxRequests"] = "100" });

        var error = await Assert.ThrowsAsync<FormatException>(
            () => harness.Get<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None));

        Assert.Contains("line 22", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayAsync_InvocationAnswers503_CountsAnErrorWithoutRetrying()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Request.Method == "GET"
            ? Answers.Json(context, Answers.Endpoint("NOT_UPDATING", (11, 100), (12, 0)))
            : context.Request.Path.Value!.Contains("scorer-12", StringComparison.Ordinal)
                ? Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "overloaded")
                : Answers.Json(context, """{"predictions":[0.25,"label",[1]]}"""));
        await using var services = Services(server.BaseUrl, new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:MaxRequests"] = "3" });

        var observation = await services.GetRequiredService<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal((3, 3, 0), (observation.Candidate.Sample.Requests, observation.Candidate.Sample.Errors, observation.Candidate.Sample.LatenciesMs.Count));
        Assert.Equal((3, 0), (observation.Baseline.Sample.Requests, observation.Baseline.Sample.Errors));
        Assert.Equal([0.25, 0.25, 0.25], observation.Baseline.Predictions);
        Assert.Equal(1 + 6, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("Bearer token", r.Authorization));
    }

    [Fact]
    public async Task ReplayAsync_InvocationSlowerThanTheTimeout_CountsAnError()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Method == "GET")
            {
                await Answers.Json(context, Answers.Endpoint("NOT_UPDATING", (11, 100), (12, 0)));
                return;
            }

            if (context.Request.Path.Value!.Contains("scorer-12", StringComparison.Ordinal))
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as it should.
                }

                return;
            }

            await Answers.Json(context, """{"predictions":[0.5]}""");
        });
        await using var services = Services(server.BaseUrl, new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:Shadow:MaxRequests"] = "1",
            ["MlopsFlows:Databricks:Shadow:InvocationTimeout"] = "00:00:00.200",
        });

        var observation = await services.GetRequiredService<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None);

        Assert.Equal((1, 1), (observation.Candidate.Sample.Requests, observation.Candidate.Sample.Errors));
        Assert.Equal(0, observation.Baseline.Sample.Errors);
    }

    [Theory]
    [InlineData(401, HttpStatusCode.Unauthorized)]
    [InlineData(403, HttpStatusCode.Forbidden)]
    public async Task ReplayAsync_InvocationRefusedForAccess_ThrowsInsteadOfCounting(int status, HttpStatusCode expected)
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Request.Method == "GET"
            ? Answers.Json(context, Answers.Endpoint("NOT_UPDATING", (11, 100), (12, 0)))
            : Answers.Error(context, status, "PERMISSION_DENIED", "no query permission"));
        await using var services = Services(server.BaseUrl);

        var error = await Assert.ThrowsAsync<DatabricksApiException>(
            () => services.GetRequiredService<IShadowTraffic>().ReplayAsync(Endpoint, Model, 11, 12, Window, CancellationToken.None));

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(2, server.Requests.Count);
    }

    private async Task<SimulatorHarness> ShadowAsync(bool regression = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:SamplesDirectory"] = samples.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { InvocationLatencyScale = 0.05, ConfigUpdateDelay = TimeSpan.Zero }, overrides: overrides);
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        if (regression)
        {
            harness.Simulator.InjectRegression(Endpoint, 12, addedLatencyMs: 400, errorRate: 0.5, predictionShift: 0.3);
        }

        // Shadow mode: the candidate is deployed beside the champion at 0% of the traffic.
        await harness.Get<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, new TrafficSplit([new TrafficRoute(11, 100), new TrafficRoute(12, 0)]), CancellationToken.None);
        return harness;
    }

    private ServiceProvider Services(Uri workspace, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?> { ["MlopsFlows:Databricks:Shadow:SamplesDirectory"] = samples.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return TestServices.Databricks(workspace, "token", overrides);
    }
}
