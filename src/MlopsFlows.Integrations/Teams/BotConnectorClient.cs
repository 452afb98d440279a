using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Teams;

/// <summary>
/// The three Bot Connector REST calls the approval bot makes, with the bot's client-credentials token: create a 1:1
/// conversation (<c>POST {serviceUrl}/v3/conversations</c>), send an activity to it
/// (<c>POST …/v3/conversations/{id}/activities</c>) and replace one (<c>PUT …/activities/{activityId}</c>).
/// 401/403/404 are permanent failures; 429 and 5xx transient ones (the activity running the notification retries).
/// </summary>
public sealed class BotConnectorClient(HttpClient http, IAccessTokenSource tokens)
{
    /// <summary>Opens (or finds: Teams keeps one per bot and person) the personal conversation with a person.</summary>
    public async Task<string> CreateConversationAsync(Uri serviceUrl, string botAppId, string tenantId, string memberObjectId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["bot"] = new JsonObject { ["id"] = "28:" + botAppId },
            ["members"] = new JsonArray { new JsonObject { ["id"] = "29:" + memberObjectId, ["aadObjectId"] = memberObjectId } },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
            ["tenantId"] = tenantId,
            ["isGroup"] = false,
        };
        var answer = await SendAsync(HttpMethod.Post, Address(serviceUrl, "v3/conversations"), body, cancellationToken).ConfigureAwait(false);
        return Id(answer, "conversation");
    }

    /// <summary>Posts an activity; returns its id.</summary>
    public async Task<string> SendActivityAsync(Uri serviceUrl, string conversationId, JsonObject activity, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(
            HttpMethod.Post, Address(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities"), activity, cancellationToken).ConfigureAwait(false);
        return Id(answer, "activity");
    }

    /// <summary>Replaces an activity posted earlier (a card shown everywhere it was sent).</summary>
    public async Task UpdateActivityAsync(Uri serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["id"] = activityId;
        await SendAsync(
            HttpMethod.Put,
            Address(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}"),
            activity,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A message activity carrying one adaptive card.</summary>
    public static JsonObject CardActivity(string botAppId, JsonObject card, string summary) => new()
    {
        ["type"] = "message",
        ["from"] = new JsonObject { ["id"] = "28:" + botAppId },
        ["summary"] = summary,
        ["attachments"] = new JsonArray
        {
            new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card },
        },
    };

    // The service URL comes from Teams (or configuration) with or without a trailing slash.
    private static Uri Address(Uri serviceUrl, string path) =>
        new(new Uri(serviceUrl.AbsoluteUri.EndsWith('/') ? serviceUrl.AbsoluteUri : serviceUrl.AbsoluteUri + "/"), path);

    private async Task<JsonElement> SendAsync(HttpMethod method, Uri address, JsonObject body, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(TeamsOptions.BotFrameworkScope, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, address) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = $"The Bot Connector answered {(int)response.StatusCode} to {method} {address.AbsolutePath}: {Shorten(text)}";
            var status = (int)response.StatusCode;
            throw status is 429 or >= 500 ? new TransientDependencyException(message) : new ApprovalChannelException(status, message);
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Id(JsonElement answer, string what) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } value
            ? value
            : throw new ApprovalChannelException(200, $"The Bot Connector created a {what} but answered no id.");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
