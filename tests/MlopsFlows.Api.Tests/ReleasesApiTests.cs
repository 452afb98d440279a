using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class ReleasesApiTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task StartRelease_ApprovedHealthyCandidate_IsPromotedWithFullHistoryAndEvidence()
    {
        await fixture.SeedModelAsync("main.api.promoted", "promoted-prod", 1, 2);

        var accepted = await StartAsync(new { model = "main.api.promoted", version = 2, environment = "prod", requestedBy = "job:train" });
        Assert.Equal("release:main.api.promoted:2:prod", accepted.Id);
        Assert.True(accepted.Created);

        var waiting = await Polling.UntilAsync(Api, accepted.Id, r => r.Approval is not null, Patience, "it waits for approval");
        Assert.Equal("approval", waiting.Progress!.WaitingFor);
        Assert.Equal("medium", waiting.Progress.RiskTier);
        Assert.NotNull(waiting.Progress.WaitingUntil);
        Assert.Equal(["model-validation"], waiting.Approval!.OutstandingRoles);

        using var decision = await Api.PostAsJsonAsync(
            $"api/releases/{accepted.Id}/decisions",
            new { decision = "approve", approver = LocalHostFixture.Approver, rationale = "ok", evidenceDigest = waiting.Approval.EvidenceDigest });
        Assert.Equal(HttpStatusCode.Accepted, decision.StatusCode);

        var done = await Polling.UntilAsync(Api, accepted.Id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Promoted, done.Outcome!.Stage);
        Assert.Equal("Completed", done.RuntimeStatus);
        Assert.Equal(
            [ReleaseStage.Gating, ReleaseStage.AwaitingApproval, ReleaseStage.Deploying, ReleaseStage.Watching, ReleaseStage.Deploying, ReleaseStage.Watching, ReleaseStage.Promoting, ReleaseStage.Promoted],
            done.Progress!.History.Select(h => h.Stage));
        Assert.Equal(done.Outcome.EvidenceCount, done.Evidence.Count);
        Assert.Equal(["policy", "lineage", "gate", "gate", "gate", "notification", "vote", "approval"], done.Evidence.Take(8).Select(e => e.Step));
        Assert.Equal(LocalHostFixture.Approver, done.Evidence[6].Actor);
        Assert.Equal(["promote", "monitor", "outcome"], done.Evidence.TakeLast(3).Select(e => e.Step));
        Assert.Equal(Enumerable.Range(1, done.Evidence.Count), done.Evidence.Select(e => e.Sequence));

        var endpoint = await fixture.Workspace.GetFromJsonAsync<JsonElement>("/api/2.0/serving-endpoints/promoted-prod");
        var routes = endpoint.GetProperty("config").GetProperty("traffic_config").GetProperty("routes").EnumerateArray().ToArray();
        Assert.Single(routes);
        Assert.Equal(100, routes[0].GetProperty("traffic_percentage").GetInt32());
    }

    [Fact]
    public async Task StartRelease_SameRequestTwice_ReturnsTheSameInstance()
    {
        await fixture.SeedModelAsync("main.api.idempotent", "idempotent-prod", 1, 2);
        var body = new { model = "main.api.idempotent", version = 2, environment = "prod", requestedBy = "job:train" };

        var first = await StartAsync(body);
        var second = await StartAsync(body);

        Assert.Equal(first.Id, second.Id);
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(1, (await fixture.CountStoredAsync("release:main.api.idempotent:")).Instances);
        await CancelAsync(first.Id);
    }

    [Fact]
    public async Task StartRelease_OtherVersionInFlightForSameModelAndEnvironment_Returns409AndStartsNothing()
    {
        await fixture.SeedModelAsync("main.api.conflict", "conflict-prod", 1, 2, 3);
        var first = await StartAsync(new { model = "main.api.conflict", version = 2, environment = "prod", requestedBy = "job:train" });

        using var response = await Api.PostAsJsonAsync("api/releases", new { model = "main.api.conflict", version = 3, environment = "prod", requestedBy = "job:train" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("release:main.api.conflict:2:prod", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await fixture.CountStoredAsync("release:main.api.conflict:3:")).Instances);

        // Another environment is a different release line and may proceed.
        var staging = await StartAsync(new { model = "main.api.conflict", version = 3, environment = "staging", requestedBy = "job:train" });
        Assert.True(staging.Created);
        await CancelAsync(first.Id);
        await CancelAsync(staging.Id);
    }

    [Fact]
    public async Task StartRelease_TwoVersionsStartedAtOnce_OneIs202AndTheOther409NamingIt()
    {
        // The in-flight guard is the ledger's ETag-conditional claim: a query-then-start check would let both through.
        for (var round = 0; round < 5; round++)
        {
            var model = $"main.api.race{round}";
            await fixture.SeedModelAsync(model, $"race{round}-prod", 1, 2, 3);

            var responses = await Task.WhenAll(
                Task.Run(() => Api.PostAsJsonAsync("api/releases", new { model, version = 2, environment = "prod", requestedBy = "job:a" })),
                Task.Run(() => Api.PostAsJsonAsync("api/releases", new { model, version = 3, environment = "prod", requestedBy = "job:b" })));
            try
            {
                Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
                var accepted = (await responses.Single(r => r.StatusCode == HttpStatusCode.Accepted).Content.ReadFromJsonAsync<ReleaseAccepted>(ApiJson.Options))!;
                var problem = await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(accepted.Id, problem.GetProperty("inFlightRelease").GetString());
                Assert.Equal(1, (await fixture.CountStoredAsync($"release:{model}:")).Instances);
                await fixture.Client.TerminateInstanceAsync(accepted.Id, "test cleanup");
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }
        }
    }

    [Fact]
    public async Task StartRelease_AfterTheInFlightReleaseEnded_NextVersionStarts()
    {
        // Version 2 fails its metric gate and ends by itself; its workflow books the end, which frees the place.
        await fixture.SeedModelAsync("main.api.handover", "handover-prod", 1, 3);
        using (var weak = await fixture.Workspace.PostAsJsonAsync("/sim/models", LocalHostSetup.ModelVersion("main.api.handover", 2, auc: 0.5)))
        {
            weak.EnsureSuccessStatusCode();
        }

        var first = await StartAsync(new { model = "main.api.handover", version = 2, environment = "prod", requestedBy = "job:train" });
        var ended = await Polling.UntilAsync(Api, first.Id, r => r.Outcome is not null, Patience, "it has ended");
        Assert.Equal(ReleaseStage.GateFailed, ended.Outcome!.Stage);
        var ledger = fixture.Host.App.Services.GetRequiredService<IReleaseLedger>();
        Assert.Null(await ledger.FindInFlightAsync("main.api.handover", "prod", CancellationToken.None));
        var booked = Assert.Single(await ledger.ListAsync("main.api.handover", "prod", 10, CancellationToken.None));
        Assert.Equal(("GateFailed", ended.Outcome.EvidenceCount, ended.Outcome.EvidenceHead, "job:train"), (booked.Status, booked.EvidenceCount, booked.EvidenceHead, booked.RequestedBy));

        var next = await StartAsync(new { model = "main.api.handover", version = 3, environment = "prod", requestedBy = "job:train" });
        Assert.True(next.Created);
        await fixture.Client.TerminateInstanceAsync(next.Id, "test cleanup");
    }

    [Fact]
    public async Task StartRelease_InFlightReleaseTerminatedWithoutBookingItsEnd_NextVersionStarts()
    {
        // A terminated workflow never reaches its end: the API sees the holder has stopped and closes it in the ledger.
        await fixture.SeedModelAsync("main.api.terminated", "terminated-prod", 1, 2, 3);
        var first = await StartAsync(new { model = "main.api.terminated", version = 2, environment = "prod", requestedBy = "job:train" });
        await fixture.Client.TerminateInstanceAsync(first.Id, "operator pulled the plug");
        await fixture.Client.WaitForInstanceCompletionAsync(first.Id);

        var next = await StartAsync(new { model = "main.api.terminated", version = 3, environment = "prod", requestedBy = "job:train" });

        Assert.True(next.Created);
        await fixture.Client.TerminateInstanceAsync(next.Id, "test cleanup");
    }

    public static TheoryData<string, string> BadStartBodies => new()
    {
        { "{\"model\": \"main.bad.m\", \"version\": 2, ", "body" },
        { "[1, 2]", "body" },
        { "{\"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"x\"}", "model" },
        { "{\"model\": \"scorer\", \"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"x\"}", "model" },
        { "{\"model\": \"main.bad.m!\", \"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"x\"}", "model" },
        { "{\"model\": \"main.bad.m\", \"environment\": \"prod\", \"requestedBy\": \"x\"}", "version" },
        { "{\"model\": \"main.bad.m\", \"version\": 0, \"environment\": \"prod\", \"requestedBy\": \"x\"}", "version" },
        { "{\"model\": \"main.bad.m\", \"version\": \"2\", \"environment\": \"prod\", \"requestedBy\": \"x\"}", "version" },
        { "{\"model\": \"main.bad.m\", \"version\": 1.5, \"environment\": \"prod\", \"requestedBy\": \"x\"}", "version" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"requestedBy\": \"x\"}", "environment" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"environment\": \"Prod Env\", \"requestedBy\": \"x\"}", "environment" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"environment\": \"prod\"}", "requestedBy" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"  \"}", "requestedBy" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"x\", \"riskTier\": \"extreme\"}", "riskTier" },
        { "{\"model\": \"main.bad.m\", \"version\": 2, \"environment\": \"prod\", \"requestedBy\": \"x\", \"evidenceRefs\": \"run:1\"}", "evidenceRefs" },
    };

    [Theory]
    [MemberData(nameof(BadStartBodies))]
    public async Task StartRelease_BadBody_Returns400NamingTheFieldAndWritesNothing(string body, string field)
    {
        var before = await fixture.CountStoredAsync("release:main.bad.");

        using var response = await Api.PostAsync("api/releases", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names '{field}': {problem}");
        Assert.Equal(before, await fixture.CountStoredAsync("release:main.bad."));
    }

    [Fact]
    public async Task StartRelease_BodyOver256KiB_Returns413AndWritesNothing()
    {
        var before = await fixture.CountStoredAsync("release:main.bad.");
        var huge = new string('x', 300 * 1024);
        using var response = await Api.PostAsync(
            "api/releases",
            new StringContent($"{{\"model\":\"main.bad.huge\",\"version\":2,\"environment\":\"prod\",\"requestedBy\":\"{huge}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await fixture.CountStoredAsync("release:main.bad."));
    }

    [Fact]
    public async Task StartRelease_ChunkedBodyOver256KiB_Returns413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"requestedBy\":\"" + new string('y', 400 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/releases") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "api/releases/release:main.nobody.here:1:prod", null)]
    [InlineData("GET", "api/releases/not-a-release-id", null)]
    [InlineData("POST", "api/releases/release:main.nobody.here:1:prod/decisions", "{\"decision\":\"reject\",\"approver\":\"a@b.c\"}")]
    [InlineData("POST", "api/releases/release:main.nobody.here:1:prod/cancel", "{\"reason\":\"stop\",\"requestedBy\":\"ops@contoso.example\"}")]
    public async Task UnknownRelease_Returns404ProblemAndWritesNothing(string method, string path, string? body)
    {
        var before = await fixture.CountStoredAsync("release:main.nobody.");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await fixture.CountStoredAsync("release:main.nobody."));
    }

    [Theory]
    [InlineData("{\"decision\":\"maybe\",\"approver\":\"a@b.c\"}", "decision")]
    [InlineData("{\"decision\":\"approve\"}", "approver")]
    [InlineData("{\"approver\":\"a@b.c\"}", "decision")]
    public async Task Decide_BadBody_Returns400NamingTheField(string body, string field)
    {
        using var response = await Api.PostAsync("api/releases/release:main.nobody.here:1:prod/decisions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names '{field}': {problem}");
    }

    [Fact]
    public async Task Decide_ReleaseAlreadyEnded_Returns409()
    {
        await fixture.SeedModelAsync("main.api.ended", "ended-prod", 1, 2);
        var accepted = await StartAsync(new { model = "main.api.ended", version = 2, environment = "prod", requestedBy = "job:train" });
        await Polling.UntilAsync(Api, accepted.Id, r => r.Progress?.Stage == ReleaseStage.AwaitingApproval, Patience, "it waits for approval");
        using (var reject = await Api.PostAsJsonAsync($"api/releases/{accepted.Id}/decisions", new { decision = "reject", approver = LocalHostFixture.Approver, rationale = "not this quarter" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, reject.StatusCode);
        }

        var done = await Polling.UntilAsync(Api, accepted.Id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Rejected, done.Outcome!.Stage);
        Assert.Contains("not this quarter", done.Outcome.Reason, StringComparison.Ordinal);

        using var late = await Api.PostAsJsonAsync($"api/releases/{accepted.Id}/decisions", new { decision = "reject", approver = "other@contoso.example" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        using var cancel = await Api.PostAsJsonAsync($"api/releases/{accepted.Id}/cancel", new { reason = "too late", requestedBy = LocalHostFixture.Operator });
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
    }

    [Fact]
    public async Task Cancel_WhileWaitingForApproval_EndsCancelledWithTrafficUntouched()
    {
        await fixture.SeedModelAsync("main.api.cancelled", "cancelled-prod", 1, 2);
        var accepted = await StartAsync(new { model = "main.api.cancelled", version = 2, environment = "prod", requestedBy = "job:train" });
        await Polling.UntilAsync(Api, accepted.Id, r => r.Progress?.Stage == ReleaseStage.AwaitingApproval, Patience, "it waits for approval");

        using var cancel = await Api.PostAsJsonAsync($"api/releases/{accepted.Id}/cancel", new { reason = "wrong training data", requestedBy = LocalHostFixture.Operator });
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var done = await Polling.UntilAsync(Api, accepted.Id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Cancelled, done.Outcome!.Stage);
        Assert.Contains(done.Evidence, e => e.Step == "oversight" && e.Decision == "stop" && e.Actor == LocalHostFixture.Operator);
        var endpoint = await fixture.Workspace.GetFromJsonAsync<JsonElement>("/api/2.0/serving-endpoints/cancelled-prod");
        Assert.Equal("1", endpoint.GetProperty("config").GetProperty("served_entities")[0].GetProperty("entity_version").GetString());
    }

    [Fact]
    public async Task ListReleases_ReturnsStartedReleasesNewestFirst()
    {
        await fixture.SeedModelAsync("main.api.listed", "listed-prod", 1, 2);
        var accepted = await StartAsync(new { model = "main.api.listed", version = 2, environment = "prod", requestedBy = "job:train" });

        var list = await Api.GetFromJsonAsync<ReleaseSummary[]>("api/releases?model=main.api.listed", ApiJson.Options);

        var summary = Assert.Single(list!);
        Assert.Equal(accepted.Id, summary.Id);
        Assert.Equal(2, summary.Version);
        await CancelAsync(accepted.Id);
    }

    private async Task<ReleaseAccepted> StartAsync(object body)
    {
        using var response = await Api.PostAsJsonAsync("api/releases", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        return (await response.Content.ReadFromJsonAsync<ReleaseAccepted>(ApiJson.Options))!;
    }

    private async Task CancelAsync(string id)
    {
        using var response = await Api.PostAsJsonAsync($"api/releases/{id}/cancel", new { reason = "test cleanup", requestedBy = LocalHostFixture.Operator });
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"cancel answered {response.StatusCode}");
    }
}
