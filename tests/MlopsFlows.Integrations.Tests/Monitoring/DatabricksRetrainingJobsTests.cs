using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Monitoring;

/// <summary>The run-now call against a scripted loopback server, through the production registration and HTTP pipeline.</summary>
public sealed class DatabricksRetrainingJobsTests
{
    private const string Model = "main.credit.scorer";
    private const string Key = "incident-0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task StartAsync_ConfiguredJob_PostsRunNowWithTheTokenAndTheModel()
    {
        var bodies = new ConcurrentQueue<JsonElement>();
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            bodies.Enqueue(await ReadBodyAsync(context));
            await Answers.Json(context, """{"run_id":455644833,"number_in_job":1}""");
        });
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:Jobs:{Model}"] = "123" });

        var runId = await services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, Key, CancellationToken.None);

        Assert.Equal("455644833", runId);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/api/2.2/jobs/run-now", "Bearer dapi-test"), (request.Method, request.PathAndQuery, request.Authorization));
        var body = Assert.Single(bodies);
        Assert.Equal(123, body.GetProperty("job_id").GetInt64());
        Assert.Equal(Key, body.GetProperty("idempotency_token").GetString());
        Assert.Equal(Model, body.GetProperty("job_parameters").GetProperty("model").GetString());
    }

    [Fact]
    public async Task StartAsync_ServerErrorThenSuccess_RetriesWithTheSameToken()
    {
        var tokens = new ConcurrentQueue<string?>();
        await using var server = await LoopbackServer.StartAsync(async (context, n) =>
        {
            tokens.Enqueue((await ReadBodyAsync(context)).GetProperty("idempotency_token").GetString());
            await (n == 1
                ? Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "try again")
                : Answers.Json(context, """{"run_id":77,"number_in_job":2}"""));
        });
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = "9" });

        var runId = await services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, Key, CancellationToken.None);

        // Safe to repeat a POST only because Databricks starts one run per token.
        Assert.Equal("77", runId);
        Assert.Equal([Key, Key], tokens);
    }

    [Fact]
    public async Task StartAsync_BadRequest_FailsWithoutRetrying()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Error(context, 400, "INVALID_PARAMETER_VALUE", "Job 123 does not exist."));
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:Jobs:{Model}"] = "123" });

        var error = await Assert.ThrowsAsync<DatabricksApiException>(() => services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, Key, CancellationToken.None));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (error.StatusCode, error.ErrorCode));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StartAsync_ServerKeepsFailing_IsTransient()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Error(context, 500, "INTERNAL_ERROR", "boom"));
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = "9" });

        await Assert.ThrowsAsync<TransientDependencyException>(() => services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, Key, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_NoJobForTheModel_NotFoundWithoutCallingDatabricks()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, "{}"));
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:Jobs:main.other.model"] = "5" });

        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(() => services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, Key, CancellationToken.None));

        Assert.Contains(Model, error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task StartAsync_TokenLongerThanDatabricksAccepts_Refused()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, "{}"));
        using var services = Services(server.BaseUrl, new() { [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = "9" });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, new string('k', 65), CancellationToken.None));
    }

    [Fact]
    public void RetrainingJobOptions_NonPositiveJobId_FailsAtStart()
    {
        using var services = Services(new Uri("https://adb-1.azuredatabricks.net"), new() { [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = "0" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
    }

    private static ServiceProvider Services(Uri workspace, Dictionary<string, string?> settings)
    {
        settings["MlopsFlows:Databricks:WorkspaceUrl"] = workspace.ToString();
        settings["MlopsFlows:Databricks:Token"] = "dapi-test";
        settings["MlopsFlows:Databricks:RetryDelay"] = "00:00:00.020";
        settings["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:05";
        settings["MlopsFlows:Databricks:RequestTimeout"] = "00:00:15";
        var configuration = TestServices.Configuration(settings);
        return new ServiceCollection().AddLogging().AddDatabricksIntegration(configuration).AddMonitoringIntegrations(configuration).BuildServiceProvider();
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        return document.RootElement.Clone();
    }
}
