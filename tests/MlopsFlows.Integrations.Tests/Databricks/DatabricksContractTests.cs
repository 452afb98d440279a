using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

/// <summary>
/// Every Databricks call the adapters make, once each, against the simulator, in both auth modes: method, path, query,
/// body shape and headers as the Databricks REST reference gives them.
/// </summary>
public sealed class DatabricksContractTests
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer";
    private const long JobId = 4242;
    private const string EntraToken = "entra-access-token";

    public static TheoryData<string> AuthModes => ["pat", "entra"];

    [Theory]
    [MemberData(nameof(AuthModes))]
    public async Task EveryCall_AuthMode_SendsTheDocumentedRequests(string mode)
    {
        var credential = new ScopeRecordingCredential(EntraToken);
        var simulatorToken = mode == "pat" ? "dapi-contract" : EntraToken;
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { Token = simulatorToken, JobRunDuration = TimeSpan.Zero }, CancellationToken.None);
        var runId = simulator.AddModelVersion(Model, 11, parameters: new Dictionary<string, string> { ["max_depth"] = "6" });
        simulator.AddModelVersion(Model, 12);
        simulator.AddServingEndpoint(Endpoint, Model, 11);
        await using var services = Services(new Uri(simulator.BaseUrl), mode == "pat" ? "dapi-contract" : null, credential);
        var registry = services.GetRequiredService<IModelRegistry>();
        var serving = services.GetRequiredService<IServingEndpoints>();
        var jobs = (DatabricksRetrainingJobs)services.GetRequiredService<IRetrainingJobs>();

        var version = await registry.GetModelVersionAsync(Model, 11, CancellationToken.None);
        await registry.GetRegisteredModelAsync(Model, CancellationToken.None);
        await registry.SetAliasAsync(Model, "challenger", 12, CancellationToken.None);
        await ((DatabricksModelRegistry)registry).DeleteAliasAsync(Model, "challenger", CancellationToken.None);
        await serving.SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(current: 11, candidate: 12, canaryPercent: 10), CancellationToken.None);
        await services.GetRequiredService<IServingTelemetry>().GetMetricsAsync(Endpoint, 11, TimeSpan.FromMinutes(5), CancellationToken.None);
        var started = await jobs.StartAsync(Model, "incident-contract-1", CancellationToken.None);
        var run = await jobs.GetRunAsync(started, CancellationToken.None);

        Assert.Equal((runId, "6"), (version.RunId, version.Params["max_depth"]));
        // Lineage comes from the same three reads: the UC version, its MLflow tags and the run (tags and dataset inputs).
        Assert.EndsWith($"/{runId}/artifacts/model", version.Lineage.Source, StringComparison.Ordinal);
        Assert.Contains("/versions/", version.Lineage.StorageLocation, StringComparison.Ordinal);
        Assert.NotNull(version.Lineage.ArtefactSha256);
        Assert.NotNull(version.Lineage.GitCommit);
        Assert.Equal([("main.credit.scorer_training", "51"), ("main.credit.scorer_holdout", "17")], version.Lineage.Datasets.Select(d => (d.Source, d.Version)));
        Assert.Contains("income", version.Lineage.Features);
        Assert.True(run.Succeeded, run.ToString());
        var log = simulator.RequestLog;
        Assert.All(log, r => Assert.Equal($"Bearer {simulatorToken}", r.Authorization));
        Assert.All(log, r => Assert.StartsWith("MlopsFlows/", r.UserAgent, StringComparison.Ordinal));
        var calls = log.Select(r => $"{r.Method} {r.Path}{r.Query}").ToList();
        Assert.Contains($"GET /api/2.1/unity-catalog/models/{Model}/versions/11", calls);
        Assert.Contains($"GET /api/2.0/mlflow/unity-catalog/model-versions/get?name={Model}&version=11", calls);
        Assert.Contains($"GET /api/2.0/mlflow/runs/get?run_id={runId}", calls);
        Assert.Contains($"GET /api/2.0/mlflow/artifacts/list?run_id={runId}", calls);
        Assert.Contains($"GET /api/2.1/unity-catalog/models/{Model}?include_aliases=true", calls);
        Assert.Contains($"GET /api/2.0/mlflow/unity-catalog/registered-models/get?name={Model}", calls);
        Assert.Contains($"PUT /api/2.1/unity-catalog/models/{Model}/aliases/challenger", calls);
        Assert.Contains($"DELETE /api/2.1/unity-catalog/models/{Model}/aliases/challenger", calls);
        Assert.Contains($"GET /api/2.0/serving-endpoints/{Endpoint}", calls);
        Assert.Contains($"PUT /api/2.0/serving-endpoints/{Endpoint}/config", calls);
        Assert.Contains($"GET /api/2.0/serving-endpoints/{Endpoint}/metrics", calls);
        Assert.Contains("POST /api/2.2/jobs/run-now", calls);
        Assert.Contains($"GET /api/2.2/jobs/runs/get?run_id={started}", calls);

        using var alias = JsonDocument.Parse(Single(log, "PUT", "/aliases/challenger").Body!);
        Assert.Equal(12, alias.RootElement.GetProperty("version_num").GetInt32());
        Assert.Null(Single(log, "DELETE", "/aliases/challenger").Body);

        var configPut = Single(log, "PUT", "/config");
        Assert.StartsWith("application/json", configPut.ContentType, StringComparison.Ordinal);
        using var config = JsonDocument.Parse(configPut.Body!);
        var entities = config.RootElement.GetProperty("served_entities").EnumerateArray().ToList();
        Assert.Equal(["11", "12"], entities.Select(e => e.GetProperty("entity_version").GetString()));
        Assert.All(entities, e => Assert.Equal(Model, e.GetProperty("entity_name").GetString()));
        var routes = config.RootElement.GetProperty("traffic_config").GetProperty("routes").EnumerateArray().ToList();
        Assert.Equal([90, 10], routes.Select(r => r.GetProperty("traffic_percentage").GetInt32()));
        Assert.Equal(entities.Select(e => e.GetProperty("name").GetString()), routes.Select(r => r.GetProperty("served_model_name").GetString()));

        using var runNow = JsonDocument.Parse(Single(log, "POST", "/run-now").Body!);
        Assert.Equal(JobId, runNow.RootElement.GetProperty("job_id").GetInt64());
        Assert.Equal("incident-contract-1", runNow.RootElement.GetProperty("idempotency_token").GetString());
        Assert.Equal(Model, runNow.RootElement.GetProperty("job_parameters").GetProperty("model").GetString());

        if (mode == "entra")
        {
            Assert.Equal(["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"], credential.Scopes.Distinct());
        }
        else
        {
            Assert.Empty(credential.Scopes);
        }
    }

    [Fact]
    public async Task EveryCall_WrongToken_IsRefusedAsNotRetryable()
    {
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { Token = "the-right-one" }, CancellationToken.None);
        await using var services = Services(new Uri(simulator.BaseUrl), "a-wrong-one", new ScopeRecordingCredential(EntraToken));

        var error = await Assert.ThrowsAsync<DatabricksApiException>(
            () => services.GetRequiredService<IModelRegistry>().GetModelVersionAsync(Model, 1, CancellationToken.None));

        Assert.Equal(("UNAUTHENTICATED", 1), (error.ErrorCode, simulator.RequestLog.Count));
        Assert.DoesNotContain("a-wrong-one", error.Message, StringComparison.Ordinal);
    }

    private static RecordedRequest Single(IReadOnlyList<RecordedRequest> log, string method, string pathEnd) =>
        Assert.Single(log, r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    private static ServiceProvider Services(Uri workspace, string? token, TokenCredential credential) =>
        TestServices.Databricks(workspace, token, configure: services => services
            .AddSingleton(credential)
            .AddMonitoringIntegrations(TestServices.Configuration(new Dictionary<string, string?>
            {
                [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = JobId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })));

    /// <summary>An Entra credential stand-in: hands out a fixed token and remembers the scopes it was asked for.</summary>
    private sealed class ScopeRecordingCredential(string token) : TokenCredential
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> scopes = new();

        public IReadOnlyList<string> Scopes => [.. scopes];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                scopes.Enqueue(scope);
            }

            return ValueTask.FromResult(new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
