using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MlopsFlows.Integrations.Identity;

/// <summary>
/// The signed-in user as App Service / Functions authentication ("Easy Auth") hands it over: the
/// <c>X-MS-CLIENT-PRINCIPAL</c> header, base64 of <c>{"auth_typ":"aad","claims":[{"typ":"…","val":"…"}],…}</c>.
/// </summary>
/// <param name="ObjectId">The <c>oid</c> (or the <c>http://schemas.microsoft.com/identity/claims/objectidentifier</c> claim).</param>
/// <param name="Upn">The <c>upn</c> or <c>preferred_username</c> (or their WS-Federation claim types), when present.</param>
/// <param name="IdentityProvider">The header's <c>auth_typ</c>, e.g. <c>aad</c>.</param>
public sealed record AppServicePrincipal(string ObjectId, string? Upn, string? IdentityProvider, IReadOnlyDictionary<string, string> Claims)
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    private static readonly string[] ObjectIdTypes = ["oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"];
    private static readonly string[] UpnTypes = ["upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "preferred_username"];

    /// <summary>
    /// Parses a header value; null with a reason when it is not base64 JSON of that shape or names no object id.
    /// Does not decide whether the header may be trusted: <see cref="AppServiceAuthentication"/> does.
    /// </summary>
    public static AppServicePrincipal? Parse(string? header, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            problem = "header missing";
            return null;
        }

        ClientPrincipal? body;
        try
        {
            var bytes = new byte[header.Length];
            if (!Convert.TryFromBase64String(header.Trim(), bytes, out var length))
            {
                problem = "header is not base64";
                return null;
            }

            body = JsonSerializer.Deserialize<ClientPrincipal>(Encoding.UTF8.GetString(bytes, 0, length));
        }
        catch (JsonException)
        {
            problem = "header is not a client principal";
            return null;
        }

        var claims = (body?.Claims ?? [])
            .Where(c => !string.IsNullOrEmpty(c.Type) && c.Value is not null)
            .GroupBy(c => c.Type!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(' ', g.Select(c => c.Value)), StringComparer.Ordinal);
        var objectId = First(claims, ObjectIdTypes);
        if (string.IsNullOrWhiteSpace(objectId))
        {
            problem = "client principal has no object id";
            return null;
        }

        return new AppServicePrincipal(objectId, First(claims, UpnTypes), body?.AuthenticationType, claims);
    }

    private static string? First(Dictionary<string, string> claims, string[] types) =>
        types.Select(t => claims.GetValueOrDefault(t)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private sealed record ClientPrincipal(
        [property: JsonPropertyName("auth_typ")] string? AuthenticationType,
        [property: JsonPropertyName("claims")] IReadOnlyList<ClientPrincipalClaim>? Claims);

    private sealed record ClientPrincipalClaim(
        [property: JsonPropertyName("typ")] string? Type,
        [property: JsonPropertyName("val")] string? Value);
}

/// <summary>
/// Reads the App Service principal of a request, only when <see cref="IdentityOptions.TrustAppServiceAuthentication"/>
/// is on: App Service strips <c>X-MS-CLIENT-PRINCIPAL</c> from outside requests, but anywhere else anyone can send it.
/// </summary>
public sealed class AppServiceAuthentication(IOptions<IdentityOptions> options, ILogger<AppServiceAuthentication> logger)
{
    /// <summary>The principal, or null when the header is absent, not trusted here, or unreadable.</summary>
    public AppServicePrincipal? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(AppServicePrincipal.HeaderName, out var header))
        {
            return null;
        }

        if (!options.Value.TrustAppServiceAuthentication)
        {
            Log.ClientPrincipalIgnored(logger, "App Service authentication is not trusted on this host");
            return null;
        }

        var principal = AppServicePrincipal.Parse(header.ToString(), out var problem);
        if (principal is null)
        {
            Log.ClientPrincipalIgnored(logger, problem!);
        }

        return principal;
    }
}
