using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Identity;

/// <summary>Convenience for callers holding a <see cref="VerifiedPrincipal"/>.</summary>
public static class TokenReplayGuardExtensions
{
    /// <summary>Spends the principal's token for <paramref name="scope"/>, remembered until the token expires.</summary>
    public static bool TryUse(this ITokenReplayGuard guard, VerifiedPrincipal principal, string scope)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(principal);
        return guard.TryUse(principal.TokenId, scope, principal.ExpiresAt);
    }
}

/// <summary>
/// The in-memory <see cref="ITokenReplayGuard"/>: one per process, bounded by <see cref="IdentityOptions.ReplayCapacity"/>.
/// Entries leave once their token has expired (and the clock skew has passed), so a token can never be spent again
/// while it would still validate. With several instances behind a load balancer each remembers its own uses; the
/// approval workflow's one-vote-per-person rule still holds across them.
/// </summary>
public sealed class InMemoryTokenReplayGuard(IOptions<IdentityOptions> options, TimeProvider time) : ITokenReplayGuard
{
    private static readonly TimeSpan UnknownExpiryRetention = TimeSpan.FromDays(1);
    private readonly Dictionary<(string Scope, string TokenId), DateTimeOffset> used = [];
    private readonly PriorityQueue<(string Scope, string TokenId), DateTimeOffset> expiries = new();
    private readonly Lock gate = new();

    public bool TryUse(string tokenId, string scope) => TryUse(tokenId, scope, time.GetUtcNow() + UnknownExpiryRetention);

    public bool TryUse(string tokenId, string scope, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var forgetAt = expiresAt + settings.ClockSkew;
        var key = (scope, tokenId);
        lock (gate)
        {
            Evict(now);
            if (used.ContainsKey(key) || used.Count >= settings.ReplayCapacity)
            {
                return false;
            }

            used[key] = forgetAt;
            expiries.Enqueue(key, forgetAt);
            return true;
        }
    }

    /// <summary>How many uses are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                Evict(time.GetUtcNow());
                return used.Count;
            }
        }
    }

    private void Evict(DateTimeOffset now)
    {
        while (expiries.TryPeek(out var key, out var forgetAt) && forgetAt <= now)
        {
            expiries.Dequeue();
            used.Remove(key);
        }
    }
}
