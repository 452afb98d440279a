using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Graph;

/// <summary>
/// <see cref="IApproverDirectory"/> over Microsoft Graph v1.0, roles from Entra groups (<see cref="GraphOptions.RoleGroups"/>):
/// <list type="bullet">
/// <item>a person: <c>GET /v1.0/users/{object id or UPN}?$select=id,userPrincipalName</c> (404 → unknown), then
/// <c>POST /v1.0/users/{id}/checkMemberGroups</c> with the role groups (at most 20 per call, Graph's limit).
/// checkMemberGroups rather than transitiveMemberOf: it is transitive too, answers only about our groups, and takes one
/// call however many groups the person belongs to.</item>
/// <item>a role's members: <c>GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user?$select=id,userPrincipalName</c>,
/// following <c>@odata.nextLink</c>; every role group is listed, so each member's roles are complete.</item>
/// </list>
/// Answers are cached for <see cref="GraphOptions.CacheDuration"/> (unknown people too), shared by all instances.
/// Throttling and server errors are retried by the client's resilience pipeline; other failures throw
/// <see cref="GraphRequestException"/>.
/// </summary>
public sealed class GraphApproverDirectory(
    HttpClient http, IAccessTokenSource tokens, GraphDirectoryCache cache, IOptions<GraphOptions> options, ILogger<GraphApproverDirectory> logger)
    : IApproverDirectory
{
    /// <summary>The service key of the <see cref="IAccessTokenSource"/> this directory signs in with.</summary>
    public const string TokenSourceKey = "graph";

    /// <summary>Graph's limit on the group ids of one checkMemberGroups call.</summary>
    internal const int CheckMemberGroupsLimit = 20;

    private const int MaxPages = 1_000;
    private const string Select = "$select=id,userPrincipalName";

    public Task<DirectoryPerson?> FindAsync(string? objectId, string? upn, CancellationToken cancellationToken)
    {
        // The object id is immutable, so it decides when given; a UPN can be reassigned.
        var key = !string.IsNullOrWhiteSpace(objectId) ? objectId.Trim() : upn?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult<DirectoryPerson?>(null);
        }

        return cache.GetOrAddAsync("user:" + key.ToUpperInvariant(), ct => LookUpAsync(key, ct), cancellationToken);
    }

    public async Task<IReadOnlyList<DirectoryPerson>> MembersAsync(string role, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        var groups = options.Value.RoleGroups;
        if (!groups.TryGetValue(role.Trim(), out var groupId))
        {
            return [];
        }

        var roles = new Dictionary<string, (GraphUser User, List<string> Roles)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (groupRole, group) in groups)
        {
            foreach (var user in await GroupMembersAsync(group.Trim(), cancellationToken).ConfigureAwait(false))
            {
                if (!roles.TryGetValue(user.Id!, out var entry))
                {
                    entry = (user, []);
                    roles[user.Id!] = entry;
                }

                entry.Roles.Add(groupRole);
            }
        }

        var members = await GroupMembersAsync(groupId.Trim(), cancellationToken).ConfigureAwait(false);
        return [.. members.Select(m => new DirectoryPerson(m.Id!, m.UserPrincipalName ?? string.Empty, RoleOrder(roles[m.Id!].Roles)))];
    }

    private async Task<DirectoryPerson?> LookUpAsync(string idOrUpn, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v1.0/users/{Uri.EscapeDataString(idOrUpn)}?{Select}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            Log.PersonUnknown(logger, idOrUpn);
            return null;
        }

        await EnsureSuccessAsync(response, "read user", cancellationToken).ConfigureAwait(false);
        var user = await response.Content.ReadFromJsonAsync<GraphUser>(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(user?.Id))
        {
            throw new GraphRequestException(response.StatusCode, null, "Graph answered a user without an id.");
        }

        var roles = await RolesOfAsync(user.Id, cancellationToken).ConfigureAwait(false);
        Log.PersonRead(logger, user.Id, roles.Count);
        return new DirectoryPerson(user.Id, user.UserPrincipalName ?? string.Empty, roles);
    }

    private async Task<IReadOnlyList<string>> RolesOfAsync(string userId, CancellationToken cancellationToken)
    {
        var roleGroups = options.Value.RoleGroups;
        var groupIds = roleGroups.Values.Select(g => g.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var memberOf = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in groupIds.Chunk(CheckMemberGroupsLimit))
        {
            using var body = JsonContent.Create(new CheckMemberGroupsRequest(chunk));
            using var response = await SendAsync(HttpMethod.Post, $"v1.0/users/{Uri.EscapeDataString(userId)}/checkMemberGroups", body, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "check group membership", cancellationToken).ConfigureAwait(false);
            var page = await response.Content.ReadFromJsonAsync<ValuePage<string>>(cancellationToken).ConfigureAwait(false);
            memberOf.UnionWith(page?.Value ?? []);
        }

        return RoleOrder([.. roleGroups.Where(r => memberOf.Contains(r.Value.Trim())).Select(r => r.Key)]);
    }

    private Task<IReadOnlyList<GraphUser>> GroupMembersAsync(string groupId, CancellationToken cancellationToken) =>
        cache.GetOrAddAsync<IReadOnlyList<GraphUser>>("group:" + groupId.ToUpperInvariant(), async ct =>
        {
            var users = new List<GraphUser>();
            string? next = $"v1.0/groups/{Uri.EscapeDataString(groupId)}/transitiveMembers/microsoft.graph.user?{Select}";
            for (var page = 0; next is not null; page++)
            {
                if (page == MaxPages)
                {
                    throw new GraphRequestException(HttpStatusCode.OK, null, $"Group {groupId} has more than {MaxPages} pages of members; refusing to read on.");
                }

                using var response = await SendAsync(HttpMethod.Get, next, null, ct).ConfigureAwait(false);
                await EnsureSuccessAsync(response, $"list members of group {groupId}", ct).ConfigureAwait(false);
                var body = await response.Content.ReadFromJsonAsync<ValuePage<GraphUser>>(ct).ConfigureAwait(false);
                users.AddRange((body?.Value ?? []).Where(u => !string.IsNullOrEmpty(u.Id)));
                next = body?.NextLink;
            }

            Log.GroupRead(logger, groupId, users.Count);
            return users;
        }, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrLink, HttpContent? content, CancellationToken cancellationToken)
    {
        var uri = new Uri(http.BaseAddress!, pathOrLink);
        if (Uri.Compare(uri, http.BaseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            // A next link elsewhere would carry our Graph token to another host.
            throw new GraphRequestException(HttpStatusCode.OK, null, $"Graph pointed at {uri.GetLeftPart(UriPartial.Authority)}, not {http.BaseAddress}.");
        }

        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAccessTokenAsync(options.Value.Scope, cancellationToken).ConfigureAwait(false));
        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        GraphErrorBody? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync<GraphErrorBody>(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            // Not Graph's error shape: the status says enough.
        }

        throw new GraphRequestException(
            response.StatusCode,
            error?.Error?.Code,
            $"Graph refused to {what}: {(int)response.StatusCode} {error?.Error?.Code} {error?.Error?.Message}".TrimEnd());
    }

    private IReadOnlyList<string> RoleOrder(List<string> roles)
    {
        // Configuration order, so answers do not depend on which call filled the cache.
        var order = options.Value.RoleGroups.Keys.ToList();
        return [.. roles.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(r => order.FindIndex(o => string.Equals(o, r, StringComparison.OrdinalIgnoreCase)))];
    }

    internal sealed record GraphUser(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("userPrincipalName")] string? UserPrincipalName);

    private sealed record ValuePage<T>(
        [property: JsonPropertyName("value")] IReadOnlyList<T>? Value,
        [property: JsonPropertyName("@odata.nextLink")] string? NextLink);

    private sealed record CheckMemberGroupsRequest([property: JsonPropertyName("groupIds")] IReadOnlyList<string> GroupIds);

    private sealed record GraphErrorBody([property: JsonPropertyName("error")] GraphError? Error);

    private sealed record GraphError(
        [property: JsonPropertyName("code")] string? Code,
        [property: JsonPropertyName("message")] string? Message);
}

/// <summary>Graph answered with an error that retrying does not cure (or retries ran out).</summary>
public sealed class GraphRequestException(HttpStatusCode status, string? errorCode, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Graph's <c>error.code</c>, e.g. <c>Authorization_RequestDenied</c>.</summary>
    public string? ErrorCode { get; } = errorCode;
}

/// <summary>
/// The directory's cache: entries live for <see cref="GraphOptions.CacheDuration"/>; concurrent lookups of one key share
/// one Graph call; a failed lookup is not cached.
/// </summary>
public sealed class GraphDirectoryCache(IOptions<GraphOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    internal async Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (entries.TryGetValue(key, out var existing) && existing.Until > now)
            {
                return (T)(await existing.Value.WaitAsync(cancellationToken).ConfigureAwait(false))!;
            }

            // The load is not bound to one caller's cancellation: others may be waiting on it.
            var fresh = new Entry(new Lazy<Task<object?>>(async () => await load(CancellationToken.None).ConfigureAwait(false)), now + options.Value.CacheDuration);
            if (existing is null ? !entries.TryAdd(key, fresh) : !entries.TryUpdate(key, fresh, existing))
            {
                continue;
            }

            try
            {
                return (T)(await fresh.Value.WaitAsync(cancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                entries.TryRemove(KeyValuePair.Create(key, fresh));
                throw;
            }
        }
    }

    /// <summary>Forgets everything, e.g. after a group change that must apply at once.</summary>
    public void Clear() => entries.Clear();

    private sealed class Entry(Lazy<Task<object?>> value, DateTimeOffset until)
    {
        public Task<object?> Value => value.Value;

        public DateTimeOffset Until { get; } = until;
    }
}
