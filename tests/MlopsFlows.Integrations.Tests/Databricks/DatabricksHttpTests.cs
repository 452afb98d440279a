using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

/// <summary>Retries and error classification of every Databricks call, against a scripted loopback server.</summary>
public sealed class DatabricksHttpTests
{
    private static readonly string Healthy = Answers.Endpoint("NOT_UPDATING", (11, 100));

    [Fact]
    public async Task Send_ThrottledWithRetryAfter_WaitsAndSucceeds()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) =>
        {
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return Answers.Error(context, 429, "REQUEST_LIMIT_EXCEEDED", "slow down");
            }

            return Answers.Json(context, Healthy);
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var split = await services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal(TrafficSplit.AllTo(11), split);
        Assert.Equal(2, server.Requests.Count);

        // Retry-After (1 s) wins over the configured 20 ms delay; allow a little clock slack.
        Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromMilliseconds(900), "the retry did not honour Retry-After");
    }

    [Fact]
    public async Task Send_ServiceUnavailableOnce_RetriesAndSucceeds()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) =>
            n == 1 ? Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "try again") : Answers.Json(context, Healthy));
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var split = await services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal(TrafficSplit.AllTo(11), split);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Send_ServiceUnavailableEveryTime_ThrowsTransientAfterTheRetries()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "down"));
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?> { ["MlopsFlows:Databricks:RetryAttempts"] = "3" });

        var error = await Assert.ThrowsAsync<TransientDependencyException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None));

        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Send_BadRequest_ThrowsDatabricksApiExceptionWithoutRetrying()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Error(context, 400, "INVALID_PARAMETER_VALUE", "version_num must be positive"));
        await using var services = TestServices.Databricks(server.BaseUrl, "secret-token");

        var error = await Assert.ThrowsAsync<DatabricksApiException>(
            () => services.GetRequiredService<IModelRegistry>().SetAliasAsync("main.credit.scorer", "champion", 3, CancellationToken.None));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (error.StatusCode, error.ErrorCode));
        Assert.Contains("version_num must be positive", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Send_NotFoundWithoutJsonBody_ThrowsDependencyNotFound()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("<html>no such page</html>");
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => services.GetRequiredService<IServingTelemetry>().GetMetricsAsync("scorer", 1, TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Contains("no such page", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NobodyListening_ThrowsTransient()
    {
        var closedPort = FreePort.Next();
        await using var services = TestServices.Databricks(new Uri($"http://127.0.0.1:{closedPort}/"), "token");

        await Assert.ThrowsAsync<TransientDependencyException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None));
    }

    [Fact]
    public async Task Send_AnswerSlowerThanTheTimeouts_ThrowsTransient()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as it should.
            }
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:00.200",
            ["MlopsFlows:Databricks:RequestTimeout"] = "00:00:00.500",
        });
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TransientDependencyException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Send_CallerCancels_ThrowsOperationCanceled()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as it should.
            }
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", cancel.Token));
    }

    [Fact]
    public async Task Send_WorkspaceUrlWithPathPrefix_KeepsThePrefix()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, Healthy));
        await using var services = TestServices.Databricks(new Uri(server.BaseUrl, "proxy/workspace"), "token");

        await services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal("/proxy/workspace/api/2.0/serving-endpoints/scorer", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Send_FirstAttemptTimesOut_RetriesAndSucceeds()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The attempt timeout fired, as it should.
                }

                return;
            }

            await Answers.Json(context, Healthy);
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:00.300",
            ["MlopsFlows:Databricks:RequestTimeout"] = "00:00:10",
        });

        var split = await services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal(TrafficSplit.AllTo(11), split);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Send_ThrottledWithLongRetryAfter_NoSecondAttemptBeforeIt()
    {
        // Retry-After of 30 s against a 2 s total budget: honouring it means the pipeline gives up instead of sending
        // the second attempt early (the configured 20 ms back-off would have allowed it at once).
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.Headers.RetryAfter = "30";
            return Answers.Error(context, 429, "REQUEST_LIMIT_EXCEEDED", "slow down");
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:01",
            ["MlopsFlows:Databricks:RequestTimeout"] = "00:00:02",
        });

        await Assert.ThrowsAsync<TransientDependencyException>(
            () => services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None));

        Assert.Single(server.Requests);
    }
}
