using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// The web approval page (<c>GET /api/approve/{releaseId}</c>), the fallback link in every approval mail: the release, its
/// gates, the evidence digest and an approve/reject form, in one self-contained page (no scripts at all). The form
/// posts to <c>POST /api/approve/{releaseId}</c>, which takes the approver from proof only: an Entra bearer token, or the
/// App Service authentication principal where trusted (see <see cref="TokenDecisionAuthenticator"/>).
/// </summary>
public static class ApprovalPage
{
    /// <summary>Under <c>/api</c> like every other route, so the Functions app (route prefix <c>api</c>) serves the same path.</summary>
    public const string Route = "/api/approve";

    // Nothing but the page itself: no scripts, no frames, forms only back to us.
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string PathFor(string releaseId) => $"{Route}/{Uri.EscapeDataString(releaseId)}";

    public static async Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string releaseId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var release = await ApprovalDecisions.FindAsync(client, releaseId, request.HttpContext.RequestAborted);
        if (release is null)
        {
            return Page(request, StatusCodes.Status404NotFound, "No such release", $"<p>There is no release {Encode(releaseId)}.</p>");
        }

        var progress = release.Progress;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<dl><dt>Model</dt><dd>{Encode(release.Key.Model)} version {release.Key.Version}</dd>")
            .Append(CultureInfo.InvariantCulture, $"<dt>Environment</dt><dd>{Encode(release.Key.Environment)}</dd>")
            .Append(CultureInfo.InvariantCulture, $"<dt>Status</dt><dd>{Encode(release.RuntimeStatus)}, {Encode(progress?.Stage.ToString() ?? "not started")}</dd>")
            .Append(CultureInfo.InvariantCulture, $"<dt>Risk tier</dt><dd>{Encode(progress?.RiskTier ?? "-")}</dd>");
        if (progress?.WaitingUntil is { } until)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>Decide before</dt><dd>{until.UtcDateTime:yyyy-MM-dd HH:mm} UTC</dd>");
        }

        if (release.Approval is { } approval)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>Open seats</dt><dd>{Encode(string.Join(", ", approval.OutstandingRoles))}</dd>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<dt>Evidence digest</dt><dd><code>{Encode(release.EvidenceDigest ?? "-")}</code></dd></dl>");
        html.Append("<h2>Where it stands</h2><ul>");
        html.Append(CultureInfo.InvariantCulture, $"<li>{Encode(progress?.Message ?? "No progress reported yet.")}</li>");
        foreach (var step in progress?.History ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{step.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} {Encode(step.Stage.ToString())}: {Encode(step.Note)}</li>");
        }

        html.Append("</ul>");
        if (release.WaitsForDecision)
        {
            // No action: the form posts back to the page's own address, whatever prefix the host serves it under.
            html.Append("<form method=\"post\">")
                .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"evidenceDigest\" value=\"{Encode(release.EvidenceDigest ?? string.Empty)}\">")
                .Append("<p><label for=\"rationale\">Rationale</label><br><textarea id=\"rationale\" name=\"rationale\" rows=\"4\" cols=\"60\" maxlength=\"4000\"></textarea></p>")
                .Append("<p><button name=\"decision\" value=\"approve\">Approve</button> <button name=\"decision\" value=\"reject\">Reject</button></p></form>");
        }
        else
        {
            html.Append("<p>This release is not waiting for a decision.</p>");
        }

        return Page(request, StatusCodes.Status200OK, $"Release {release.Key.Model} v{release.Key.Version} to {release.Key.Environment}", html.ToString());
    }

    public static async Task<IResult> PostAsync(HttpRequest request, DurableTaskClient client, string releaseId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var services = request.HttpContext.RequestServices;

        // A signed-in browser sends its session with any form post, so only our own page may post here.
        if (CrossSite(request) is { } crossSite)
        {
            return Refuse(request, StatusCodes.Status403Forbidden, crossSite);
        }

        var identity = await services.GetRequiredService<IDecisionAuthenticator>().VerifyAsync(request, null, cancellationToken);
        if (identity.Identity is not { } proven)
        {
            return Refuse(request, identity.Status, identity.Refusal ?? "The approver's identity could not be verified.");
        }

        if (request.ContentLength > JsonBody.MaxBytes)
        {
            return Problems.TooLarge(JsonBody.MaxBytes);
        }

        if (!request.HasFormContentType)
        {
            return Problems.UnsupportedMediaType("Send the decision as a form (application/x-www-form-urlencoded).");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var (action, errors) = ApprovalRequests.ParseForm(releaseId, name => form.TryGetValue(name, out var value) ? value.ToString() : null);
        if (action is null)
        {
            return Problems.Validation(errors);
        }

        var decision = new VerifiedDecision(
            releaseId, action.Approve, proven.Approver, proven.ObjectId, action.Rationale, action.EvidenceDigest, "web", proven.Verified);
        var submitted = await ApprovalDecisions.SubmitAsync(client, decision, services.GetRequiredService<TimeProvider>(), cancellationToken);
        return submitted.Status switch
        {
            SubmissionStatus.Submitted => Page(request, StatusCodes.Status202Accepted, "Decision recorded", $"<p>{Encode(submitted.Detail)}</p><p>Decided by {Encode(proven.Approver)}.</p>"),
            SubmissionStatus.NotFound => Refuse(request, StatusCodes.Status404NotFound, submitted.Detail),
            _ => Refuse(request, StatusCodes.Status409Conflict, submitted.Detail),
        };
    }

    private static string? CrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"A decision can only be posted from this site's own page (Sec-Fetch-Site: {fetchSite}).";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && origin != "null" && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return $"A decision can only be posted from this site's own page, not from {origin}.";
        }

        return null;
    }

    // Browsers get a page, other callers problem+json.
    private static IResult Refuse(HttpRequest request, int status, string reason) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? Page(request, status, "Your decision was not recorded", $"<p>{Encode(reason)}</p>")
            : Problems.Problem(status, status switch { 401 => "Unauthorized.", 403 => "Forbidden.", 404 => "Not found.", _ => "Conflict." }, reason);

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Page(HttpRequest request, int status, string title, string body)
    {
        request.HttpContext.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title>
            <style>body{"{"}font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem{"}"}dt{"{"}font-weight:600{"}"}code{"{"}word-break:break-all{"}"}</style>
            </head><body><h1>{Encode(title)}</h1>{body}</body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
