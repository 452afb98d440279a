using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Supplies the bearer token for Databricks: the configured personal access token, or otherwise an Entra ID token
/// for the Azure Databricks resource, cached until shortly before it expires.
/// </summary>
internal sealed class DatabricksAccessTokens(IOptions<DatabricksOptions> options, TokenCredential credential, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim refresh = new(1, 1);
    // A reference, so the lock-free read in the fast path never sees half of a refresh.
    private volatile CachedToken? cached;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var token = options.Value.Token;
        if (!string.IsNullOrEmpty(token))
        {
            return token;
        }

        if (cached is { } fresh && IsFresh(fresh))
        {
            return fresh.Value;
        }

        await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (cached is { } current && IsFresh(current))
            {
                return current.Value;
            }

            var issued = await credential.GetTokenAsync(new TokenRequestContext([DatabricksOptions.AzureDatabricksScope]), cancellationToken).ConfigureAwait(false);
            cached = new CachedToken(issued.Token, issued.ExpiresOn);
            return issued.Token;
        }
        finally
        {
            refresh.Release();
        }
    }

    public void Dispose() => refresh.Dispose();

    private bool IsFresh(CachedToken token) => token.ExpiresOn - RefreshMargin > time.GetUtcNow();

    // A class, not a record: a record's ToString would print the token.
    private sealed class CachedToken(string value, DateTimeOffset expiresOn)
    {
        public string Value { get; } = value;

        public DateTimeOffset ExpiresOn { get; } = expiresOn;
    }
}

/// <summary>Puts the bearer token on every attempt (it sits inside the retry, so a long wait never sends a stale token).</summary>
internal sealed class DatabricksAuthenticationHandler(DatabricksAccessTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
