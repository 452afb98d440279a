using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Integrations.Teams;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Teams;

/// <summary>The Teams notifier against the Bot Connector fake (tokens from the development issuer) and Azurite.</summary>
public sealed class TeamsApprovalNotifierTests(ApprovalChannelsSession session) : IClassFixture<ApprovalChannelsSession>
{
    private BotConnectorFake Connector => session.Fakes.BotConnector;

    [Fact]
    public async Task NotifyAsync_Request_CreatesOneToOneConversationAndPostsCardPerRecipient()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        var before = Connector.Calls.Count;

        await Notifier().NotifyAsync(
            ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada, ApprovalChannelsSession.Grace),
            CancellationToken.None);

        var calls = Connector.Calls.Skip(before).ToArray();
        Assert.Equal(["POST /bot/v3/conversations", "POST /bot/v3/conversations/{id}/activities", "POST /bot/v3/conversations", "POST /bot/v3/conversations/{id}/activities"],
            calls.Select(c => $"{c.Method} {Shape(c.Path)}"));
        Assert.All(calls, c => Assert.True(c.Status is 200 or 201, $"{c.Method} {c.Path} answered {c.Status}"));
        Assert.All(calls, c => Assert.StartsWith("Bearer ", c.Authorization, StringComparison.Ordinal));

        var create = calls[0].Body!.AsObject();
        Assert.Equal("28:" + ApprovalChannelsSession.BotAppId, (string?)create["bot"]!["id"]);
        Assert.Equal(ApprovalChannelsSession.Ada.ObjectId, (string?)create["members"]!.AsArray().Single()!["aadObjectId"]);
        Assert.Equal(ApprovalChannelsSession.TenantId, (string?)create["tenantId"]);
        Assert.False((bool)create["isGroup"]!);

        var activity = calls[1].Body!.AsObject();
        Assert.Equal("message", (string?)activity["type"]);
        var attachment = activity["attachments"]!.AsArray().Single()!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!.AsObject();
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Contains(card["body"]!.AsArray(), e => (string?)e!["type"] == "Input.Text" && (string?)e["id"] == "rationale");
        var facts = card["body"]!.AsArray().Single(e => (string?)e!["type"] == "FactSet")!["facts"]!.AsArray();
        Assert.Contains(facts, f => (string?)f!["title"] == "Evidence digest" && (string?)f["value"] == new string('a', 64));
        Assert.Contains(facts, f => (string?)f!["title"] == "Decide before" && (string?)f["value"] == "2026-05-04 12:00 UTC");
        Assert.Contains(card["body"]!.AsArray(), e => ((string?)e!["text"])?.Contains("fairness passed", StringComparison.Ordinal) == true);

        var actions = card["actions"]!.AsArray().Select(a => a!.AsObject()).ToArray();
        Assert.Equal(["approve", "reject"], actions.Select(a => (string?)a["verb"]));
        Assert.All(actions, a => Assert.Equal("Action.Execute", (string?)a["type"]));
        Assert.All(actions, a => Assert.Equal(
            new JsonObject { ["releaseId"] = releaseId, ["evidenceDigest"] = new string('a', 64), ["notificationId"] = "request-0" }.ToJsonString(),
            a["data"]!.ToJsonString()));

        var copies = await session.Deliveries().ListAsync(releaseId, TeamsApprovalNotifier.Channel, CancellationToken.None);
        Assert.Equal(2, copies.Count);
        Assert.All(copies, c => Assert.Equal(session.Fakes.BotServiceUrl, c.ServiceUrl));
    }

    [Fact]
    public async Task NotifyAsync_SameNotificationTwice_PostsEachCardOnce()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        var request = ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada);
        var before = Connector.Calls.Count;

        await Notifier().NotifyAsync(request, CancellationToken.None);
        await Notifier().NotifyAsync(request, CancellationToken.None);

        Assert.Single(Connector.Calls.Skip(before), c => c.Path.EndsWith("/activities", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotifyAsync_Outcome_UpdatesEveryCopyToShowTheOutcomeAndWhoDecided()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        var notifier = Notifier();
        await notifier.NotifyAsync(
            ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada, ApprovalChannelsSession.Grace), CancellationToken.None);
        await notifier.NotifyAsync(
            ApprovalChannelsSession.Request(ApprovalNotificationKind.Reminder, releaseId, "reminder", ApprovalChannelsSession.Grace), CancellationToken.None);
        var copies = await session.Deliveries().ListAsync(releaseId, TeamsApprovalNotifier.Channel, CancellationToken.None);
        Assert.Equal(3, copies.Count);
        var before = Connector.Calls.Count;

        await notifier.NotifyAsync(
            ApprovalChannelsSession.Request(ApprovalNotificationKind.Outcome, releaseId, "outcome", ApprovalChannelsSession.Ada, ApprovalChannelsSession.Grace), CancellationToken.None);

        var updates = Connector.Calls.Skip(before).ToArray();
        Assert.Equal(3, updates.Length);
        Assert.All(updates, u => Assert.Equal("PUT", u.Method));
        Assert.Equal(
            copies.Select(c => $"/bot/v3/conversations/{c.ConversationId}/activities/{c.ActivityId}").Order(StringComparer.Ordinal),
            updates.Select(u => Uri.UnescapeDataString(u.Path)).Order(StringComparer.Ordinal));
        foreach (var copy in copies)
        {
            var shown = Connector.Activities.Single(a => a.ActivityId == copy.ActivityId).Card!;
            Assert.Equal("Approval closed: approved by risk@contoso.example", (string?)shown["body"]![0]!["text"]);
            Assert.Null(shown["actions"]);
        }
    }

    [Fact]
    public async Task NotifyAsync_ConnectorThrottles_ThrowsTransientAndRecordsNothing()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        Connector.FailWith = 429;
        try
        {
            await Assert.ThrowsAsync<TransientDependencyException>(() => Notifier().NotifyAsync(
                ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada), CancellationToken.None));
        }
        finally
        {
            Connector.FailWith = null;
        }

        Assert.Empty(await session.Deliveries().ListAsync(releaseId, TeamsApprovalNotifier.Channel, CancellationToken.None));
    }

    private TeamsApprovalNotifier Notifier() => new(
        new BotConnectorClient(session.Http, session.Tokens()),
        session.Deliveries(),
        ApprovalChannelsSession.Options(new TeamsOptions
        {
            BotAppId = ApprovalChannelsSession.BotAppId,
            TenantId = ApprovalChannelsSession.TenantId,
            ServiceUrl = new Uri(session.Fakes.BotServiceUrl),
        }),
        TimeProvider.System,
        NullLogger<TeamsApprovalNotifier>.Instance);

    // Conversation ids differ per run; the contract is the path's shape.
    private static string Shape(string path)
    {
        var parts = path.Split('/');
        return parts.Length > 4 ? string.Join('/', parts[..4]) + "/{id}/" + string.Join('/', parts[5..]) : path;
    }
}
