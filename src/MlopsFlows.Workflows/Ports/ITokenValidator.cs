namespace MlopsFlows.Workflows.Ports;

/// <summary>Whose token a request carries. Each kind has its own trusted issuers, audience and extra checks.</summary>
public enum TokenKind
{
    /// <summary>A caller of the HTTP API or the web approval page: an Entra token for our app registration (audience = the API's app id URI).</summary>
    Api,

    /// <summary>The Bot Framework connector calling the bot endpoint (issuer api.botframework.com, audience = the bot's app id).</summary>
    BotConnector,

    /// <summary>Outlook posting an actionable-message action (audience = our public base URL, sender = the service mailbox).</summary>
    ActionableMessage,
}

/// <summary>What a valid token proves.</summary>
/// <param name="Subject">The token's subject (<c>sub</c>), or the calling app id for service tokens.</param>
/// <param name="ObjectId">The directory object id (<c>oid</c>) of the person or service principal, when the token carries one.</param>
/// <param name="Upn">The user principal name (<c>upn</c> or <c>preferred_username</c>), when present.</param>
/// <param name="TokenId">A unique id of this token (<c>jti</c>, else <c>uti</c>, else a hash of the token), for replay checks.</param>
/// <param name="Claims">Other claims the callers need (e.g. <c>serviceurl</c> for the bot, <c>sender</c> for actionable messages, <c>roles</c>).</param>
public sealed record VerifiedPrincipal(
    string Subject,
    string? ObjectId,
    string? Upn,
    string Issuer,
    string TokenId,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Claims);

/// <summary>The outcome of validating a token: a principal, or the reason it was refused (for the audit trail; never the token itself).</summary>
public sealed record TokenVerdict(VerifiedPrincipal? Principal, string? Refusal)
{
    public bool IsValid => Principal is not null;

    public static TokenVerdict Valid(VerifiedPrincipal principal) => new(principal, null);

    public static TokenVerdict Refused(string reason) => new(null, reason);
}

/// <summary>
/// Validates bearer tokens: signature against the issuer's published keys, issuer, audience, lifetime, and the kind's
/// own checks. Never throws for a bad token; it returns the refusal. In Azure the issuers are Entra ID and the Bot
/// Framework; locally a development issuer with its own key is trusted, so tests run the same code.
/// </summary>
public interface ITokenValidator
{
    Task<TokenVerdict> ValidateAsync(string token, TokenKind kind, CancellationToken cancellationToken);
}
