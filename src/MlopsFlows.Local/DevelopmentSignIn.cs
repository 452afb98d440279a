using System.Net;
using MlopsFlows.Api.Http;

namespace MlopsFlows.Local;

/// <summary>
/// Sign-in for a fully local host: <c>POST /dev/token {"upn": "…"}</c> answers an API token signed by the simulated
/// identity provider, the token a person would get from Entra after signing in. The CLI, the demo and the tests use it;
/// the API then validates the token exactly as it validates Entra's. Mapped only with the simulator and answered only on
/// loopback, so it can never stand in for sign-in anywhere real.
/// </summary>
internal static class DevelopmentSignIn
{
    public const string Route = "/dev/token";

    public static void MapDevelopmentSignIn(this IEndpointRouteBuilder app, SimulatedMicrosoft365 microsoft365) =>
        app.MapPost(Route, async (HttpRequest request) =>
        {
            if (request.HttpContext.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                return Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden.", "Development sign-in answers only on loopback.");
            }

            var (body, problem) = await JsonBody.ReadValidatedAsync(request, json =>
            {
                var fields = new FieldReader(json);
                var upn = fields.Text("upn", required: true, maxLength: 256);
                return (upn, fields.Errors);
            });
            return body is null
                ? problem!
                : TypedResults.Json(new DevelopmentToken(microsoft365.ApiTokenFor(body), SimulatedMicrosoft365.ApiAudience, body));
        }).ExcludeFromDescription();

    public sealed record DevelopmentToken(string AccessToken, string Audience, string Upn);
}
