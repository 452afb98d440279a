using System.Net;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.DevServices.Tests.Support;
using MlopsFlows.Testing;

namespace MlopsFlows.DevServices.Tests.Databricks;

/// <summary>The simulator's Jobs API 2.2 and its failing config updates, in the documented shapes.</summary>
public sealed class DatabricksSimulatorJobsTests
{
    [Fact]
    public async Task RunNow_SameIdempotencyToken_AnswersTheSameRun()
    {
        await using var session = await SimulatorSession.StartAsync();
        const string body = """{"job_id":12,"idempotency_token":"incident-1","job_parameters":{"model":"main.credit.scorer"}}""";

        var first = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", body);
        var again = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", body);
        var other = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", """{"job_id":12,"idempotency_token":"incident-2"}""");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal((long)first.Body!["run_id"]!, (long)again.Body!["run_id"]!);
        Assert.NotEqual((long)first.Body!["run_id"]!, (long)other.Body!["run_id"]!);
        Assert.Equal((1, 2), ((int)first.Body!["number_in_job"]!, (int)other.Body!["number_in_job"]!));
    }

    [Fact]
    public async Task RunsGet_AfterTheRunDuration_StatusIsTerminatedWithSuccess()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { JobRunDuration = TimeSpan.FromMilliseconds(200) });
        var started = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", """{"job_id":12,"idempotency_token":"t"}""");
        var runId = (long)started.Body!["run_id"]!;

        var running = await session.GetOkAsync($"api/2.2/jobs/runs/get?run_id={runId}");
        await Eventually.UntilAsync(
            async () => (string?)(await session.GetOkAsync($"api/2.2/jobs/runs/get?run_id={runId}"))["status"]!["state"] == "TERMINATED",
            TimeSpan.FromSeconds(10),
            "the run terminates");
        var done = await session.GetOkAsync($"api/2.2/jobs/runs/get?run_id={runId}");

        Assert.Equal("RUNNING", (string?)running["status"]!["state"]);
        Assert.Equal("SUCCESS", (string?)done["status"]!["termination_details"]!["code"]);
        Assert.Equal("SUCCESS", (string?)done["status"]!["termination_details"]!["type"]);
        Assert.Equal("TERMINATED", (string?)done["state"]!["life_cycle_state"]);
    }

    [Fact]
    public async Task RunsGet_InjectedFailure_TerminatesWithItsCode()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { JobRunDuration = TimeSpan.Zero });
        session.Simulator.FailJobRuns(12, "RUN_EXECUTION_ERROR", "boom");
        var started = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", """{"job_id":12}""");

        var run = await session.GetOkAsync($"api/2.2/jobs/runs/get?run_id={(long)started.Body!["run_id"]!}");

        Assert.Equal(("RUN_EXECUTION_ERROR", "CLIENT_ERROR", "boom"), ((string?)run["status"]!["termination_details"]!["code"], (string?)run["status"]!["termination_details"]!["type"], (string?)run["status"]!["termination_details"]!["message"]));
    }

    [Theory]
    [InlineData("""{"job_id":0}""")]
    [InlineData("""{"job_id":1,"idempotency_token":"0123456789012345678901234567890123456789012345678901234567890123456789"}""")]
    public async Task RunNow_InvalidRequest_Answers400(string body)
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, answer) = await session.SendAsync(HttpMethod.Post, "api/2.2/jobs/run-now", body);

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (status, (string?)answer!["error_code"]));
    }

    [Fact]
    public async Task ConfigUpdate_InjectedFailure_EndsUpdateFailedWithTheOldConfigLive()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.FromMilliseconds(100) });
        session.Simulator.AddServingEndpoint("scorer", "main.credit.scorer", 1);
        session.Simulator.FailNextConfigUpdate("scorer");

        var (status, _) = await session.SendAsync(
            HttpMethod.Put,
            "api/2.0/serving-endpoints/scorer/config",
            SimulatorSession.ConfigJson([("scorer-2", "main.credit.scorer", 2)], [("scorer-2", 100)]));
        await Eventually.UntilAsync(() => Task.FromResult(!session.Simulator.IsUpdating("scorer")), TimeSpan.FromSeconds(10), "the update ends");
        var endpoint = await session.GetOkAsync("api/2.0/serving-endpoints/scorer");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("UPDATE_FAILED", (string?)endpoint["state"]!["config_update"]);
        Assert.Equal(1, Assert.Single(session.Simulator.GetTraffic("scorer")).Version);
    }
}
