using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Identity;

/// <summary>Bearer tokens for calling another service (Graph, the Bot Connector) as this service.</summary>
public interface IAccessTokenSource
{
    /// <summary>A token for <paramref name="scope"/> (e.g. <c>https://graph.microsoft.com/.default</c>), valid for a while yet.</summary>
    ValueTask<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken);
}

/// <summary>
/// Tokens from an Azure.Identity <see cref="TokenCredential"/> (<c>DefaultAzureCredential</c>: managed identity in
/// Azure, a developer's sign-in locally), cached per scope until <see cref="RefreshMargin"/> before they expire.
/// </summary>
public sealed class AzureCredentialTokenSource(TokenCredential credential, TimeProvider time, ILogger<AzureCredentialTokenSource> logger) : IAccessTokenSource, IDisposable
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly TokenCache cache = new(time);

    public ValueTask<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken) =>
        cache.GetAsync(scope, RefreshMargin, async ct =>
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), ct).ConfigureAwait(false);
            Log.AccessTokenObtained(logger, scope, token.ExpiresOn);
            return new CachedToken(token.Token, token.ExpiresOn);
        }, cancellationToken);

    public void Dispose() => cache.Dispose();
}

/// <summary>Where and as whom <see cref="ClientCredentialsTokenSource"/> asks for tokens.</summary>
public sealed class ClientCredentialsOptions
{
    /// <summary>The OAuth 2.0 token endpoint, e.g. <c>https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token</c> or the development issuer's.</summary>
    [Required]
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The app registration's client id.</summary>
    [Required]
    public string? ClientId { get; set; }

    /// <summary>The client secret. Never logged.</summary>
    [Required]
    public string? ClientSecret { get; set; }

    /// <summary>A token is renewed this long before it expires. Default 5 minutes (Entra tokens live about an hour).</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) over HttpClient: <c>POST</c> a form of grant_type,
/// client_id, client_secret and scope to the token endpoint, read <c>access_token</c> and <c>expires_in</c>, and cache
/// the token per scope until <see cref="ClientCredentialsOptions.RefreshMargin"/> before it expires. For the
/// development issuer locally, and for the bot's own token against the Bot Framework's endpoint.
/// </summary>
public sealed class ClientCredentialsTokenSource(HttpClient http, ClientCredentialsOptions options, TimeProvider time, ILogger<ClientCredentialsTokenSource> logger)
    : IAccessTokenSource, IDisposable
{
    private readonly TokenCache cache = new(time);

    public ValueTask<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        return cache.GetAsync(scope, options.RefreshMargin, ct => RequestAsync(scope, ct), cancellationToken);
    }

    public void Dispose() => cache.Dispose();

    private async Task<CachedToken> RequestAsync(string scope, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(
        [
            KeyValuePair.Create("grant_type", "client_credentials"),
            KeyValuePair.Create("client_id", options.ClientId ?? string.Empty),
            KeyValuePair.Create("client_secret", options.ClientSecret ?? string.Empty),
            KeyValuePair.Create("scope", scope),
        ]);
        var requestedAt = time.GetUtcNow();
        using var response = await http.PostAsync(options.TokenEndpoint, form, cancellationToken).ConfigureAwait(false);
        TokenResponse? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException) when (!response.IsSuccessStatusCode)
        {
            // An error page instead of an OAuth error: the status says enough.
        }

        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(body?.AccessToken))
        {
            // The OAuth error and its description name the problem (unknown client, bad scope); they carry no secret.
            throw new AccessTokenException(
                $"The token endpoint {options.TokenEndpoint} refused client '{options.ClientId}' for scope '{scope}': " +
                $"{(int)response.StatusCode} {body?.Error ?? "no error code"}{(body?.ErrorDescription is { } d ? " (" + d + ")" : string.Empty)}.");
        }

        // Timed from the request, not the answer, so a slow endpoint never makes the token look fresher than it is.
        var expiresOn = requestedAt + TimeSpan.FromSeconds(Math.Max(0, body.ExpiresIn ?? 0));
        Log.AccessTokenObtained(logger, scope, expiresOn);
        return new CachedToken(body.AccessToken, expiresOn);
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long? ExpiresIn,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}

/// <summary>A token endpoint refused to issue a token.</summary>
public sealed class AccessTokenException(string message) : Exception(message);

// A class, not a record: a record's ToString would print the token.
internal sealed class CachedToken(string value, DateTimeOffset expiresOn)
{
    public string Value { get; } = value;

    public DateTimeOffset ExpiresOn { get; } = expiresOn;
}

/// <summary>Per-scope token cache; one request at a time per scope, so a burst of callers asks the endpoint once.</summary>
internal sealed class TokenCache(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, CachedToken> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    public async ValueTask<string> GetAsync(string scope, TimeSpan margin, Func<CancellationToken, Task<CachedToken>> fetch, CancellationToken cancellationToken)
    {
        if (tokens.TryGetValue(scope, out var cached) && IsFresh(cached, margin))
        {
            return cached.Value;
        }

        var gate = locks.GetOrAdd(scope, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (tokens.TryGetValue(scope, out cached) && IsFresh(cached, margin))
            {
                return cached.Value;
            }

            var fresh = await fetch(cancellationToken).ConfigureAwait(false);
            tokens[scope] = fresh;
            return fresh.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in locks.Values)
        {
            gate.Dispose();
        }
    }

    private bool IsFresh(CachedToken token, TimeSpan margin) => token.ExpiresOn - margin > time.GetUtcNow();
}
