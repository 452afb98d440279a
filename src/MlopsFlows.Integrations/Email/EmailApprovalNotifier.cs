using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Email;

/// <summary>
/// Approval mail from the service mailbox through Graph <c>POST /v1.0/users/{mailbox}/sendMail</c>. The HTML body
/// embeds an actionable-message card (<c>&lt;script type="application/adaptivecard+json"&gt;</c>, the configured
/// originator, <c>Action.Http</c> POSTs to <c>{publicBaseUrl}/api/approvals/actionable</c>) and, for mail clients that
/// show no cards, a link to the web approval page. An outcome is a short mail without actions. A mail already sent
/// to a person for a notification is not sent again.
/// </summary>
public sealed class EmailApprovalNotifier(
    HttpClient http, IAccessTokenSource tokens, ApprovalDeliveries deliveries, IOptions<EmailOptions> options, TimeProvider clock, ILogger<EmailApprovalNotifier> logger)
    : IApprovalChannel
{
    public const string Channel = "email";

    /// <summary>Where actionable-message actions are posted, under the public base URL.</summary>
    public const string ActionPath = "/api/approvals/actionable";

    /// <summary>Outlook renders adaptive cards from 1.0; the card uses nothing newer.</summary>
    public const string CardVersion = "1.0";

    public async Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        foreach (var person in request.Recipients)
        {
            if (await deliveries.FindAsync(request.ReleaseId, Channel, request.NotificationId, person.ObjectId, cancellationToken).ConfigureAwait(false) is not null)
            {
                Log.MailAlreadySent(logger, request.NotificationId, person.Upn);
                continue;
            }

            await SendAsync(settings, Message(request, person.Upn, settings), cancellationToken).ConfigureAwait(false);
            await deliveries.RecordAsync(
                new ApprovalDelivery(request.ReleaseId, Channel, request.NotificationId, person.ObjectId, person.Upn, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            Log.MailSent(logger, request.Kind, request.NotificationId, request.ReleaseId, person.Upn, settings.ServiceMailbox!);
        }
    }

    /// <summary>The Graph <c>sendMail</c> body for one recipient.</summary>
    public static JsonObject Message(ApprovalRequest request, string recipient, EmailOptions settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var subject = string.Create(CultureInfo.InvariantCulture, $"{ApprovalCards.Title(request.Kind)}: {request.Model} v{request.Version} to {request.Environment}");
        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["subject"] = subject,
                ["body"] = new JsonObject { ["contentType"] = "HTML", ["content"] = Html(request, settings) },
                ["toRecipients"] = new JsonArray { new JsonObject { ["emailAddress"] = new JsonObject { ["address"] = recipient } } },
            },
            ["saveToSentItems"] = true,
        };
    }

    /// <summary>The actionable card: approve / reject as <c>Action.Http</c> POSTs of <c>{releaseId, evidenceDigest, verb, rationale}</c>.</summary>
    public static JsonObject Card(ApprovalRequest request, EmailOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var target = new Uri(settings.PublicBaseUrl!, ActionPath).AbsoluteUri;
        var card = request.Kind == ApprovalNotificationKind.Outcome
            ? ApprovalCards.Outcome(request, CardVersion)
            : ApprovalCards.Decision(request, CardVersion, (verb, title) => new JsonObject
            {
                ["type"] = "Action.Http",
                ["title"] = title,
                ["method"] = "POST",
                ["url"] = target,
                ["headers"] = new JsonArray { new JsonObject { ["name"] = "Content-Type", ["value"] = "application/json" } },
                ["body"] = ActionBody(request, verb),
            });
        card["originator"] = settings.Originator;
        card["hideOriginalBody"] = true;
        return card;
    }

    /// <summary>The web approval page, under <c>/api</c> on both hosts.</summary>
    public const string PagePath = "/api/approve/";

    public static string WebPage(ApprovalRequest request, EmailOptions settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        return new Uri(settings.PublicBaseUrl!, PagePath + Uri.EscapeDataString(request.ReleaseId)).AbsoluteUri;
    }

    // Outlook substitutes {{rationale.value}} with the input's text before posting the body.
    private static string ActionBody(ApprovalRequest request, string verb)
    {
        var fixedPart = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["releaseId"] = request.ReleaseId,
            ["evidenceDigest"] = request.EvidenceDigest,
            ["verb"] = verb,
        });
        return fixedPart[..^1] + ",\"rationale\":\"{{" + ApprovalCards.RationaleInput + ".value}}\"}";
    }

    private static string Html(ApprovalRequest request, EmailOptions settings)
    {
        // The card's JSON sits in a script element: "</" inside it would end the element early.
        var card = Card(request, settings).ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal);
        var html = new StringBuilder();
        html.Append("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">")
            .Append("<script type=\"application/adaptivecard+json\">").Append(card).Append("</script></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<p><strong>{WebUtility.HtmlEncode(ApprovalCards.Title(request.Kind))}</strong>: ")
            .Append(CultureInfo.InvariantCulture, $"{WebUtility.HtmlEncode(request.Model)} version {request.Version} to {WebUtility.HtmlEncode(request.Environment)}.</p><ul>");
        foreach (var line in request.Summary)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{WebUtility.HtmlEncode(line)}</li>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</ul><p>Evidence digest: <code>{WebUtility.HtmlEncode(request.EvidenceDigest)}</code></p>");
        if (request.Kind != ApprovalNotificationKind.Outcome)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Decide before {request.Deadline.UtcDateTime:yyyy-MM-dd HH:mm} UTC: ")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"{WebUtility.HtmlEncode(WebPage(request, settings))}\">open the approval page</a>.</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    private async Task SendAsync(EmailOptions settings, JsonObject message, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(EmailOptions.GraphScope, cancellationToken).ConfigureAwait(false);
        var address = new Uri(
            new Uri(settings.GraphBaseUrl.AbsoluteUri.TrimEnd('/') + "/"), $"v1.0/users/{Uri.EscapeDataString(settings.ServiceMailbox!)}/sendMail");
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = JsonContent.Create(message) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var detail = $"Graph answered {status} to sendMail from {settings.ServiceMailbox}: {(text.Length <= 300 ? text : text[..300] + "…")}";
            throw status is 429 or >= 500 ? new TransientDependencyException(detail) : new ApprovalChannelException(status, detail);
        }
    }
}
