namespace MlopsFlows.Workflows.Ports;

/// <summary>
/// Remembers which token was used for what, so a token cannot be used twice for the same purpose.
/// <para>
/// Scopes callers should use: <see cref="ActionableMessageScope"/> is applied by the token validator itself
/// (an Outlook action token is single-use). For a decision taken with a reusable token (a web page's Entra token, a Bot
/// Connector token, which the connector reuses for an hour across activities; a bot invoke's activity id with
/// <see cref="BotInvokeScope"/>) use <see cref="DecisionScope"/>: one token
/// casts at most one decision per approval, so a captured request cannot be replayed to vote again (the second vote of
/// a person is refused by the approval rules anyway; this refuses it before it reaches a workflow).
/// </para>
/// </summary>
public interface ITokenReplayGuard
{
    /// <summary>
    /// Records the use of <paramref name="tokenId"/> for <paramref name="scope"/> and returns true, or returns false when
    /// it was used for that scope before (or the guard is full: it fails closed). The entry is kept for the longest
    /// token lifetime Entra issues (a day); prefer the overload with the token's expiry.
    /// </summary>
    bool TryUse(string tokenId, string scope);

    /// <summary>As <see cref="TryUse(string, string)"/>, keeping the entry until <paramref name="expiresAt"/> (plus clock skew).</summary>
    bool TryUse(string tokenId, string scope, DateTimeOffset expiresAt);

    /// <summary>The scope under which every actionable-message token is spent.</summary>
    public const string ActionableMessageScope = "actionable-message";

    /// <summary>The scope under which a Teams invoke's activity id is spent: a replayed invoke is not a second vote.</summary>
    public const string BotInvokeScope = "bot-invoke";

    /// <summary>The scope for a decision (vote, command) on one approval, e.g. <c>decision:{approval instance id}</c>.</summary>
    public static string DecisionScope(string approvalId) => "decision:" + approvalId;
}
