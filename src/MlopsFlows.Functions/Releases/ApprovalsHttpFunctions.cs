using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Approvals;

namespace MlopsFlows.Functions.Releases;

/// <summary>
/// The approval doors as HTTP triggers, each handing the request to the shared handler in <see cref="MlopsFlows.Api.Approvals"/>.
/// Anonymous at the Functions level: each door checks its own token (Bot Connector, actionable message, Entra or the App
/// Service principal), which a function key could not replace. Under the host's <c>api/</c> prefix the paths equal
/// the local host's.
/// </summary>
public static class ApprovalsHttpFunctions
{
    [Function(nameof(BotMessages))]
    public static Task<IResult> BotMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bot/messages")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        BotMessagesApi.HandleAsync(request, client);

    [Function(nameof(ActionableMessageAction))]
    public static Task<IResult> ActionableMessageAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/actionable")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ActionableMessagesApi.HandleAsync(request, client);

    [Function(nameof(ApprovalPage))]
    public static Task<IResult> ApprovalPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approve/{releaseId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string releaseId) =>
        Api.Approvals.ApprovalPage.GetAsync(request, client, releaseId);

    [Function(nameof(ApprovalPageDecision))]
    public static Task<IResult> ApprovalPageDecision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approve/{releaseId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string releaseId) =>
        Api.Approvals.ApprovalPage.PostAsync(request, client, releaseId);
}
