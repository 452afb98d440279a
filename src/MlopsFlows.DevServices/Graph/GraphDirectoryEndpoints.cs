using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlopsFlows.DevServices.Graph;

/// <summary>
/// A fake Microsoft Graph v1.0 directory, shapes as documented: <c>GET /v1.0/users/{id | userPrincipalName}</c>
/// (<c>$select</c> honoured), <c>POST /v1.0/users/{id}/checkMemberGroups</c> (at most 20 group ids, transitive),
/// <c>GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user</c> (paged by <c>$top</c>, continued by an absolute
/// <c>@odata.nextLink</c>). Errors in Graph's <c>{"error":{"code","message"}}</c> shape; every request needs a bearer
/// token of the development issuer and is recorded in <see cref="GraphDirectoryState.Requests"/>.
/// </summary>
public static class GraphDirectoryEndpoints
{
    private const int MaxTop = 999;
    private static readonly string[] UserProperties = ["id", "userPrincipalName", "displayName"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the routes under <c>/v1.0</c>; they can share an app with other fakes (e.g. mail).</summary>
    public static RouteGroupBuilder MapGraphDirectory(this IEndpointRouteBuilder endpoints, GraphDirectoryState state)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(state);
        var graph = endpoints.MapGroup("/v1.0");
        graph.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            string? body = null;
            if (!HttpMethods.IsGet(request.Method))
            {
                request.EnableBuffering();
                using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                body = await reader.ReadToEndAsync(context.HttpContext.RequestAborted).ConfigureAwait(false);
                request.Body.Position = 0;
                body = body.Length == 0 ? null : body;
            }

            var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
            state.Record(new GraphRequest(request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, authorization, body));
            return await state.ProblemWithTokenAsync(authorization).ConfigureAwait(false) is { } problem
                ? Error(401, "InvalidAuthenticationToken", problem)
                : await next(context).ConfigureAwait(false);
        });

        graph.MapGet("/users/{idOrUpn}", (string idOrUpn, HttpRequest request) =>
        {
            var user = state.FindUser(idOrUpn);
            if (user is null)
            {
                return NotFound(idOrUpn);
            }

            var select = Select(request);
            var unknown = select.FirstOrDefault(p => !UserProperties.Contains(p, StringComparer.OrdinalIgnoreCase));
            if (unknown is not null)
            {
                return Error(400, "Request_BadRequest", $"Could not find a property named '{unknown}' on type 'Microsoft.DirectoryServices.User'.");
            }

            var shown = new Dictionary<string, object?>
            {
                ["@odata.context"] = $"{Root(request)}/v1.0/$metadata#users({string.Join(',', select.Count > 0 ? select : UserProperties)})/$entity",
            };
            foreach (var (name, value) in UserFields(user, select))
            {
                shown[name] = value;
            }

            return Results.Json(shown, Json);
        });

        graph.MapPost("/users/{id}/checkMemberGroups", async (string id, HttpRequest request) =>
        {
            var user = state.FindUser(id);
            if (user is null)
            {
                return NotFound(id);
            }

            string[] groupIds;
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
                groupIds = document.RootElement.TryGetProperty("groupIds", out var ids) && ids.ValueKind == JsonValueKind.Array
                    ? [.. ids.EnumerateArray().Select(e => e.GetString() ?? string.Empty)]
                    : throw new JsonException("groupIds missing");
            }
            catch (JsonException)
            {
                return Error(400, "Request_BadRequest", "The request body must be {\"groupIds\":[...]}.");
            }

            if (groupIds.Length > 20)
            {
                return Error(400, "Request_BadRequest", "A maximum of 20 group ids can be checked in one request.");
            }

            var memberOf = groupIds.Where(g => state.TransitiveUsers(g).Any(u => u.Id == user.Id)).ToArray();
            return Results.Json(
                new Dictionary<string, object> { ["@odata.context"] = $"{Root(request)}/v1.0/$metadata#Collection(Edm.String)", ["value"] = memberOf },
                Json);
        });

        graph.MapGet("/groups/{id}/transitiveMembers/microsoft.graph.user", (string id, HttpRequest request) =>
        {
            if (!state.GroupExists(id))
            {
                return NotFound(id);
            }

            var top = state.PageSize;
            if (request.Query["$top"].FirstOrDefault() is { } topText && (!int.TryParse(topText, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
            {
                return Error(400, "Request_BadRequest", $"Invalid page size specified: '{topText}'. Must be between 1 and {MaxTop} inclusive.");
            }

            var skip = 0;
            if (request.Query["$skiptoken"].FirstOrDefault() is { } token && !TryReadSkipToken(token, out skip))
            {
                return Error(400, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.");
            }

            var select = Select(request);
            var all = state.TransitiveUsers(id);
            var page = all.Skip(skip).Take(top).Select(u =>
            {
                var shown = new Dictionary<string, object?> { ["@odata.type"] = "#microsoft.graph.user" };
                foreach (var (name, value) in UserFields(u, select))
                {
                    shown[name] = value;
                }

                return shown;
            }).ToArray();

            var body = new Dictionary<string, object?>
            {
                ["@odata.context"] = $"{Root(request)}/v1.0/$metadata#users",
            };
            if (skip + top < all.Count)
            {
                var query = new List<string>();
                if (request.Query["$select"].FirstOrDefault() is { } selectText)
                {
                    query.Add("$select=" + Uri.EscapeDataString(selectText));
                }

                if (request.Query.ContainsKey("$top"))
                {
                    query.Add("$top=" + top.ToString(CultureInfo.InvariantCulture));
                }

                query.Add("$skiptoken=" + SkipToken(skip + top));
                body["@odata.nextLink"] = $"{Root(request)}{request.Path}?{string.Join('&', query)}";
            }

            body["value"] = page;
            return Results.Json(body, Json);
        });

        graph.Map("/{**rest}", (string? rest) =>
            Error(400, "BadRequest", $"Resource not found for the segment '{rest?.Split('/').FirstOrDefault()}'."));

        return graph;
    }

    private static IEnumerable<(string Name, string Value)> UserFields(GraphDirectoryState.GraphUser user, List<string> select)
    {
        var all = new (string Name, string Value)[] { ("id", user.Id), ("userPrincipalName", user.UserPrincipalName), ("displayName", user.DisplayName) };
        return select.Count == 0 ? all : all.Where(f => select.Contains(f.Name, StringComparer.OrdinalIgnoreCase));
    }

    private static List<string> Select(HttpRequest request) =>
        [.. (request.Query["$select"].FirstOrDefault() ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Root(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    // Opaque to clients, as Graph's are: they must follow the link, not build it.
    private static string SkipToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryReadSkipToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static IResult NotFound(string id) =>
        Error(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, Json, statusCode: status);
}
