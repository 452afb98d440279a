using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using MlopsFlows.Api.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// Establishes who decides from proof, never from the body: a bearer token validated as <see cref="TokenKind.Api"/>, or
/// the App Service authentication principal where that is trusted (<see cref="ApprovalsOptions.TrustAppServicePrincipal"/>).
/// The identity is the token's <c>oid</c> and <c>upn</c>; a body naming somebody else is refused (403).
/// </summary>
public sealed class TokenDecisionAuthenticator(IOptions<ApprovalsOptions> options, ITokenValidator? validator = null) : IDecisionAuthenticator
{
    /// <summary>Set by App Service authentication: base64 JSON of the signed-in principal's claims.</summary>
    public const string AppServicePrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private static readonly string[] ObjectIdClaims = ["oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"];

    private static readonly string[] UpnClaims = ["preferred_username", "upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "name"];

    public async Task<DecisionIdentity?> AuthenticateAsync(HttpRequest request, string claimedApprover, CancellationToken cancellationToken) =>
        (await VerifyAsync(request, claimedApprover, cancellationToken)).Identity;

    public async Task<DecisionAuthentication> VerifyAsync(HttpRequest request, string? claimedApprover, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = BearerToken.From(request) is { } token
            ? await FromTokenAsync(token, cancellationToken)
            : options.Value.TrustAppServicePrincipal && request.Headers.TryGetValue(AppServicePrincipalHeader, out var principal)
                ? FromAppServicePrincipal(principal.ToString())
                : DecisionAuthentication.Unauthorized("No proof of identity: send an Entra bearer token for this API.");
        if (identity.Identity is not { } proven || string.IsNullOrWhiteSpace(claimedApprover) || Names(proven, claimedApprover))
        {
            return identity;
        }

        return DecisionAuthentication.Forbidden($"The body names '{claimedApprover}' but the token is {proven.Approver}'s: a person decides only for themselves.");
    }

    private async Task<DecisionAuthentication> FromTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (validator is null)
        {
            return DecisionAuthentication.Unauthorized("No token validator is configured, so no token can be trusted.");
        }

        var verdict = await validator.ValidateAsync(token, TokenKind.Api, cancellationToken);
        if (verdict.Principal is not { } principal)
        {
            return DecisionAuthentication.Unauthorized($"The bearer token was refused: {verdict.Refusal}");
        }

        var name = principal.Upn ?? principal.ObjectId ?? principal.Subject;
        return DecisionAuthentication.Verified(new DecisionIdentity(name, "http", Verified: true, principal.ObjectId));
    }

    private static DecisionAuthentication FromAppServicePrincipal(string header)
    {
        try
        {
            using var principal = JsonDocument.Parse(Convert.FromBase64String(header));
            var claims = principal.RootElement.GetProperty("claims").EnumerateArray()
                .Where(c => c.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String && c.TryGetProperty("val", out var v) && v.ValueKind == JsonValueKind.String)
                .Select(c => (Type: c.GetProperty("typ").GetString()!, Value: c.GetProperty("val").GetString()!))
                .ToArray();
            string? First(string[] types) => types.Select(t => claims.FirstOrDefault(c => c.Type == t).Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            var objectId = First(ObjectIdClaims);
            var upn = First(UpnClaims);
            return objectId is null && upn is null
                ? DecisionAuthentication.Unauthorized("The App Service principal names nobody (no oid or upn claim).")
                : DecisionAuthentication.Verified(new DecisionIdentity(upn ?? objectId!, "http", Verified: true, objectId));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or DecoderFallbackException)
        {
            return DecisionAuthentication.Unauthorized("The App Service principal header is not base64 JSON with claims.");
        }
    }

    private static bool Names(DecisionIdentity identity, string claimed) =>
        string.Equals(identity.Approver, claimed.Trim(), StringComparison.OrdinalIgnoreCase)
        || (identity.ObjectId is { } oid && string.Equals(oid, claimed.Trim(), StringComparison.OrdinalIgnoreCase));
}
