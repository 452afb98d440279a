using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// Where Outlook posts an actionable-message card's <c>Action.Http</c> (<c>POST /api/approvals/actionable</c>). The
/// bearer token Outlook attaches is validated as <see cref="TokenKind.ActionableMessage"/> and accepted once; the
/// approver is the token's user (<c>oid</c>, <c>upn</c>), never the body. The answer carries a refreshed card
/// (<c>CARD-UPDATE-IN-BODY: true</c>) that replaces the one in the mail.
/// </summary>
public static class ActionableMessagesApi
{
    public const string Route = "/api/approvals/actionable";

    public const string CardUpdateHeader = "CARD-UPDATE-IN-BODY";

    public const string CardActionStatusHeader = "CARD-ACTION-STATUS";

    public static async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var services = request.HttpContext.RequestServices;
        if (BearerToken.From(request) is not { } token)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", "The actionable message's bearer token is missing.");
        }

        var validator = services.GetService<ITokenValidator>();
        var verdict = validator is null
            ? TokenVerdict.Refused("no token validator is configured")
            : await validator.ValidateAsync(token, TokenKind.ActionableMessage, cancellationToken);
        if (verdict.Principal is not { } principal)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", $"The actionable message's token was refused: {verdict.Refusal}");
        }

        if (principal.ObjectId is null && principal.Upn is null)
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden.", "The actionable message's token names no user (no oid or upn).");
        }

        var (action, problem) = await JsonBody.ReadValidatedAsync(request, ApprovalRequests.ParseCardAction);
        if (action is null)
        {
            return problem!;
        }

        var person = await services.GetRequiredService<IApproverDirectory>().FindAsync(principal.ObjectId, principal.Upn, cancellationToken);
        var approver = principal.Upn ?? person?.Upn ?? principal.ObjectId!;
        var decision = new VerifiedDecision(
            action.ReleaseId, action.Approve, approver, principal.ObjectId ?? person?.ObjectId, action.Rationale, action.EvidenceDigest, "email", IdentityVerified: true);
        var submitted = await ApprovalDecisions.SubmitAsync(client, decision, services.GetRequiredService<TimeProvider>(), cancellationToken);
        var originator = services.GetRequiredService<IOptions<ApprovalsOptions>>().Value.ActionableMessageOriginator;
        var card = submitted.Status == SubmissionStatus.Submitted
            ? DecisionCards.Recorded(decision.ReleaseId, decision.Approve, approver, submitted.Detail)
            : DecisionCards.Refused(decision.ReleaseId, submitted.Detail);
        if (originator is not null)
        {
            card["originator"] = originator;
        }

        var response = request.HttpContext.Response;
        response.Headers[CardUpdateHeader] = "true";
        response.Headers[CardActionStatusHeader] = submitted.Detail;
        return TypedResults.Json(card, ApiJson.Options, contentType: "application/json");
    }
}
