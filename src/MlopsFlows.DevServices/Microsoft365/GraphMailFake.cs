using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Microsoft365;

/// <summary>A mail the fake Graph accepted for sending.</summary>
public sealed record SentMail(string Mailbox, string Subject, IReadOnlyList<string> To, string ContentType, string Html)
{
    /// <summary>The actionable-message card embedded in the HTML (<c>&lt;script type="application/adaptivecard+json"&gt;</c>).</summary>
    public JsonObject? Card => GraphMailFake.ExtractCard(Html);

    /// <summary>The first link of the HTML fallback (the web approval page).</summary>
    public string? FallbackLink => GraphMailFake.ExtractFallbackLink(Html);
}

/// <summary>
/// The state of a fake Microsoft Graph <c>POST /v1.0/users/{id | userPrincipalName}/sendMail</c>: validates the
/// request's shape (message.subject, message.body.contentType/content, toRecipients[].emailAddress.address), answers
/// <c>202 Accepted</c> with no body as Graph does, and records every call and mail.
/// </summary>
public sealed partial class GraphMailFake
{
    /// <summary>The audience of tokens for Graph (scope <c>https://graph.microsoft.com/.default</c>).</summary>
    public const string Audience = "https://graph.microsoft.com";

    private readonly ConcurrentQueue<RecordedCall> calls = new();
    private readonly ConcurrentQueue<SentMail> mails = new();
    private readonly FakeTokenCheck tokens;

    /// <param name="issuer">When given, tokens must be signed by it for <see cref="Audience"/>; otherwise any bearer token passes.</param>
    public GraphMailFake(DevelopmentTokenIssuer? issuer = null)
    {
        tokens = new FakeTokenCheck(issuer, Audience);
    }

    /// <summary>Answer the next calls with this status instead of serving them (null: serve).</summary>
    public int? FailWith { get; set; }

    public IReadOnlyList<RecordedCall> Calls => [.. calls];

    public IReadOnlyList<SentMail> Mails => [.. mails];

    public void Map(IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(prefix + "/v1.0/users/{mailbox}/sendMail", async (HttpRequest request, string mailbox) =>
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

            var (status, error) = FailWith is { } failure
                ? (failure, "Injected failure.")
                : await tokens.RefusalAsync(authorization.Length == 0 ? null : authorization).ConfigureAwait(false) is { } refusal
                    ? (StatusCodes.Status401Unauthorized, refusal)
                    : Accept(mailbox, body);
            calls.Enqueue(new RecordedCall(request.Method, request.Path.Value ?? string.Empty, authorization.Length == 0 ? null : authorization, body, status));
            return error is null
                ? Results.StatusCode(status)
                : Results.Json(new { error = new { code = status == 401 ? "InvalidAuthenticationToken" : "ErrorInvalidRequest", message = error } }, statusCode: status);
        });
    }

    /// <summary>The JSON of the first <c>&lt;script type="application/adaptivecard+json"&gt;</c> in <paramref name="html"/>.</summary>
    public static JsonObject? ExtractCard(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = CardScript().Match(html);
        return match.Success ? JsonNode.Parse(match.Groups["json"].Value) as JsonObject : null;
    }

    /// <summary>The first <c>href</c> in the HTML outside the card, decoded.</summary>
    public static string? ExtractFallbackLink(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = Href().Match(CardScript().Replace(html, string.Empty));
        return match.Success ? WebUtility.HtmlDecode(match.Groups["href"].Value) : null;
    }

    private (int Status, string? Error) Accept(string mailbox, JsonNode? body)
    {
        var message = body?["message"] as JsonObject;
        var subject = (string?)message?["subject"];
        var contentType = (string?)message?["body"]?["contentType"];
        var content = (string?)message?["body"]?["content"];
        var to = (message?["toRecipients"] as JsonArray)?.Select(r => (string?)r?["emailAddress"]?["address"]).ToArray();
        if (string.IsNullOrEmpty(subject) || contentType is null || content is null || to is not { Length: > 0 } || to.Any(string.IsNullOrEmpty))
        {
            return (StatusCodes.Status400BadRequest, "message needs subject, body.contentType, body.content and toRecipients[].emailAddress.address.");
        }

        mails.Enqueue(new SentMail(Uri.UnescapeDataString(mailbox), subject, to!, contentType, content));
        return (StatusCodes.Status202Accepted, null);
    }

    [GeneratedRegex("<script\\s+type=\"application/adaptivecard\\+json\"\\s*>(?<json>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex CardScript();

    [GeneratedRegex("href=\"(?<href>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex Href();
}
