using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

/// <summary>Jobs API 2.2 through <see cref="DatabricksRetrainingJobs"/> against the simulator: start once per token, follow the run.</summary>
public sealed class DatabricksJobRunsTests
{
    private const string Model = "main.credit.scorer";
    private const long JobId = 77;

    [Fact]
    public async Task StartAsync_SameIdempotencyTokenTwice_StartsOneRun()
    {
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        await using var services = Services(simulator);
        var jobs = services.GetRequiredService<IRetrainingJobs>();

        var first = await jobs.StartAsync(Model, "incident-abc-retrain", CancellationToken.None);
        var again = await jobs.StartAsync(Model, "incident-abc-retrain", CancellationToken.None);
        var other = await jobs.StartAsync(Model, "incident-def-retrain", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task GetRunAsync_RunningThenFinished_ReadsStatusUntilTerminatedWithSuccess()
    {
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { JobRunDuration = TimeSpan.FromMilliseconds(300) }, CancellationToken.None);
        await using var services = Services(simulator);
        var jobs = (DatabricksRetrainingJobs)services.GetRequiredService<IRetrainingJobs>();
        var runId = await jobs.StartAsync(Model, "incident-follow", CancellationToken.None);

        var first = await jobs.GetRunAsync(runId, CancellationToken.None);
        DatabricksJobRun? last = null;
        await Eventually.UntilAsync(
            async () => (last = await jobs.GetRunAsync(runId, CancellationToken.None)).IsTerminal, TimeSpan.FromSeconds(10), "the run terminates");

        Assert.Equal(("RUNNING", false), (first.State, first.IsTerminal));
        Assert.Equal(("TERMINATED", "SUCCESS", "SUCCESS", true), (last!.State, last.TerminationCode, last.TerminationType, last.Succeeded));
        Assert.Contains(simulator.RequestLog, r => r.Method == "GET" && r.Path == "/api/2.2/jobs/runs/get" && r.Query == $"?run_id={runId}");
    }

    [Fact]
    public async Task GetRunAsync_FailedRun_ReadsTheTerminationDetails()
    {
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { JobRunDuration = TimeSpan.Zero }, CancellationToken.None);
        simulator.FailJobRuns(JobId, "RUN_EXECUTION_ERROR", "Notebook raised ValueError.");
        await using var services = Services(simulator);
        var jobs = (DatabricksRetrainingJobs)services.GetRequiredService<IRetrainingJobs>();
        var runId = await jobs.StartAsync(Model, "incident-fails", CancellationToken.None);

        var run = await jobs.GetRunAsync(runId, CancellationToken.None);

        Assert.Equal(("TERMINATED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR", false), (run.State, run.TerminationCode, run.TerminationType, run.Succeeded));
        Assert.Equal("Notebook raised ValueError.", run.Message);
    }

    [Fact]
    public async Task GetRunAsync_UnknownRun_ThrowsDependencyNotFound()
    {
        await using var simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        await using var services = Services(simulator);

        await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => ((DatabricksRetrainingJobs)services.GetRequiredService<IRetrainingJobs>()).GetRunAsync("123", CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_ThrottledThenAccepted_RetriesWithTheSameTokenAndStartsOneRun()
    {
        // run-now is a POST, retried only because the idempotency token makes a repeat start nothing new.
        var tokens = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await LoopbackServer.StartAsync(async (context, n) =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
            tokens.Enqueue(body.RootElement.GetProperty("idempotency_token").GetString()!);
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "0";
                await Answers.Error(context, (int)HttpStatusCode.TooManyRequests, "REQUEST_LIMIT_EXCEEDED", "slow down");
                return;
            }

            await Answers.Json(context, """{"run_id":31,"number_in_job":1}""");
        });
        await using var services = Services(server.BaseUrl, "dapi-test");

        var runId = await services.GetRequiredService<IRetrainingJobs>().StartAsync(Model, "incident-429", CancellationToken.None);

        Assert.Equal("31", runId);
        Assert.Equal(["incident-429", "incident-429"], tokens);
    }

    private static ServiceProvider Services(DatabricksSimulator simulator) => Services(new Uri(simulator.BaseUrl), simulator.Token);

    private static ServiceProvider Services(Uri workspace, string token) =>
        TestServices.Databricks(workspace, token, configure: services => services.AddMonitoringIntegrations(TestServices.Configuration(
            new Dictionary<string, string?> { [$"{RetrainingJobOptions.SectionName}:DefaultJobId"] = "77" })));
}
