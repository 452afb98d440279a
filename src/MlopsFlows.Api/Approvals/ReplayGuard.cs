using System.Collections.Concurrent;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// Remembers one-time things (an actionable-message token, a bot invoke's activity id) until they expire, so each is
/// accepted once. Scopes keep kinds apart.
/// </summary>
public interface IReplayGuard
{
    /// <summary>True the first time <paramref name="id"/> is seen in <paramref name="scope"/> before <paramref name="expiresAt"/>; false on a replay.</summary>
    Task<bool> TryFirstUseAsync(string scope, string id, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

/// <summary>
/// The replay guard of one process: enough for the local host and a single instance. Expired entries are dropped as
/// new ones arrive, so memory follows the number of live tokens.
/// </summary>
public sealed class MemoryReplayGuard(TimeProvider clock) : IReplayGuard
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> seen = new(StringComparer.Ordinal);

    public Task<bool> TryFirstUseAsync(string scope, string id, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var now = clock.GetUtcNow();
        foreach (var (key, until) in seen)
        {
            if (until < now)
            {
                seen.TryRemove(key, out _);
            }
        }

        // Kept past expiry by the validators' clock skew, within which an expired token is still accepted.
        var keepUntil = (expiresAt > now ? expiresAt : now) + ClockSkew;
        return Task.FromResult(seen.TryAdd($"{scope}\n{id}", keepUntil));
    }
}
