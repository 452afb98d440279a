using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Graph;

/// <summary>One request the fake Graph received, for contract tests.</summary>
/// <param name="Query">The query string including its leading <c>?</c>, or empty.</param>
/// <param name="Authorization">The Authorization header as sent, or null.</param>
/// <param name="Body">The body as text, or null when there was none.</param>
public sealed record GraphRequest(string Method, string Path, string Query, string? Authorization, string? Body);

/// <summary>
/// The directory behind the fake Microsoft Graph (<see cref="GraphDirectoryEndpoints"/>): users, groups whose members
/// are users or groups (membership is resolved transitively, as Graph does), the page size of member listings, and the
/// requests received. Requests must carry a token of <paramref name="issuer"/> for the Graph audience.
/// Thread-safe; one instance per fake.
/// </summary>
public sealed class GraphDirectoryState(DevelopmentTokenIssuer issuer)
{
    /// <summary>The audience of Graph tokens (what the client-credentials scope <c>https://graph.microsoft.com/.default</c> yields).</summary>
    public const string Audience = "https://graph.microsoft.com";

    private const int MaxRecordedRequests = 10_000;
    private readonly JsonWebTokenHandler tokens = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, GraphUser> users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, GraphGroup> groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<GraphRequest> requests = new();

    /// <summary>How many members one page of a listing holds when the request names no <c>$top</c>. Default 100 (Graph's).</summary>
    public int PageSize { get; set; } = 100;

    public IReadOnlyList<GraphRequest> Requests => [.. requests];

    public void AddUser(string id, string userPrincipalName, string? displayName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
        users[id] = new GraphUser(id, userPrincipalName, displayName ?? userPrincipalName.Split('@')[0]);
    }

    /// <summary>Adds a group; <paramref name="memberIds"/> are user or group ids (nested groups count transitively).</summary>
    public void AddGroup(string id, string displayName, params string[] memberIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        groups[id] = new GraphGroup(id, displayName, [.. memberIds]);
    }

    public void ClearRequests() => requests.Clear();

    internal void Record(GraphRequest request)
    {
        requests.Enqueue(request);
        while (requests.Count > MaxRecordedRequests && requests.TryDequeue(out _))
        {
        }
    }

    internal GraphUser? FindUser(string idOrUpn) =>
        users.TryGetValue(idOrUpn, out var byId)
            ? byId
            : users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));

    internal bool GroupExists(string id) => groups.ContainsKey(id);

    /// <summary>The users in a group and its nested groups, each once, in a stable order.</summary>
    internal IReadOnlyList<GraphUser> TransitiveUsers(string groupId)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var found = new List<GraphUser>();
        var pending = new Stack<string>([groupId]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current) || !groups.TryGetValue(current, out var group))
            {
                continue;
            }

            foreach (var member in group.Members)
            {
                if (users.TryGetValue(member, out var user) && found.TrueForAll(u => u.Id != user.Id))
                {
                    found.Add(user);
                }
                else if (groups.ContainsKey(member))
                {
                    pending.Push(member);
                }
            }
        }

        return [.. found.OrderBy(u => u.Id, StringComparer.Ordinal)];
    }

    /// <summary>Null when the bearer token is a valid Graph token of the development issuer; otherwise why not.</summary>
    internal async Task<string?> ProblemWithTokenAsync(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "Access token is empty.";
        }

        var result = await tokens.ValidateTokenAsync(authorization["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = issuer.PublishedKeys(),
            ClockSkew = TimeSpan.FromMinutes(1),
        }).ConfigureAwait(false);
        return result.IsValid ? null : "Access token validation failure. Invalid audience, issuer, signature or lifetime.";
    }

    internal sealed record GraphUser(string Id, string UserPrincipalName, string DisplayName);

    private sealed record GraphGroup(string Id, string DisplayName, IReadOnlyList<string> Members);
}
