using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Identity;

/// <summary>
/// <see cref="ITokenValidator"/> with Microsoft.IdentityModel: the token's issuer picks one of the kind's trusted
/// issuers (<see cref="IdentityOptions"/>), whose OpenID metadata (one <see cref="ConfigurationManager{T}"/> per
/// address, cached and refreshed by it) supplies the signing keys; then signature (RS256 only), issuer, audience,
/// lifetime with clock skew and the kind's own checks: <c>oid</c> for API and actionable-message tokens, the
/// <c>sender</c> and single use for actionable messages. A key id the cached keys do not have triggers one metadata
/// refresh (keys roll over), at most once per <see cref="IdentityOptions.KeyRefreshInterval"/>.
/// Refusal reasons name the failure and the offending value, never the token.
/// </summary>
public sealed class JwtTokenValidator : ITokenValidator, IDisposable
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256];
    private static readonly TimeSpan KeyRefreshPoll = TimeSpan.FromMilliseconds(25);

    private readonly IOptions<IdentityOptions> options;
    private readonly ITokenReplayGuard replayGuard;
    private readonly ILogger<JwtTokenValidator> logger;
    private readonly TimeProvider time;
    private readonly HttpClient metadataHttp;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, IssuerMetadata> metadata = new(StringComparer.Ordinal);

    public JwtTokenValidator(IOptions<IdentityOptions> options, ITokenReplayGuard replayGuard, ILogger<JwtTokenValidator> logger, TimeProvider time)
    {
        this.options = options;
        this.replayGuard = replayGuard;
        this.logger = logger;
        this.time = time;

        // One long-lived client for every issuer: metadata is fetched rarely, and pooled connections are renewed so
        // a moved DNS name is followed.
        metadataHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = options.Value.MetadataTimeout,
        };
    }

    public async Task<TokenVerdict> ValidateAsync(string token, TokenKind kind, CancellationToken cancellationToken)
    {
        var verdict = await CheckAsync(token, kind, cancellationToken).ConfigureAwait(false);
        if (verdict.Principal is { } principal)
        {
            Log.TokenAccepted(logger, kind, principal.Issuer, principal.ObjectId);
        }
        else
        {
            Log.TokenRefused(logger, kind, verdict.Refusal!);
        }

        return verdict;
    }

    public void Dispose() => metadataHttp.Dispose();

    private async Task<TokenVerdict> CheckAsync(string token, TokenKind kind, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenVerdict.Refused("no token");
        }

        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token.Trim());
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return TokenVerdict.Refused("token malformed");
        }

        var settings = options.Value;
        var kindOptions = settings.For(kind);
        if (kindOptions.Audiences.Count == 0)
        {
            return TokenVerdict.Refused($"no audience is configured for {kind} tokens");
        }

        var issuerValue = parsed.Issuer;
        var trusted = settings.TrustedIssuers(kind).FirstOrDefault(i => i.IssuerValues().Contains(issuerValue, StringComparer.Ordinal));
        if (trusted is null)
        {
            return TokenVerdict.Refused($"issuer '{Quote(issuerValue)}' is not trusted for {kind} tokens");
        }

        var source = metadata.GetOrAdd(trusted.MetadataAddress!, address => new IssuerMetadata(address, metadataHttp, settings.KeyRefreshInterval));
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await source.Manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(parsed.Kid) && !configuration.SigningKeys.Any(k => k.KeyId == parsed.Kid))
            {
                // Keys roll over: ask the issuer again once before calling the key unknown.
                configuration = await RefreshAsync(source, configuration, parsed.Kid, settings, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.MetadataUnavailable(logger, source.Address, e);
            return TokenVerdict.Refused($"metadata of issuer '{Quote(issuerValue)}' could not be read from {source.Address}");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = trusted.IssuerValues(),
            ValidAudiences = kindOptions.Audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(parsed.Kid),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
        };

        var result = await handler.ValidateTokenAsync(parsed, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return TokenVerdict.Refused(Reason(result.Exception, parsed));
        }

        var claims = Claims(parsed);
        claims.TryGetValue("oid", out var objectId);
        if (kind != TokenKind.BotConnector && string.IsNullOrEmpty(objectId))
        {
            // Decisions are bound to an immutable directory id, never to a name.
            return TokenVerdict.Refused("token has no 'oid' claim");
        }

        if (kind == TokenKind.ActionableMessage && settings.ActionableMessage.Sender is { Length: > 0 } mailbox)
        {
            claims.TryGetValue("sender", out var sender);
            if (!string.Equals(sender?.Trim(), mailbox.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return TokenVerdict.Refused(sender is null
                    ? "sender missing: the token has no 'sender' claim"
                    : $"sender '{Quote(sender)}' is not the service mailbox");
            }
        }

        var principal = new VerifiedPrincipal(
            Subject: parsed.Subject ?? objectId ?? string.Empty,
            ObjectId: objectId,
            Upn: claims.GetValueOrDefault("upn") ?? claims.GetValueOrDefault("preferred_username"),
            Issuer: parsed.Issuer,
            TokenId: claims.GetValueOrDefault("jti") ?? claims.GetValueOrDefault("uti") ?? Fingerprint(token),
            ExpiresAt: new DateTimeOffset(parsed.ValidTo, TimeSpan.Zero),
            Claims: claims);

        if (kind == TokenKind.ActionableMessage && !replayGuard.TryUse(principal.TokenId, ITokenReplayGuard.ActionableMessageScope, principal.ExpiresAt))
        {
            return TokenVerdict.Refused("token replayed");
        }

        return TokenVerdict.Valid(principal);
    }

    /// <summary>
    /// Asks the manager for fresh metadata and waits (bounded) until it has it: the manager refreshes in the background
    /// and meanwhile keeps answering with what it has. Rate limited, so a forged key id costs the issuer nothing.
    /// </summary>
    private async Task<OpenIdConnectConfiguration> RefreshAsync(
        IssuerMetadata source, OpenIdConnectConfiguration stale, string keyId, IdentityOptions settings, CancellationToken cancellationToken)
    {
        if (!source.TryStartRefresh(time.GetUtcNow(), settings.KeyRefreshInterval))
        {
            return stale;
        }

        Log.KeyRefresh(logger, source.Address, keyId);
        var deadline = time.GetUtcNow() + settings.KeyRefreshWait;
        var current = stale;
        while (ReferenceEquals(current, stale) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(KeyRefreshPoll, time, cancellationToken).ConfigureAwait(false);
            current = await source.Manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    private static string Reason(Exception? failure, JsonWebToken token) => failure switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenInvalidAudienceException => $"audience '{Quote(string.Join(' ', token.Audiences))}' is not accepted",
        SecurityTokenInvalidIssuerException => $"issuer '{Quote(token.Issuer)}' is not trusted",
        SecurityTokenSignatureKeyNotFoundException => $"signature invalid: signing key '{Quote(token.Kid)}' is not published by the issuer",
        SecurityTokenInvalidAlgorithmException => $"signature invalid: algorithm '{Quote(token.Alg)}' is not accepted",
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidSigningKeyException => "signature invalid",
        SecurityTokenMalformedException or ArgumentException => "token malformed",
        _ => "token invalid",
    };

    /// <summary>Every claim as a string; a repeated claim (e.g. <c>roles</c>) as its values joined by a space.</summary>
    private static Dictionary<string, string> Claims(JsonWebToken token) =>
        token.Claims
            .GroupBy(c => c.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(' ', g.Select(c => c.Value)), StringComparer.Ordinal);

    /// <summary>A stable id for a token without <c>jti</c> or <c>uti</c>: a hash, so the id never discloses the token.</summary>
    private static string Fingerprint(string token) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));

    /// <summary>A value from the token, shortened and stripped of control characters before it reaches an audit line.</summary>
    private static string Quote(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var clean = new string([.. value.Where(c => !char.IsControl(c))]);
        return clean.Length <= 200 ? clean : string.Concat(clean.AsSpan(0, 200), "…");
    }

    private sealed class IssuerMetadata
    {
        private long lastRefreshTicks = long.MinValue;

        public IssuerMetadata(string address, HttpClient http, TimeSpan refreshInterval)
        {
            Address = address;
            var uri = new Uri(address);
            Manager = new ConfigurationManager<OpenIdConnectConfiguration>(
                address,
                new OpenIdConnectConfigurationRetriever(),
                // Plain http is allowed for the loopback development issuer only (options validation enforces it).
                new HttpDocumentRetriever(http) { RequireHttps = !(uri.IsLoopback && uri.Scheme == Uri.UriSchemeHttp) })
            {
                RefreshInterval = refreshInterval,
            };
        }

        public string Address { get; }

        public ConfigurationManager<OpenIdConnectConfiguration> Manager { get; }

        /// <summary>Requests a refresh unless one was requested within <paramref name="interval"/>.</summary>
        public bool TryStartRefresh(DateTimeOffset now, TimeSpan interval)
        {
            var last = Interlocked.Read(ref lastRefreshTicks);
            if (last != long.MinValue && now.UtcTicks - last < interval.Ticks)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref lastRefreshTicks, now.UtcTicks, last) != last)
            {
                return false;
            }

            Manager.RequestRefresh();
            return true;
        }
    }
}
