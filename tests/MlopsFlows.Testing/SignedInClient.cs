using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MlopsFlows.Testing;

/// <summary>
/// An HttpClient for a local host's API on which every request carries an API token, as if a person had signed in: the
/// person the JSON body names as the actor (<c>approver</c>, <c>requestedBy</c>, <c>by</c>, <c>addedBy</c>), else
/// <paramref name="defaultUpn"/>. Tokens come from the host's development sign-in (<c>POST /dev/token</c>, signed by
/// its simulated identity provider) and the API validates them exactly as it validates Entra's.
/// </summary>
public static class SignedInClient
{
    private static readonly string[] ActorFields = ["approver", "requestedBy", "by", "addedBy"];

    public static HttpClient Create(Uri apiBaseUrl, string defaultUpn, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SignInHandler(apiBaseUrl, defaultUpn) { InnerHandler = new HttpClientHandler() }) { BaseAddress = apiBaseUrl };
        if (timeout is { } limit)
        {
            client.Timeout = limit;
        }

        return client;
    }

    /// <summary>One token for <paramref name="upn"/> from the host's development sign-in.</summary>
    public static async Task<string> TokenAsync(Uri apiBaseUrl, string upn, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = apiBaseUrl };
        using var response = await http.PostAsJsonAsync("/dev/token", new { upn }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    private sealed class SignInHandler(Uri apiBaseUrl, string defaultUpn) : DelegatingHandler
    {
        private readonly ConcurrentDictionary<string, Task<string>> tokens = new(StringComparer.OrdinalIgnoreCase);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is not null)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            // A name no directory could hold (an oversized body under test) signs in as the default person.
            var upn = await ActorAsync(request, cancellationToken) is { Length: <= 256 } actor ? actor : defaultUpn;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(upn));
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized)
            {
                return response;
            }

            // A restarted host signs with a new key: sign in again once.
            response.Dispose();
            tokens.TryRemove(upn, out _);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(upn));
            return await base.SendAsync(request, cancellationToken);
        }

        private async Task<string> TokenForAsync(string upn)
        {
            var pending = tokens.GetOrAdd(upn, name => TokenAsync(apiBaseUrl, name, CancellationToken.None));
            try
            {
                return await pending;
            }
            catch (HttpRequestException)
            {
                tokens.TryRemove(new KeyValuePair<string, Task<string>>(upn, pending));
                throw;
            }
        }

        private static async Task<string?> ActorAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is null)
            {
                return null;
            }

            await request.Content.LoadIntoBufferAsync(cancellationToken);
            var text = await request.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                using var body = JsonDocument.Parse(text);
                return body.RootElement.ValueKind != JsonValueKind.Object
                    ? null
                    : ActorFields.Select(f => body.RootElement.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                        .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
