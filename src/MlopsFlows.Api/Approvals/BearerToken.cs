using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MlopsFlows.Api.Approvals;

/// <summary>Reads <c>Authorization: Bearer …</c>; anything else (no header, another scheme, an empty token) is no token.</summary>
public static class BearerToken
{
    /// <summary>Tokens longer than this are refused unread (an Entra token is a few kilobytes).</summary>
    public const int MaxLength = 16 * 1024;

    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length is 0 or > MaxLength ? null : token;
    }
}
