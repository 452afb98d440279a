using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MlopsFlows.DevServices.Identity;

/// <summary>
/// A development token issuer with its own RSA key: the same shapes as Entra ID (OpenID metadata, a JWKS, a
/// client-credentials token endpoint) so local services get and check tokens exactly as they would in Azure. Serve it
/// with <see cref="DevelopmentTokenIssuerEndpoints.MapDevelopmentTokenIssuer"/> under the path of <see cref="Issuer"/>,
/// or start a <see cref="DevelopmentTokenIssuerHost"/>. Never deployed: its key lives in memory and dies with it.
/// </summary>
public sealed class DevelopmentTokenIssuer : IDisposable
{
    /// <summary>The key id's prefix; the number after it counts rotations.</summary>
    private const string KeyIdPrefix = "dev-key-";

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<string, DevelopmentClient> clients;
    private readonly ConcurrentQueue<TokenEndpointRequest> tokenRequests = new();
    private readonly TimeProvider time;
    private readonly RSA foreignRsa = RSA.Create(2048);
    private readonly object rotation = new();
    private volatile KeySet keys;
    private int generation;

    /// <param name="issuer">The issuer URL (<c>iss</c>), e.g. <c>http://127.0.0.1:5123/dev-issuer</c>; the routes live under its path.</param>
    /// <param name="clients">The clients the token endpoint accepts.</param>
    /// <param name="timeProvider">The clock for token times; default the system clock.</param>
    public DevelopmentTokenIssuer(Uri issuer, IEnumerable<DevelopmentClient>? clients = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.IsAbsoluteUri || !issuer.IsLoopback)
        {
            // A development key must never be trusted for a real host name.
            throw new ArgumentException($"The development issuer must be an absolute loopback URL, not '{issuer}'.", nameof(issuer));
        }

        Issuer = issuer.AbsoluteUri.TrimEnd('/');
        this.clients = new ConcurrentDictionary<string, DevelopmentClient>(
            (clients ?? []).Select(c => KeyValuePair.Create(c.ClientId, c)), StringComparer.Ordinal);
        time = timeProvider ?? TimeProvider.System;
        keys = new KeySet(NewKey(), null);
    }

    /// <summary>The issuer (<c>iss</c>) without a trailing slash.</summary>
    public string Issuer { get; }

    /// <summary>The OpenID metadata address: what a validator is configured with.</summary>
    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    /// <summary>The JWKS address, as the metadata names it.</summary>
    public string JwksUri => Issuer + "/discovery/v2.0/keys";

    /// <summary>The client-credentials token endpoint, as the metadata names it.</summary>
    public string TokenEndpoint => Issuer + "/oauth2/v2.0/token";

    /// <summary>The id of the key tokens are signed with now.</summary>
    public string CurrentKeyId => keys.Current.KeyId!;

    /// <summary>Lifetime of client-credentials tokens. Default one hour.</summary>
    public TimeSpan ClientTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Every request the token endpoint received, oldest first (the secret redacted).</summary>
    public IReadOnlyList<TokenEndpointRequest> TokenRequests => [.. tokenRequests];

    /// <summary>The path prefix of the issuer's routes (the issuer URL's path, empty at the root).</summary>
    internal string PathPrefix => new Uri(Issuer).AbsolutePath.TrimEnd('/');

    /// <summary>Adds or replaces a client of the token endpoint.</summary>
    public void AddClient(DevelopmentClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        clients[client.ClientId] = client;
    }

    /// <summary>
    /// Starts signing with a new key (a new key id). The JWKS publishes the new key, and the previous one too when
    /// <paramref name="keepPrevious"/> (the overlap Entra gives during a rollover). Returns the new key id.
    /// </summary>
    public string RotateSigningKey(bool keepPrevious = false)
    {
        lock (rotation)
        {
            var current = keys;
            var next = new KeySet(NewKey(), keepPrevious ? current.Current : null);
            keys = next;
            return next.Current.KeyId!;
        }
    }

    /// <summary>Mints a token as <paramref name="request"/> says (see <see cref="DevelopmentTokenRequest"/>).</summary>
    public string CreateToken(DevelopmentTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Audience, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Lifetime, TimeSpan.Zero, nameof(request));

        var notBefore = request.NotBefore ?? time.GetUtcNow();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = request.Subject ?? request.ObjectId ?? "development-subject",
            [JwtRegisteredClaimNames.Jti] = request.TokenId ?? Guid.NewGuid().ToString(),
            ["ver"] = "2.0",
        };
        if (request.ObjectId is not null)
        {
            claims["oid"] = request.ObjectId;
        }

        if (request.Upn is not null)
        {
            claims["upn"] = request.Upn;
        }

        foreach (var (name, value) in request.Claims ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }

        var current = keys.Current;
        var signingKey = request.SignWithForeignKey ? new RsaSecurityKey(foreignRsa) { KeyId = current.KeyId } : current;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = request.Issuer ?? Issuer,
            Audience = request.Audience,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = (notBefore + request.Lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>
    /// The client-credentials grant: a token for <paramref name="scope"/> (<c>{resource}/.default</c>; the audience is
    /// the resource) when the client id and secret match a configured client; otherwise null.
    /// </summary>
    public IssuedToken? IssueClientToken(string clientId, string clientSecret, string scope)
    {
        if (!clients.TryGetValue(clientId, out var client) || !SecretsEqual(client.ClientSecret, clientSecret))
        {
            return null;
        }

        var objectId = client.ObjectId ?? client.ClientId;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["azp"] = client.ClientId,
            ["appid"] = client.ClientId,
            ["idtyp"] = "app",
        };
        if (client.Roles is { Count: > 0 } roles)
        {
            claims["roles"] = roles.ToArray();
        }

        var token = CreateToken(new DevelopmentTokenRequest
        {
            Audience = AudienceOfScope(scope),
            ObjectId = objectId,
            Subject = objectId,
            Lifetime = ClientTokenLifetime,
            Claims = claims,
        });
        return new IssuedToken(token, ClientTokenLifetime);
    }

    /// <summary>The JSON Web Key Set: the public halves of the published keys.</summary>
    internal object Jwks() => new
    {
        keys = keys.Published().Select(key =>
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            return new
            {
                kty = "RSA",
                use = "sig",
                alg = SecurityAlgorithms.RsaSha256,
                kid = key.KeyId,
                n = Base64UrlEncoder.Encode(parameters.Modulus),
                e = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }).ToArray(),
    };

    /// <summary>The keys a receiver in this process may check signatures with (the fake Graph does).</summary>
    internal IReadOnlyList<SecurityKey> PublishedKeys() => [.. keys.Published()];

    internal void Record(TokenEndpointRequest request) => tokenRequests.Enqueue(request);

    public void Dispose()
    {
        foreignRsa.Dispose();
        var published = keys;
        published.Current.Rsa.Dispose();
        published.Previous?.Rsa.Dispose();
    }

    /// <summary>Entra's rule: the audience of <c>{resource}/.default</c> is the resource.</summary>
    internal static string AudienceOfScope(string scope)
    {
        var first = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? scope;
        return first.EndsWith("/.default", StringComparison.Ordinal) ? first[..^"/.default".Length] : first;
    }

    private RsaSecurityKey NewKey() =>
        new(RSA.Create(2048)) { KeyId = KeyIdPrefix + Interlocked.Increment(ref generation).ToString(CultureInfo.InvariantCulture) };

    private static bool SecretsEqual(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(given));

    private sealed record KeySet(RsaSecurityKey Current, RsaSecurityKey? Previous)
    {
        public IEnumerable<RsaSecurityKey> Published() => Previous is null ? [Current] : [Current, Previous];
    }
}

/// <summary>A token from the client-credentials grant.</summary>
public sealed class IssuedToken(string accessToken, TimeSpan expiresIn)
{
    public string AccessToken { get; } = accessToken;

    public TimeSpan ExpiresIn { get; } = expiresIn;
}
