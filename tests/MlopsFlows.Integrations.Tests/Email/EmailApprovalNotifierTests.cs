using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Integrations.Email;
using MlopsFlows.Integrations.Tests.Teams;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Email;

/// <summary>The email notifier against the Graph sendMail fake (tokens from the development issuer) and Azurite.</summary>
public sealed class EmailApprovalNotifierTests(ApprovalChannelsSession session) : IClassFixture<ApprovalChannelsSession>
{
    private const string Mailbox = "mlopsflows@contoso.example";
    private const string Originator = "6bd1e9c4-7a0e-4f59-9a35-7d1e0c0b9f11";

    private GraphMailFake Graph => session.Fakes.Mail;

    [Fact]
    public async Task NotifyAsync_Request_SendsMailWithActionableCardAndFallbackLink()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        var before = Graph.Calls.Count;

        await Notifier().NotifyAsync(
            ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada), CancellationToken.None);

        var call = Assert.Single(Graph.Calls.Skip(before));
        Assert.Equal("POST", call.Method);
        Assert.Equal($"/graph/v1.0/users/{Mailbox}/sendMail", Uri.UnescapeDataString(call.Path));
        Assert.Equal(202, call.Status);
        Assert.StartsWith("Bearer ", call.Authorization, StringComparison.Ordinal);
        var message = call.Body!["message"]!;
        Assert.Equal("HTML", (string?)message["body"]!["contentType"]);
        Assert.Equal(ApprovalChannelsSession.Ada.Upn, (string?)message["toRecipients"]![0]!["emailAddress"]!["address"]);
        Assert.Contains("main.credit.scorer v7 to prod", (string?)message["subject"], StringComparison.Ordinal);

        var mail = Graph.Mails.Single(m => m.Html.Contains(releaseId, StringComparison.Ordinal));
        Assert.Equal(Mailbox, mail.Mailbox);
        var card = mail.Card!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal(Originator, (string?)card["originator"]);
        var actions = card["actions"]!.AsArray().Select(a => a!.AsObject()).ToArray();
        Assert.All(actions, a =>
        {
            Assert.Equal("Action.Http", (string?)a["type"]);
            Assert.Equal("POST", (string?)a["method"]);
            Assert.Equal("https://mlopsflows.contoso.example/api/approvals/actionable", (string?)a["url"]);
        });
        var approve = JsonDocument.Parse((string)actions[0]["body"]!).RootElement;
        Assert.Equal(releaseId, approve.GetProperty("releaseId").GetString());
        Assert.Equal(new string('a', 64), approve.GetProperty("evidenceDigest").GetString());
        Assert.Equal("approve", approve.GetProperty("verb").GetString());
        Assert.Equal("{{rationale.value}}", approve.GetProperty("rationale").GetString());
        Assert.Equal("reject", JsonDocument.Parse((string)actions[1]["body"]!).RootElement.GetProperty("verb").GetString());
        Assert.Equal($"https://mlopsflows.contoso.example/api/approve/{Uri.EscapeDataString(releaseId)}", mail.FallbackLink);
    }

    [Fact]
    public async Task NotifyAsync_SameNotificationTwice_SendsOneMail()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        var request = ApprovalChannelsSession.Request(ApprovalNotificationKind.Reminder, releaseId, "reminder", ApprovalChannelsSession.Grace);

        await Notifier().NotifyAsync(request, CancellationToken.None);
        await Notifier().NotifyAsync(request, CancellationToken.None);

        Assert.Single(Graph.Mails, m => m.Html.Contains(releaseId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotifyAsync_GraphRefuses_ThrowsWithoutRecordingTheDelivery()
    {
        var releaseId = ApprovalChannelsSession.NewReleaseId();
        Graph.FailWith = 403;
        try
        {
            var failure = await Assert.ThrowsAsync<MlopsFlows.Integrations.Approvals.ApprovalChannelException>(() => Notifier().NotifyAsync(
                ApprovalChannelsSession.Request(ApprovalNotificationKind.Request, releaseId, "request-0", ApprovalChannelsSession.Ada), CancellationToken.None));
            Assert.Equal(403, failure.StatusCode);
        }
        finally
        {
            Graph.FailWith = null;
        }

        Assert.Empty(await session.Deliveries().ListAsync(releaseId, EmailApprovalNotifier.Channel, CancellationToken.None));
    }

    private EmailApprovalNotifier Notifier() => new(
        session.Http,
        session.Tokens(),
        session.Deliveries(),
        ApprovalChannelsSession.Options(new EmailOptions
        {
            ServiceMailbox = Mailbox,
            GraphBaseUrl = new Uri(session.Fakes.GraphBaseUrl),
            PublicBaseUrl = new Uri("https://mlopsflows.contoso.example"),
            Originator = Originator,
        }),
        TimeProvider.System,
        NullLogger<EmailApprovalNotifier>.Instance);
}
