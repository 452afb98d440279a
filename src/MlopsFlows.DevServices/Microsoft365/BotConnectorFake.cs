using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Microsoft365;

/// <summary>A card the bot posted (or last updated) in a 1:1 conversation.</summary>
/// <param name="MemberObjectId">The Entra object id of the one member the bot talks to there.</param>
public sealed record PostedActivity(string ConversationId, string ActivityId, string MemberObjectId, JsonObject Activity)
{
    /// <summary>The first adaptive card attachment's content.</summary>
    public JsonObject? Card =>
        Activity["attachments"] is JsonArray { Count: > 0 } attachments ? attachments[0]?["content"] as JsonObject : null;
}

/// <summary>
/// The state of a fake Bot Connector (the Bot Framework REST service a bot calls at its <c>serviceUrl</c>): 1:1
/// conversations created proactively, activities sent and updated, every call recorded. It can also play the Teams
/// client: <see cref="ClickAsync"/> delivers an <c>adaptiveCard/action</c> invoke to the bot's endpoint with a
/// connector token from <see cref="ConnectorTokenFactory"/>, as if the member had pressed a card button.
/// </summary>
/// <remarks>Shapes from the Bot Connector API reference: ConversationParameters, ConversationResourceResponse, Activity, ResourceResponse.</remarks>
public sealed class BotConnectorFake
{
    /// <summary>The audience of tokens a bot gets for the connector (scope <c>https://api.botframework.com/.default</c>).</summary>
    public const string Audience = "https://api.botframework.com";

    private readonly ConcurrentQueue<RecordedCall> calls = new();
    private readonly ConcurrentDictionary<string, string> conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Conversation, string Activity), JsonObject> activities = new();
    private readonly FakeTokenCheck tokens;
    private int sequence;

    /// <param name="issuer">When given, the bot's tokens must be signed by it for <see cref="Audience"/>; otherwise any bearer token passes.</param>
    public BotConnectorFake(DevelopmentTokenIssuer? issuer = null)
    {
        tokens = new FakeTokenCheck(issuer, Audience);
    }

    /// <summary>The service URL the bot calls, ending in '/', as Teams hands it out; set when the routes are served.</summary>
    public string ServiceUrl { get; set; } = "http://127.0.0.1/";

    /// <summary>Makes the connector's token for an invoke, given the service URL to sign in (the <c>serviceurl</c> claim).</summary>
    public Func<string, string>? ConnectorTokenFactory { get; set; }

    /// <summary>Answer the next calls with this status instead of serving them (null: serve).</summary>
    public int? FailWith { get; set; }

    public IReadOnlyList<RecordedCall> Calls => [.. calls];

    /// <summary>Every activity as it stands now (the last update wins).</summary>
    public IReadOnlyList<PostedActivity> Activities =>
        [.. activities.OrderBy(a => a.Key.Activity, StringComparer.Ordinal)
            .Select(a => new PostedActivity(a.Key.Conversation, a.Key.Activity, conversations[a.Key.Conversation], a.Value))];

    public void Map(IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix + "/v3/conversations");
        group.MapPost("/", (HttpRequest request) => ServeAsync(request, CreateConversation));
        group.MapPost("/{conversationId}/activities", (HttpRequest request, string conversationId) => ServeAsync(request, body => SendActivity(conversationId, body)));
        group.MapPut("/{conversationId}/activities/{activityId}", (HttpRequest request, string conversationId, string activityId) =>
            ServeAsync(request, body => UpdateActivity(conversationId, activityId, body)));
    }

    /// <summary>
    /// Presses a button of a posted card as its member would: an <c>invoke</c> named <c>adaptiveCard/action</c> whose
    /// <c>value.action</c> carries the verb and the button's data merged with the card's inputs.
    /// </summary>
    /// <param name="inputs">The card inputs, e.g. <c>rationale</c>.</param>
    /// <param name="connectorToken">The token to send; default one from <see cref="ConnectorTokenFactory"/> for <see cref="ServiceUrl"/>.</param>
    /// <param name="tamper">Changes the invoke before it is sent (a security test's forgery).</param>
    public async Task<HttpResponseMessage> ClickAsync(
        HttpClient http, Uri botEndpoint, PostedActivity card, string verb, IReadOnlyDictionary<string, string>? inputs = null,
        string? connectorToken = null, Action<JsonObject>? tamper = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(card);
        var action = FindAction(card.Card, verb) ?? throw new InvalidOperationException($"The card has no Action.Execute with verb '{verb}'.");
        var data = action["data"]?.DeepClone() as JsonObject ?? [];
        foreach (var (name, value) in inputs ?? new Dictionary<string, string>())
        {
            data[name] = value;
        }

        var invoke = new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = "f:" + Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = ServiceUrl,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["from"] = new JsonObject { ["id"] = "29:" + card.MemberObjectId, ["aadObjectId"] = card.MemberObjectId },
            ["recipient"] = card.Activity["from"]?.DeepClone(),
            ["conversation"] = new JsonObject { ["id"] = card.ConversationId, ["conversationType"] = "personal" },
            ["replyToId"] = card.ActivityId,
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data },
                ["trigger"] = "manual",
            },
        };
        tamper?.Invoke(invoke);
        return await SendInvokeAsync(http, botEndpoint, invoke, connectorToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delivers an activity exactly as given (a replay test sends the same one twice).</summary>
    public async Task<HttpResponseMessage> SendInvokeAsync(HttpClient http, Uri botEndpoint, JsonObject invoke, string? connectorToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(invoke);
        connectorToken ??= ConnectorTokenFactory?.Invoke(ServiceUrl) ?? throw new InvalidOperationException("No connector token: set ConnectorTokenFactory or pass one.");
        using var request = new HttpRequestMessage(HttpMethod.Post, botEndpoint)
        {
            Content = new StringContent(invoke.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connectorToken);
        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject? FindAction(JsonNode? node, string verb) => node switch
    {
        JsonObject o when (string?)o["type"] == "Action.Execute" && (string?)o["verb"] == verb => o,
        JsonObject o => o.Select(p => FindAction(p.Value, verb)).FirstOrDefault(a => a is not null),
        JsonArray a => a.Select(n => FindAction(n, verb)).FirstOrDefault(x => x is not null),
        _ => null,
    };

    private async Task<IResult> ServeAsync(HttpRequest request, Func<JsonObject, (int Status, object? Body)> serve)
    {
        var authorization = request.Headers.Authorization.ToString();
        JsonNode? body = null;
        try
        {
            body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // Recorded as no body; answered 400 below.
        }

        (int Status, object? Body) answer;
        if (FailWith is { } failure)
        {
            answer = (failure, Error("ServiceError", "Injected failure."));
        }
        else if (await tokens.RefusalAsync(authorization.Length == 0 ? null : authorization).ConfigureAwait(false) is { } refusal)
        {
            answer = (StatusCodes.Status401Unauthorized, Error("Unauthorized", refusal));
        }
        else if (body is not JsonObject json)
        {
            answer = (StatusCodes.Status400BadRequest, Error("BadSyntax", "The body must be a JSON object."));
        }
        else
        {
            answer = serve(json);
        }

        calls.Enqueue(new RecordedCall(request.Method, request.Path.Value ?? string.Empty, authorization.Length == 0 ? null : authorization, body, answer.Status));
        return Results.Json(answer.Body, statusCode: answer.Status);
    }

    private (int, object?) CreateConversation(JsonObject body)
    {
        var member = body["members"] is JsonArray { Count: 1 } members ? members[0] as JsonObject : null;
        var memberId = (string?)member?["aadObjectId"] ?? (string?)member?["id"];
        if (memberId is null || body["bot"]?["id"] is null || (bool?)body["isGroup"] != false || string.IsNullOrEmpty((string?)body["tenantId"]))
        {
            return (StatusCodes.Status400BadRequest, Error("BadArgument", "A 1:1 conversation needs bot.id, one member (id or aadObjectId), isGroup false and tenantId."));
        }

        // Teams returns the same personal conversation for the same bot and member.
        var conversationId = conversations.FirstOrDefault(c => c.Value == memberId).Key
            ?? string.Create(CultureInfo.InvariantCulture, $"a:1-{memberId}-{Interlocked.Increment(ref sequence)}");
        conversations[conversationId] = memberId;
        return (StatusCodes.Status201Created, new { id = conversationId, serviceUrl = ServiceUrl });
    }

    private (int, object?) SendActivity(string conversationId, JsonObject body)
    {
        if (!conversations.ContainsKey(conversationId))
        {
            return (StatusCodes.Status404NotFound, Error("ConversationNotFound", $"No conversation '{conversationId}'."));
        }

        var activityId = string.Create(CultureInfo.InvariantCulture, $"1{Interlocked.Increment(ref sequence):D12}");
        activities[(conversationId, activityId)] = body;
        return (StatusCodes.Status201Created, new { id = activityId });
    }

    private (int, object?) UpdateActivity(string conversationId, string activityId, JsonObject body)
    {
        if (!activities.ContainsKey((conversationId, activityId)))
        {
            return (StatusCodes.Status404NotFound, Error("ActivityNotFound", $"No activity '{activityId}' in '{conversationId}'."));
        }

        activities[(conversationId, activityId)] = body;
        return (StatusCodes.Status200OK, new { id = activityId });
    }

    private static object Error(string code, string message) => new { error = new { code, message } };
}
