namespace MlopsFlows.DevServices.Identity;

/// <summary>
/// A token the <see cref="DevelopmentTokenIssuer"/> should mint. Left out, a value takes its default: subject = object
/// id, valid from now for an hour, a fresh <c>jti</c>, issued and signed by the issuer itself. The last four properties
/// make the bad tokens the security tests need: expired or not yet valid (<see cref="NotBefore"/>,
/// <see cref="Lifetime"/>), for another audience (<see cref="Audience"/>), from another issuer (<see cref="Issuer"/>)
/// or signed with a key the issuer does not publish (<see cref="SignWithForeignKey"/>).
/// </summary>
public sealed record DevelopmentTokenRequest
{
    /// <summary>The <c>aud</c> claim, e.g. <c>api://mlopsflows</c> or the public base URL for actionable messages.</summary>
    public required string Audience { get; init; }

    /// <summary>The <c>oid</c> claim (directory object id); none when null.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The <c>upn</c> claim; none when null.</summary>
    public string? Upn { get; init; }

    /// <summary>The <c>sub</c> claim. Default: <see cref="ObjectId"/>, else a fixed development subject.</summary>
    public string? Subject { get; init; }

    /// <summary>How long the token is valid from <see cref="NotBefore"/>. Default one hour.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The <c>nbf</c> (and <c>iat</c>) time. Default now. In the past with a short <see cref="Lifetime"/> makes an expired
    /// token; in the future a token that is not valid yet.
    /// </summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The <c>jti</c> claim. Default a fresh GUID.</summary>
    public string? TokenId { get; init; }

    /// <summary>Further claims (strings, numbers, booleans or arrays of them), e.g. <c>serviceurl</c>, <c>sender</c>, <c>roles</c>.</summary>
    public IReadOnlyDictionary<string, object>? Claims { get; init; }

    /// <summary>The <c>iss</c> claim. Default the issuer's own URL; anything else forges a token of another issuer, signed with this issuer's key.</summary>
    public string? Issuer { get; init; }

    /// <summary>
    /// Sign with a key the issuer never publishes, under the current key id: the signature cannot be verified even though
    /// the key id is known.
    /// </summary>
    public bool SignWithForeignKey { get; init; }
}

/// <summary>A client (app registration) allowed to get tokens from the issuer's client-credentials endpoint.</summary>
/// <param name="ObjectId">The service principal's object id, written as <c>oid</c> and <c>sub</c>; default the client id.</param>
/// <param name="Roles">App roles written as the <c>roles</c> claim; none by default.</param>
public sealed record DevelopmentClient(string ClientId, string ClientSecret, string? ObjectId = null, IReadOnlyList<string>? Roles = null)
{
    // A record prints its members; a secret must not reach a log through ToString.
    public override string ToString() => $"DevelopmentClient {{ ClientId = {ClientId} }}";
}

/// <summary>One request the client-credentials endpoint received; the secret is never kept.</summary>
/// <param name="Form">The form fields as received, except <c>client_secret</c>, whose value is replaced by <c>***</c>.</param>
/// <param name="Status">The HTTP status the endpoint answered.</param>
public sealed record TokenEndpointRequest(string ContentType, IReadOnlyDictionary<string, string> Form, int Status);
