using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Api.Http;

/// <summary>
/// Who is calling the API, proven: every handler of the releases, incidents and monitors API starts here (the bot,
/// actionable-message and webhook doors prove their callers their own way). A bearer token for the API, or the App
/// Service principal where that is trusted; nothing else.
/// </summary>
public static class ApiCallers
{
    /// <summary>The caller, or the 401/403 problem to answer.</summary>
    /// <param name="claimed">Who the body says acts (e.g. <c>requestedBy</c>); a token of somebody else is refused (403).</param>
    public static async Task<(DecisionIdentity? Caller, IResult? Problem)> RequireAsync(HttpRequest request, string? claimed = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authenticator = request.HttpContext.RequestServices.GetRequiredService<IDecisionAuthenticator>();
        var proof = await authenticator.VerifyAsync(request, claimed, request.HttpContext.RequestAborted);
        if (proof.Identity is { } caller)
        {
            return (caller, null);
        }

        if (proof.Status == StatusCodes.Status401Unauthorized)
        {
            // RFC 6750: say how to authenticate.
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", proof.Refusal ?? "Sign in with a bearer token for this API."));
        }

        return (null, Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden.", proof.Refusal ?? "The caller may not do this."));
    }
}
