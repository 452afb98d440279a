using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlopsFlows.Api.Approvals;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.DevServices.Microsoft365;

namespace MlopsFlows.Api.Tests.Approvals;

/// <summary>
/// The approval doors with real signed tokens: a good token submits a verified decision naming the token's person;
/// every forged, misdirected, expired or replayed proof is refused with 401 or 403 and nothing reaches the workflow.
/// </summary>
public sealed class ApprovalEndpointsTests(ApprovalEndpointsHost host) : IClassFixture<ApprovalEndpointsHost>
{
    private BotConnectorFake Teams => host.Fakes.BotConnector;

    public static TheoryData<string> BadTokens => ["bad signature", "wrong audience", "wrong issuer", "expired", "missing"];

    [Fact]
    public async Task BotInvoke_ApproverClicksApprove_SubmitsVerifiedTeamsDecisionAndAnswersCard()
    {
        var before = host.Client.Raised.Count;

        using var response = await Teams.ClickAsync(host.Http, host.BotEndpoint, Card(), "approve", Rationale("metrics hold"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(200, answer.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.card.adaptive", answer.GetProperty("type").GetString());
        Assert.Equal("Your approval was recorded", answer.GetProperty("value").GetProperty("body")[0].GetProperty("text").GetString());
        var decision = Assert.Single(host.Client.Raised.Skip(before)).Decision!;
        Assert.True(decision.Approved);
        Assert.Equal(ApprovalEndpointsHost.ApproverUpn, decision.Approver);
        Assert.Equal(ApprovalEndpointsHost.ApproverObjectId, decision.ObjectId);
        Assert.Equal("teams", decision.Channel);
        Assert.True(decision.IdentityVerified);
        Assert.Equal("metrics hold", decision.Rationale);
        Assert.Equal(ApprovalEndpointsHost.Digest, decision.EvidenceDigest);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BotInvoke_BadConnectorToken_Returns401AndSubmitsNothing(string flaw)
    {
        var before = host.Client.Raised.Count;
        var token = flaw == "missing" ? string.Empty : host.BotToken(Teams.ServiceUrl, Flaw(flaw));

        using var response = flaw == "missing"
            ? await host.Http.PostAsync(host.BotEndpoint, new StringContent("{}", Encoding.UTF8, "application/json"))
            : await Teams.ClickAsync(host.Http, host.BotEndpoint, Card(), "approve", connectorToken: token);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, before);
    }

    [Fact]
    public async Task BotInvoke_ServiceUrlDiffersFromToken_Returns403AndSubmitsNothing()
    {
        var before = host.Client.Raised.Count;

        using var response = await Teams.ClickAsync(
            host.Http, host.BotEndpoint, Card(), "reject", tamper: invoke => invoke["serviceUrl"] = "https://attacker.example/");

        var problem = await AssertRefusedAsync(response, HttpStatusCode.Forbidden, before);
        Assert.Contains("serviceUrl", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotInvoke_SameActivityTwice_SecondReturns403()
    {
        var card = Card();
        JsonObject? sent = null;
        using (var first = await Teams.ClickAsync(host.Http, host.BotEndpoint, card, "reject", tamper: invoke => sent = (JsonObject)invoke.DeepClone()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = host.Client.Raised.Count;
        using var replay = await Teams.SendInvokeAsync(host.Http, host.BotEndpoint, sent!);

        var problem = await AssertRefusedAsync(replay, HttpStatusCode.Forbidden, before);
        Assert.Contains("already received", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotInvoke_ReleaseNotWaiting_AnswersRefusalCardAndSubmitsNothing()
    {
        var before = host.Client.Raised.Count;

        using var response = await Teams.ClickAsync(
            host.Http, host.BotEndpoint, Card(), "approve", tamper: invoke => invoke["value"]!["action"]!["data"]!["releaseId"] = ApprovalEndpointsHost.EndedRelease);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
        Assert.Equal("Your vote was not recorded", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Contains("not waiting", card.GetProperty("body")[2].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, host.Client.Raised.Count);
    }

    [Fact]
    public async Task Actionable_ValidToken_SubmitsEmailDecisionAndRefreshesCard()
    {
        var before = host.Client.Raised.Count;

        using var response = await PostActionableAsync(host.ActionableToken(), "approve");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", Assert.Single(response.Headers.GetValues(ActionableMessagesApi.CardUpdateHeader)));
        var card = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("originator-for-tests", card.GetProperty("originator").GetString());
        Assert.Equal("Your approval was recorded", card.GetProperty("body")[0].GetProperty("text").GetString());
        var decision = Assert.Single(host.Client.Raised.Skip(before)).Decision!;
        Assert.Equal(("email", true, ApprovalEndpointsHost.ApproverUpn, ApprovalEndpointsHost.ApproverObjectId), (decision.Channel, decision.IdentityVerified, decision.Approver, decision.ObjectId));
        Assert.Equal("ship it", decision.Rationale);
    }

    [Fact]
    public async Task Actionable_TokenUsedTwice_SecondIsRefusedAndSubmitsNothing()
    {
        var token = host.ActionableToken();
        using (var first = await PostActionableAsync(token, "reject"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = host.Client.Raised.Count;
        using var replay = await PostActionableAsync(token, "approve");

        var problem = await AssertRefusedAsync(replay, HttpStatusCode.Unauthorized, before);
        Assert.Contains("replayed", problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Actionable_BadToken_Returns401AndSubmitsNothing(string flaw)
    {
        var before = host.Client.Raised.Count;

        using var response = await PostActionableAsync(flaw == "missing" ? null : host.ActionableToken(Flaw(flaw)), "approve");

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, before);
    }

    [Fact]
    public async Task Actionable_TokenOfAnotherSender_Returns401()
    {
        var before = host.Client.Raised.Count;

        using var response = await PostActionableAsync(
            host.ActionableToken(r => r with { Claims = new Dictionary<string, object> { ["sender"] = "phish@attacker.example" } }), "approve");

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, before);
    }

    [Fact]
    public async Task Decide_BodyNamesAnotherApprover_Returns403AndSubmitsNothing()
    {
        var before = host.Client.Raised.Count;

        using var response = await PostDecisionAsync(host.ApiToken(), "someone.else@contoso.test");

        var problem = await AssertRefusedAsync(response, HttpStatusCode.Forbidden, before);
        Assert.Contains("someone.else@contoso.test", problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Decide_BadApiToken_Returns401AndSubmitsNothing(string flaw)
    {
        var before = host.Client.Raised.Count;

        using var response = await PostDecisionAsync(flaw == "missing" ? null : host.ApiToken(Flaw(flaw)), ApprovalEndpointsHost.ApproverUpn);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, before);
    }

    [Fact]
    public async Task Decide_ValidApiToken_SubmitsVerifiedDecisionOfTheTokensPerson()
    {
        var before = host.Client.Raised.Count;

        using var response = await PostDecisionAsync(host.ApiToken(), ApprovalEndpointsHost.ApproverUpn.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var decision = Assert.Single(host.Client.Raised.Skip(before)).Decision!;
        Assert.Equal(("http", true, ApprovalEndpointsHost.ApproverUpn, ApprovalEndpointsHost.ApproverObjectId), (decision.Channel, decision.IdentityVerified, decision.Approver, decision.ObjectId));
    }

    [Fact]
    public async Task ApprovalPage_Get_ShowsReleaseGatesDigestAndFormWithoutScripts()
    {
        using var response = await host.Http.GetAsync(ApprovalPage.PathFor(ApprovalEndpointsHost.WaitingRelease));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(ApprovalEndpointsHost.Digest, html, StringComparison.Ordinal);
        Assert.Contains("main.approvals.scorer version 3", html, StringComparison.Ordinal);
        Assert.Contains("gates &lt;passed&gt;", html, StringComparison.Ordinal);
        Assert.Contains("value=\"approve\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ApprovalPage_PostWithApiToken_SubmitsWebDecision()
    {
        var before = host.Client.Raised.Count;

        using var response = await PostPageAsync(host.ApiToken(), origin: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var decision = Assert.Single(host.Client.Raised.Skip(before)).Decision!;
        Assert.Equal(("web", true, ApprovalEndpointsHost.ApproverUpn, false), (decision.Channel, decision.IdentityVerified, decision.Approver, decision.Approved));
        Assert.Equal("not yet", decision.Rationale);
    }

    [Theory]
    [InlineData("token", "https://attacker.example", HttpStatusCode.Forbidden)]
    [InlineData(null, null, HttpStatusCode.Unauthorized)]
    public async Task ApprovalPage_PostCrossSiteOrWithoutProof_IsRefused(string? token, string? origin, HttpStatusCode expected)
    {
        var before = host.Client.Raised.Count;

        using var response = await PostPageAsync(token is null ? null : host.ApiToken(), origin);

        await AssertRefusedAsync(response, expected, before);
    }

    private static PostedActivity Card()
    {
        // A card as the notifier posts it, held by the fake connector's member (the approver).
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["actions"] = new JsonArray("approve", "reject")
                .Select(verb => (JsonNode)new JsonObject
                {
                    ["type"] = "Action.Execute",
                    ["verb"] = (string)verb!,
                    ["data"] = new JsonObject
                    {
                        ["releaseId"] = ApprovalEndpointsHost.WaitingRelease,
                        ["evidenceDigest"] = ApprovalEndpointsHost.Digest,
                        ["notificationId"] = "request-0",
                    },
                })
                .Aggregate(new JsonArray(), (all, action) => { all.Add(action); return all; }),
        };
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["from"] = new JsonObject { ["id"] = "28:" + ApprovalEndpointsHost.BotAppId },
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card } },
        };
        return new PostedActivity("a:1-test", "1000", ApprovalEndpointsHost.ApproverObjectId, activity);
    }

    private static Dictionary<string, string> Rationale(string text) => new() { ["rationale"] = text };

    private static Func<DevelopmentTokenRequest, DevelopmentTokenRequest> Flaw(string flaw) => flaw switch
    {
        "bad signature" => r => r with { SignWithForeignKey = true },
        "wrong audience" => r => r with { Audience = "api://somebody-else" },
        "wrong issuer" => r => r with { Issuer = "https://login.attacker.example/v2.0" },
        "expired" => r => r with { NotBefore = DateTimeOffset.UtcNow.AddHours(-3), Lifetime = TimeSpan.FromHours(1) },
        _ => r => r,
    };

    private Task<HttpResponseMessage> PostActionableAsync(string? token, string verb) =>
        SendAsync(HttpMethod.Post, ActionableMessagesApi.Route, token, JsonContent.Create(new
        {
            releaseId = ApprovalEndpointsHost.WaitingRelease,
            evidenceDigest = ApprovalEndpointsHost.Digest,
            verb,
            rationale = "ship it",
        }));

    private Task<HttpResponseMessage> PostDecisionAsync(string? token, string approver) =>
        SendAsync(HttpMethod.Post, $"/api/releases/{ApprovalEndpointsHost.WaitingRelease}/decisions", token, JsonContent.Create(new
        {
            decision = "approve",
            approver,
            evidenceDigest = ApprovalEndpointsHost.Digest,
        }));

    private Task<HttpResponseMessage> PostPageAsync(string? token, string? origin)
    {
        var form = new FormUrlEncodedContent(
        [
            KeyValuePair.Create("decision", "reject"),
            KeyValuePair.Create("evidenceDigest", ApprovalEndpointsHost.Digest),
            KeyValuePair.Create("rationale", "not yet"),
        ]);
        return SendAsync(HttpMethod.Post, ApprovalPage.PathFor(ApprovalEndpointsHost.WaitingRelease), token, form, origin);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent content, string? origin = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await host.Http.SendAsync(request);
    }

    /// <summary>Asserts the refusal and that nothing was raised since <paramref name="before"/>; returns the problem's detail.</summary>
    private async Task<string> AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode expected, int before)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.Equal(before, host.Client.Raised.Count);
        return detail;
    }
}
