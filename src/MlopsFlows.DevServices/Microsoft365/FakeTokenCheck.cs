using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Microsoft365;

/// <summary>
/// How a Microsoft 365 fake checks the bearer token of a call: always present; and, when a development issuer is
/// given, signed by it for the service's resource (the audience Entra writes for <c>{resource}/.default</c>).
/// </summary>
internal sealed class FakeTokenCheck(DevelopmentTokenIssuer? issuer, string audience)
{
    private readonly JsonWebTokenHandler handler = new();

    /// <summary>Null when the token is acceptable, else why not.</summary>
    public async Task<string?> RefusalAsync(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == Scheme.Length)
        {
            return "A bearer token is required.";
        }

        if (issuer is null)
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(authorization[Scheme.Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = issuer.PublishedKeys(),
        }).ConfigureAwait(false);
        return result.IsValid ? null : $"The token is not valid for {audience}: {result.Exception?.GetType().Name}.";
    }
}
