using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Webhooks;

namespace MlopsFlows.Functions.Releases;

/// <summary>The Databricks webhook as an HTTP trigger over the shared handler in <see cref="DatabricksWebhook"/>.</summary>
public static class DatabricksWebhookFunctions
{
    // Anonymous at the Functions level: the HMAC signature under the shared secret is what authenticates the sender,
    // and Databricks cannot add a function key to a registry webhook's URL without exposing it in the webhook's settings.
    [Function(nameof(DatabricksWebhook))]
    public static Task<IResult> DatabricksWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/databricks")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Api.Webhooks.DatabricksWebhook.ReceiveAsync(request, client);
}
