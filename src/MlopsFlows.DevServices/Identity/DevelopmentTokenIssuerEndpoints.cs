using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlopsFlows.DevServices.Identity;

/// <summary>
/// The development issuer's HTTP surface, under the path of its issuer URL:
/// <list type="bullet">
/// <item><c>GET /.well-known/openid-configuration</c>: issuer, jwks_uri, token_endpoint (Entra's v2.0 shape).</item>
/// <item><c>GET /discovery/v2.0/keys</c>: the JWKS.</item>
/// <item><c>POST /oauth2/v2.0/token</c>: the client-credentials grant (form: grant_type, client_id, client_secret, scope),
/// answering and failing as RFC 6749 §5 says.</item>
/// <item><c>POST /dev/tokens</c>: mints a user token (JSON body, see <see cref="MintRequest"/>); loopback callers only.</item>
/// </list>
/// </summary>
public static class DevelopmentTokenIssuerEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] ResponseTypes = ["token"];
    private static readonly string[] SubjectTypes = ["pairwise"];
    private static readonly string[] SigningAlgorithms = ["RS256"];
    private static readonly string[] ClientAuthentication = ["client_secret_post"];
    private static readonly string[] GrantTypes = ["client_credentials"];

    /// <summary>Maps the issuer's routes under the path of <see cref="DevelopmentTokenIssuer.Issuer"/>.</summary>
    public static IEndpointConventionBuilder MapDevelopmentTokenIssuer(this IEndpointRouteBuilder endpoints, DevelopmentTokenIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return Map(endpoints, issuer.PathPrefix, () => issuer);
    }

    /// <summary>Maps the routes before the issuer exists (a host on port 0 learns its URL only once it listens).</summary>
    internal static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string prefix, Func<DevelopmentTokenIssuer> issuer)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);

        group.MapGet("/.well-known/openid-configuration", () =>
        {
            var current = issuer();
            return Results.Json(
                new Dictionary<string, object>
                {
                    ["issuer"] = current.Issuer,
                    ["jwks_uri"] = current.JwksUri,
                    ["token_endpoint"] = current.TokenEndpoint,
                    ["response_types_supported"] = ResponseTypes,
                    ["subject_types_supported"] = SubjectTypes,
                    ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
                    ["token_endpoint_auth_methods_supported"] = ClientAuthentication,
                    ["grant_types_supported"] = GrantTypes,
                },
                Json);
        });

        group.MapGet("/discovery/v2.0/keys", () => Results.Json(issuer().Jwks(), Json));

        group.MapPost("/oauth2/v2.0/token", async (HttpRequest request) =>
        {
            var current = issuer();
            if (!request.HasFormContentType)
            {
                current.Record(new TokenEndpointRequest(request.ContentType ?? string.Empty, new Dictionary<string, string>(), 400));
                return OAuthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
            }

            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            var fields = form.ToDictionary(f => f.Key, f => f.Key == "client_secret" ? "***" : f.Value.ToString(), StringComparer.Ordinal);
            var result = Grant(current, form);
            current.Record(new TokenEndpointRequest(request.ContentType ?? string.Empty, fields, result.Status));
            return result.Result;
        });

        group.MapPost("/dev/tokens", async (HttpContext context) =>
        {
            // Minting needs no secret, so only this machine may ask.
            if (context.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
            {
                return Results.Problem(statusCode: 403, title: "Development tokens are minted for loopback callers only.");
            }

            MintRequest? body;
            try
            {
                body = await context.Request.ReadFromJsonAsync<MintRequest>(Json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: 400, title: "The body is not a token request.", detail: e.Message);
            }

            if (body is null || string.IsNullOrWhiteSpace(body.Audience))
            {
                return Results.Problem(statusCode: 400, title: "The body must name an audience.");
            }

            if (body.LifetimeSeconds is <= 0)
            {
                return Results.Problem(statusCode: 400, title: "lifetimeSeconds must be positive.");
            }

            var lifetime = TimeSpan.FromSeconds(body.LifetimeSeconds ?? 3600);
            var token = issuer().CreateToken(new DevelopmentTokenRequest
            {
                Audience = body.Audience,
                ObjectId = body.Oid,
                Upn = body.Upn,
                Lifetime = lifetime,
                Claims = body.Claims?.ToDictionary(c => c.Key, c => (object)c.Value, StringComparer.Ordinal),
            });
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = (long)lifetime.TotalSeconds }, Json);
        });

        return group;
    }

    private static (IResult Result, int Status) Grant(DevelopmentTokenIssuer issuer, IFormCollection form)
    {
        var grantType = form["grant_type"].ToString();
        var clientId = form["client_id"].ToString();
        var clientSecret = form["client_secret"].ToString();
        var scope = form["scope"].ToString();
        if (grantType != "client_credentials")
        {
            return (OAuthError(400, "unsupported_grant_type", $"The grant type '{grantType}' is not supported; use client_credentials."), 400);
        }

        if (clientId.Length == 0 || clientSecret.Length == 0)
        {
            return (OAuthError(401, "invalid_client", "client_id and client_secret are required."), 401);
        }

        if (scope.Length == 0 || !scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(s => s.EndsWith("/.default", StringComparison.Ordinal)))
        {
            return (OAuthError(400, "invalid_scope", "The client-credentials grant takes a scope of the form '{resource}/.default'."), 400);
        }

        var issued = issuer.IssueClientToken(clientId, clientSecret, scope);
        if (issued is null)
        {
            return (OAuthError(401, "invalid_client", $"Client '{clientId}' is unknown or its secret does not match."), 401);
        }

        var seconds = (long)issued.ExpiresIn.TotalSeconds;
        return (Results.Json(
            new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = seconds,
                ["ext_expires_in"] = seconds,
                ["access_token"] = issued.AccessToken,
            },
            Json), 200);
    }

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(
            new Dictionary<string, object>
            {
                ["error"] = error,
                ["error_description"] = description,
                ["timestamp"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            },
            Json,
            statusCode: status);

    /// <summary>The body of <c>POST /dev/tokens</c>.</summary>
    /// <param name="LifetimeSeconds">Default 3600.</param>
    /// <param name="Claims">Further string claims, e.g. <c>sender</c> or <c>serviceurl</c>.</param>
    public sealed record MintRequest(string Audience, string? Oid, string? Upn, long? LifetimeSeconds, IReadOnlyDictionary<string, string>? Claims);
}
