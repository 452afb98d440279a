using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Teams;

/// <summary>
/// Approval cards in Teams. A request, reminder, escalation or hold decision goes to each recipient in a personal
/// conversation the bot opens proactively, as an adaptive card (schema 1.5) with a rationale input and
/// <c>Action.Execute</c> approve / reject; each copy is remembered in <see cref="ApprovalDeliveries"/>. An outcome
/// replaces every copy of the release's cards with the outcome and who decided. A notification already delivered to
/// a person is not sent again, so a re-run activity posts nothing twice.
/// </summary>
public sealed class TeamsApprovalNotifier(
    BotConnectorClient connector, ApprovalDeliveries deliveries, IOptions<TeamsOptions> options, TimeProvider clock, ILogger<TeamsApprovalNotifier> logger)
    : IApprovalChannel
{
    public const string Channel = "teams";

    /// <summary>The card schema version Teams renders (Action.Execute needs 1.4 or later).</summary>
    public const string CardVersion = "1.5";

    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == ApprovalNotificationKind.Outcome ? RefreshAsync(request, cancellationToken) : AskAsync(request, cancellationToken);
    }

    /// <summary>The card of a decision request: approve / reject as <c>Action.Execute</c>, carrying what they decide on.</summary>
    public static JsonObject RequestCard(ApprovalRequest request) =>
        ApprovalCards.Decision(request, CardVersion, (verb, title) => new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = verb,
            ["style"] = verb == "approve" ? "positive" : "destructive",
            ["data"] = ApprovalCards.ActionData(request),
        });

    private async Task AskAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var card = RequestCard(request);
        foreach (var person in request.Recipients)
        {
            if (await deliveries.FindAsync(request.ReleaseId, Channel, request.NotificationId, person.ObjectId, cancellationToken).ConfigureAwait(false) is not null)
            {
                Log.CardAlreadySent(logger, request.NotificationId, person.Upn);
                continue;
            }

            var conversation = await connector.CreateConversationAsync(settings.ServiceUrl!, settings.BotAppId!, settings.TenantId!, person.ObjectId, cancellationToken)
                .ConfigureAwait(false);
            var activity = BotConnectorClient.CardActivity(settings.BotAppId!, (JsonObject)card.DeepClone(), $"{ApprovalCards.Title(request.Kind)}: {request.Model} v{request.Version}");
            var activityId = await connector.SendActivityAsync(settings.ServiceUrl!, conversation, activity, cancellationToken).ConfigureAwait(false);
            await deliveries.RecordAsync(
                new ApprovalDelivery(
                    request.ReleaseId, Channel, request.NotificationId, person.ObjectId, person.Upn, clock.GetUtcNow(), settings.ServiceUrl!.AbsoluteUri, conversation, activityId),
                cancellationToken).ConfigureAwait(false);
            Log.CardSent(logger, request.Kind, request.NotificationId, request.ReleaseId, person.Upn, activityId);
        }
    }

    private async Task RefreshAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var card = ApprovalCards.Outcome(request, CardVersion);
        var copies = await deliveries.ListAsync(request.ReleaseId, Channel, cancellationToken).ConfigureAwait(false);
        foreach (var copy in copies.Where(c => c.ConversationId is not null && c.ActivityId is not null))
        {
            // Replacing a card with the same outcome twice is harmless, so a re-run simply updates again.
            var activity = BotConnectorClient.CardActivity(settings.BotAppId!, (JsonObject)card.DeepClone(), $"Approval closed: {request.Model} v{request.Version}");
            await connector.UpdateActivityAsync(new Uri(copy.ServiceUrl ?? settings.ServiceUrl!.AbsoluteUri), copy.ConversationId!, copy.ActivityId!, activity, cancellationToken)
                .ConfigureAwait(false);
        }

        Log.CardsRefreshed(logger, request.ReleaseId, copies.Count, request.Summary.Count > 0 ? request.Summary[0] : "closed");
    }
}
