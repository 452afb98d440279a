using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// The Teams bot's messaging endpoint (<c>POST /api/bot/messages</c>): the Bot Connector delivers the approver's click
/// on an approval card as an <c>adaptiveCard/action</c> invoke. The connector's token is validated
/// (<see cref="TokenKind.BotConnector"/>) and must have been issued for the activity's <c>serviceUrl</c>; the approver is
/// the activity's <c>from.aadObjectId</c>, which Teams sets from the signed-in user, so the body cannot name anybody else.
/// </summary>
/// <remarks>
/// Refusals of the caller (no or bad token, wrong service URL, a replayed activity) are problem+json with 401 or 403:
/// the connector is the caller. Refusals of the vote (no such release, not waiting) are shown to the person on the
/// card the invoke response carries, with status 200, because Teams shows nothing else.
/// </remarks>
public static class BotMessagesApi
{
    public const string Route = "/api/bot/messages";

    public const string InvokeName = "adaptiveCard/action";

    public static async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var services = request.HttpContext.RequestServices;
        if (BearerToken.From(request) is not { } token)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", "The Bot Connector's bearer token is missing.");
        }

        var validator = services.GetService<ITokenValidator>();
        var verdict = validator is null
            ? TokenVerdict.Refused("no token validator is configured")
            : await validator.ValidateAsync(token, TokenKind.BotConnector, cancellationToken);
        if (verdict.Principal is not { } connector)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", $"The Bot Connector's token was refused: {verdict.Refusal}");
        }

        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var activity = BotActivity.Read(body);

        // The connector signs the service URL it calls from into its token; an activity naming another one was not sent by it.
        if (!connector.Claims.TryGetValue("serviceurl", out var signedServiceUrl) || !SameServiceUrl(signedServiceUrl, activity.ServiceUrl))
        {
            return Problems.Problem(
                StatusCodes.Status403Forbidden, "Forbidden.", $"The activity's serviceUrl '{activity.ServiceUrl}' is not the one the connector's token was issued for.");
        }

        if (activity.Type != "invoke" || activity.Name != InvokeName)
        {
            // Messages, conversation updates and other invokes need no answer from an approval bot.
            return TypedResults.Ok();
        }

        if (activity.Validate() is { } invalid)
        {
            return Problems.Validation("activity", invalid);
        }

        if (!services.GetRequiredService<ITokenReplayGuard>().TryUse(activity.Id!, ITokenReplayGuard.BotInvokeScope, connector.ExpiresAt))
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden.", $"Invoke activity '{activity.Id}' was already received: a replay is not a second vote.");
        }

        // Teams sets from.aadObjectId from the signed-in user; the directory supplies the UPN (the approval matches either).
        var person = await services.GetRequiredService<IApproverDirectory>().FindAsync(activity.FromObjectId, null, cancellationToken);
        var approver = person?.Upn ?? activity.FromObjectId!;
        var decision = new VerifiedDecision(
            activity.ReleaseId!, activity.Verb == "approve", approver, activity.FromObjectId, activity.Rationale, activity.EvidenceDigest, "teams", IdentityVerified: true);
        var submitted = await ApprovalDecisions.SubmitAsync(client, decision, services.GetRequiredService<TimeProvider>(), cancellationToken);
        var card = submitted.Status == SubmissionStatus.Submitted
            ? DecisionCards.Recorded(decision.ReleaseId, decision.Approve, approver, submitted.Detail)
            : DecisionCards.Refused(decision.ReleaseId, submitted.Detail);
        return TypedResults.Json(InvokeResponse(card), ApiJson.Options);
    }

    /// <summary>The body Teams expects back from an <c>adaptiveCard/action</c> invoke: the card that replaces the clicked one.</summary>
    public static JsonObject InvokeResponse(JsonObject card) => new()
    {
        ["statusCode"] = 200,
        ["type"] = DecisionCards.ContentType,
        ["value"] = card,
    };

    private static bool SameServiceUrl(string signed, string? sent) =>
        sent is not null && string.Equals(signed.TrimEnd('/'), sent.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The parts of a Bot Framework activity the approval bot reads.</summary>
    private sealed record BotActivity(
        string? Type, string? Name, string? Id, string? ServiceUrl, string? FromObjectId, string? Verb, string? ReleaseId, string? EvidenceDigest, string? Rationale)
    {
        public static BotActivity Read(JsonElement activity)
        {
            var data = Path(activity, "value", "action", "data");
            return new BotActivity(
                Text(activity, "type"),
                Text(activity, "name"),
                Text(activity, "id"),
                Text(activity, "serviceUrl"),
                Path(activity, "from") is { } from ? Text(from, "aadObjectId") : null,
                Path(activity, "value", "action") is { } action ? Text(action, "verb")?.ToLowerInvariant() : null,
                data is { } d ? Text(d, "releaseId") : null,
                data is { } d2 ? Text(d2, "evidenceDigest") : null,
                data is { } d3 ? Text(d3, "rationale") : null);
        }

        public string? Validate() =>
            string.IsNullOrWhiteSpace(Id) ? "The invoke has no activity id."
            : string.IsNullOrWhiteSpace(FromObjectId) ? "The invoke has no from.aadObjectId: only a signed-in Teams user can decide."
            : Verb is not ("approve" or "reject") ? "The card action's verb must be 'approve' or 'reject'."
            : string.IsNullOrWhiteSpace(ReleaseId) ? "The card action's data names no releaseId."
            : Rationale is { Length: > 4000 } ? "The rationale must be at most 4000 characters."
            : null;

        private static JsonElement? Path(JsonElement element, params string[] names)
        {
            foreach (var name in names)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.Object ? element : null;
        }

        private static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text.Trim() : null;
    }
}
