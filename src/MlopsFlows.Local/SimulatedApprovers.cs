using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MlopsFlows.DevServices.Microsoft365;

namespace MlopsFlows.Local;

/// <summary>
/// The approvers' side of a local host's simulated Microsoft 365: find the card a person received for a release and
/// press its button as Teams or Outlook would. The request then takes the production path: the bot endpoint validates
/// the connector's token, the actionable endpoint validates Outlook's single-use token, and the workflow counts the vote.
/// </summary>
public sealed class SimulatedApprovers(LocalHost host, HttpClient http)
{
    private SimulatedMicrosoft365 Microsoft365 => host.Microsoft365 ?? throw new InvalidOperationException("The host simulates no Microsoft 365 (start it with --simulator true).");

    /// <summary>The Teams card asking <paramref name="upn"/> to decide on the release, once the bot has posted it.</summary>
    public PostedActivity? TeamsCard(string releaseId, string upn)
    {
        var objectId = Microsoft365.ObjectIdOf(upn);
        return Microsoft365.Services.BotConnector.Activities.LastOrDefault(a =>
            a.MemberObjectId == objectId && ActionReleaseIds(a.Card, "Action.Execute").Contains(releaseId));
    }

    /// <summary>The approval mail to <paramref name="upn"/> for the release whose card still offers actions.</summary>
    public SentMail? Mail(string releaseId, string upn) =>
        Microsoft365.Services.Mail.Mails.LastOrDefault(m =>
            m.To.Contains(upn, StringComparer.OrdinalIgnoreCase) && ActionReleaseIds(m.Card, "Action.Http").Contains(releaseId));

    /// <summary>Presses Approve or Reject on the Teams card, typing <paramref name="rationale"/> into its input.</summary>
    public Task<HttpResponseMessage> AnswerInTeamsAsync(PostedActivity card, bool approve, string rationale, CancellationToken cancellationToken) =>
        Microsoft365.Services.BotConnector.ClickAsync(
            http,
            new Uri(host.ApiBaseUrl, "api/bot/messages"),
            card,
            approve ? "approve" : "reject",
            new Dictionary<string, string> { ["rationale"] = rationale },
            cancellationToken: cancellationToken);

    /// <summary>
    /// Presses Approve or Reject on the mail's card as Outlook does: the action's POST with its body template filled in
    /// and a fresh actionable-message token for the person.
    /// </summary>
    public async Task<HttpResponseMessage> AnswerByEmailAsync(SentMail mail, string upn, bool approve, string rationale, CancellationToken cancellationToken)
    {
        var verb = approve ? "approve" : "reject";
        var action = Actions(mail.Card, "Action.Http").FirstOrDefault(a => ((string?)a["body"] ?? string.Empty).Contains($"\"verb\":\"{verb}\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The mail's card has no {verb} action.");
        var body = ((string)action["body"]!).Replace("{{rationale.value}}", JsonEscaped(rationale), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, (string)action["url"]!)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Microsoft365.ActionableTokenFor(upn, host.ApiBaseUrl));
        return await http.SendAsync(request, cancellationToken);
    }

    private static string JsonEscaped(string text) => JsonValue.Create(text).ToJsonString()[1..^1];

    private static IEnumerable<string> ActionReleaseIds(JsonObject? card, string type) =>
        Actions(card, type).Select(a => type == "Action.Execute"
            ? (string?)a["data"]?["releaseId"]
            : JsonNode.Parse(((string?)a["body"] ?? "{}").Replace("{{rationale.value}}", string.Empty, StringComparison.Ordinal))?["releaseId"]?.GetValue<string>())
            .OfType<string>();

    private static IEnumerable<JsonObject> Actions(JsonNode? node, string type) => node switch
    {
        JsonObject o when (string?)o["type"] == type => [o],
        JsonObject o => o.SelectMany(p => Actions(p.Value, type)),
        JsonArray a => a.SelectMany(n => Actions(n, type)),
        _ => [],
    };
}
