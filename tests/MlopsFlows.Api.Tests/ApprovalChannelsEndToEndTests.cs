using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Releases;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Local;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// Releases approved where approvers work, on the local host: the bot posts a Teams card and the service mailbox sends
/// an actionable mail (both through the simulated Microsoft 365), the approver presses Approve, the connector's or
/// Outlook's token is validated, and the vote is counted as verified with the channel it came from.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ApprovalChannelsEndToEndTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task Release_ApprovedOnTheTeamsCard_IsPromotedWithAVerifiedTeamsVoteAndEveryCardRefreshed()
    {
        await fixture.SeedModelAsync("main.channels.teams", "channels-teams-prod", 1, 2);
        var id = await StartAsync("main.channels.teams");
        using var people = new HttpClient();
        var approvers = new SimulatedApprovers(fixture.Host, people);

        PostedActivity? card = null;
        await Eventually.UntilAsync(() => Task.FromResult((card = approvers.TeamsCard(id, LocalHostFixture.Approver)) is not null), Patience, "the Teams card reaches the approver");
        using var pressed = await approvers.AnswerInTeamsAsync(card!, approve: true, "metrics and fairness reviewed", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var done = await Polling.UntilAsync(Api, id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Promoted, done.Outcome!.Stage);
        var vote = await VoteAsync(id, done);
        Assert.Equal(("counted", "teams", true), (vote.Decision, vote.Channel, vote.Verified));
        Assert.Equal("00000000-0000-4000-8000-0000000000a1", vote.ObjectId);

        // After the decision every copy of the card shows the outcome and offers no buttons.
        var copies = fixture.Host.Microsoft365!.Services.BotConnector.Activities.Where(a => a.Card?.ToJsonString().Contains(id, StringComparison.Ordinal) == true).ToArray();
        Assert.NotEmpty(copies);
        Assert.All(copies, copy => Assert.DoesNotContain("Action.Execute", copy.Card!.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_ApprovedInTheOutlookCard_IsPromotedWithAVerifiedEmailVote()
    {
        await fixture.SeedModelAsync("main.channels.email", "channels-email-prod", 1, 2);
        var id = await StartAsync("main.channels.email");
        using var people = new HttpClient();
        var approvers = new SimulatedApprovers(fixture.Host, people);

        SentMail? mail = null;
        await Eventually.UntilAsync(() => Task.FromResult((mail = approvers.Mail(id, LocalHostFixture.Approver)) is not null), Patience, "the approval mail arrives");
        Assert.Contains("/api/approve/", mail!.FallbackLink, StringComparison.Ordinal);
        using var pressed = await approvers.AnswerByEmailAsync(mail, LocalHostFixture.Approver, approve: true, "reviewed in Outlook", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var done = await Polling.UntilAsync(Api, id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Promoted, done.Outcome!.Stage);
        var vote = await VoteAsync(id, done);
        Assert.Equal(("counted", "email", true), (vote.Decision, vote.Channel, vote.Verified));
    }

    [Fact]
    public async Task Release_RequesterPressesApproveOnTheirOwnCard_IsRefusedAndAudited()
    {
        await fixture.SeedModelAsync("main.channels.self", "channels-self-prod", 1, 2);
        // The approver starts the release themselves (their token, their name), then tries to approve it in Teams.
        using var requester = SignedInClient.Create(fixture.Host.ApiBaseUrl, LocalHostFixture.Approver);
        using (var started = await requester.PostAsJsonAsync("api/releases", new { model = "main.channels.self", version = 2, environment = "prod", requestedBy = LocalHostFixture.Approver }))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        const string id = "release:main.channels.self:2:prod";
        using var people = new HttpClient();
        var approvers = new SimulatedApprovers(fixture.Host, people);
        PostedActivity? card = null;
        await Eventually.UntilAsync(() => Task.FromResult((card = approvers.TeamsCard(id, LocalHostFixture.Approver)) is not null), Patience, "the Teams card arrives");
        using (var pressed = await approvers.AnswerInTeamsAsync(card!, approve: true, "my own model is fine", CancellationToken.None))
        {
            Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        }

        var refused = await Polling.UntilAsync(Api, id, r => r.Evidence.Any(e => e.Step == "vote"), Patience, "the vote is recorded");
        Assert.Equal("selfapproval", refused.Evidence.Single(e => e.Step == "vote").Decision);
        Assert.Null(refused.Outcome);

        using var cancel = await Api.PostAsJsonAsync($"api/releases/{id}/cancel", new { requestedBy = LocalHostFixture.Operator, rationale = "test over" });
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        await Polling.UntilAsync(Api, id, r => r.Outcome is not null, Patience, "it is cancelled");
    }

    private async Task<string> StartAsync(string model)
    {
        using var response = await Api.PostAsJsonAsync("api/releases", new { model, version = 2, environment = "prod", requestedBy = "job:train" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReleaseAccepted>(ApiJson.Options))!.Id;
    }

    // The vote as stored in the evidence chain: what the auditor reads.
    private async Task<(string Decision, string? Channel, bool Verified, string? ObjectId)> VoteAsync(string id, ReleaseDetail done)
    {
        var store = fixture.Host.App.Services.GetRequiredService<IEvidenceStore>();
        var chain = await store.ReadChainAsync(id, done.RunId!, CancellationToken.None);
        var record = chain.Select(r => JsonDocument.Parse(r.Content).RootElement).Single(r => r.GetProperty("step").GetString() == "vote");
        var vote = record.GetProperty("data").GetProperty("vote");
        return (
            record.GetProperty("decision").GetString()!,
            vote.GetProperty("channel").GetString(),
            vote.GetProperty("identityVerified").GetBoolean(),
            vote.GetProperty("objectId").GetString());
    }
}
