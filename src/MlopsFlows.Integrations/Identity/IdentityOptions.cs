using System.ComponentModel.DataAnnotations;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Identity;

/// <summary>
/// Who may sign the tokens of each <see cref="TokenKind"/> and for which audience. Bound from <c>MlopsFlows:Identity</c>
/// and validated when the host starts. Azure defaults come from three settings: <see cref="TenantId"/> trusts Entra ID
/// (v2.0 and v1 issuers of the tenant) for <see cref="Api"/> and <see cref="ActionableMessage"/>;
/// <see cref="BotConnector"/> trusts the Bot Framework whenever it has an audience. Locally, add the development issuer:
/// <code>
/// "Identity": {
///   "Api": { "Audiences": [ "api://mlopsflows" ], "Issuers": [ { "MetadataAddress": "http://127.0.0.1:5123/.well-known/openid-configuration" } ] }
/// }
/// </code>
/// </summary>
public sealed class IdentityOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Identity";

    /// <summary>The Bot Framework's public-cloud OpenID metadata (its path really has no hyphen).</summary>
    public const string BotFrameworkMetadataAddress = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The issuer of Bot Connector tokens.</summary>
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>
    /// The Entra tenant (directory) id. When set, Entra ID of this tenant is trusted for <see cref="Api"/> and
    /// <see cref="ActionableMessage"/> tokens. Default none. Key: <c>MlopsFlows:Identity:TenantId</c>.
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>The Entra authority host (sovereign clouds differ). Default <c>https://login.microsoftonline.com</c>. Key: <c>MlopsFlows:Identity:Instance</c>.</summary>
    public Uri Instance { get; set; } = new("https://login.microsoftonline.com");

    /// <summary>Tolerance for clocks that differ, applied to <c>exp</c> and <c>nbf</c>. Default 2 minutes. Key: <c>MlopsFlows:Identity:ClockSkew</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The shortest time between two metadata refreshes caused by an unknown key id, so a flood of forged key ids cannot
    /// hammer the issuer. Default 5 minutes (at least 1 second). Key: <c>MlopsFlows:Identity:KeyRefreshInterval</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a validation waits for refreshed metadata after meeting an unknown key id. Default 5 seconds.
    /// Key: <c>MlopsFlows:Identity:KeyRefreshWait</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan KeyRefreshWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one metadata or JWKS request. Default 10 seconds. Key: <c>MlopsFlows:Identity:MetadataTimeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many token uses the replay guard remembers at once; when full of unexpired entries it refuses new ones (fails
    /// closed). Default 100,000. Key: <c>MlopsFlows:Identity:ReplayCapacity</c>.
    /// </summary>
    [Range(100, 10_000_000)]
    public int ReplayCapacity { get; set; } = 100_000;

    /// <summary>
    /// Honour the <c>X-MS-CLIENT-PRINCIPAL</c> header set by App Service / Functions authentication ("Easy Auth"),
    /// which strips it from outside requests. Default false: anywhere else anyone can send that header.
    /// Key: <c>MlopsFlows:Identity:TrustAppServiceAuthentication</c>.
    /// </summary>
    public bool TrustAppServiceAuthentication { get; set; }

    /// <summary>Callers of the API and the web approval page. Audiences: the API's app id URI and/or client id.</summary>
    public TokenKindOptions Api { get; set; } = new();

    /// <summary>The Bot Framework connector. Audience: the bot's Microsoft app id.</summary>
    public TokenKindOptions BotConnector { get; set; } = new();

    /// <summary>Outlook actionable messages. Audience: the public base URL, e.g. <c>https://mlopsflows.contoso.com</c>.</summary>
    public ActionableMessageOptions ActionableMessage { get; set; } = new();

    public TokenKindOptions For(TokenKind kind) => kind switch
    {
        TokenKind.Api => Api,
        TokenKind.BotConnector => BotConnector,
        TokenKind.ActionableMessage => ActionableMessage,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind."),
    };

    /// <summary>The issuers trusted for <paramref name="kind"/>: the configured ones, then the Azure defaults.</summary>
    public IReadOnlyList<TrustedIssuer> TrustedIssuers(TokenKind kind)
    {
        var options = For(kind);
        var issuers = new List<TrustedIssuer>(options.Issuers);
        if (!options.UseAzureIssuers)
        {
            return issuers;
        }

        if (kind == TokenKind.BotConnector && options.Audiences.Count > 0)
        {
            issuers.Add(new TrustedIssuer { MetadataAddress = BotFrameworkMetadataAddress, ValidIssuers = { BotFrameworkIssuer } });
        }
        else if (kind != TokenKind.BotConnector && !string.IsNullOrWhiteSpace(TenantId))
        {
            var authority = Instance.AbsoluteUri.TrimEnd('/') + "/" + TenantId.Trim();
            issuers.Add(new TrustedIssuer
            {
                MetadataAddress = authority + "/v2.0/.well-known/openid-configuration",
                // v1 tokens (accessTokenAcceptedVersion 1) carry the sts.windows.net issuer; the tenant's keys are the same.
                ValidIssuers = { authority + "/v2.0", $"https://sts.windows.net/{TenantId.Trim()}/" },
            });
        }

        return issuers;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var kind in Enum.GetValues<TokenKind>())
        {
            var options = For(kind);
            for (var i = 0; i < options.Issuers.Count; i++)
            {
                var address = options.Issuers[i].MetadataAddress;
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
                {
                    yield return new ValidationResult(
                        $"{SectionName}:{kind}:Issuers:{i}:MetadataAddress must be an https URL (http only on loopback), not '{address}'.",
                        [kind.ToString()]);
                }
            }

            if (options.Audiences.Any(string.IsNullOrWhiteSpace))
            {
                yield return new ValidationResult($"{SectionName}:{kind}:Audiences has a blank entry.", [kind.ToString()]);
            }
        }
    }
}

/// <summary>The issuers and audiences of one token kind.</summary>
public class TokenKindOptions
{
    /// <summary>Issuers trusted besides the Azure defaults, e.g. the development issuer. Key: <c>…:{Kind}:Issuers:{n}:MetadataAddress|ValidIssuers:{m}</c>.</summary>
    public IList<TrustedIssuer> Issuers { get; } = [];

    /// <summary>The accepted <c>aud</c> values; none means every token of the kind is refused. Key: <c>…:{Kind}:Audiences:{n}</c>.</summary>
    public IList<string> Audiences { get; } = [];

    /// <summary>Add the Azure defaults (see <see cref="IdentityOptions"/>). Default true. Key: <c>…:{Kind}:UseAzureIssuers</c>.</summary>
    public bool UseAzureIssuers { get; set; } = true;
}

/// <summary>Actionable-message tokens: Entra tokens for our app registration, sent on behalf of the service mailbox.</summary>
public sealed class ActionableMessageOptions : TokenKindOptions
{
    /// <summary>
    /// The mailbox the approval emails are sent from; when set, a token's <c>sender</c> claim must equal it (ignoring
    /// case). Default none (not checked). Key: <c>MlopsFlows:Identity:ActionableMessage:Sender</c>.
    /// </summary>
    public string? Sender { get; set; }
}

/// <summary>One issuer: where its OpenID metadata (and so its keys) are, and which <c>iss</c> values it signs as.</summary>
public sealed class TrustedIssuer
{
    /// <summary>The OpenID metadata URL. https, or http on loopback (the development issuer).</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// The accepted <c>iss</c> values. Default: the metadata address without <c>/.well-known/openid-configuration</c>
    /// (OpenID Discovery's rule for where an issuer publishes its metadata).
    /// </summary>
    public IList<string> ValidIssuers { get; } = [];

    public IReadOnlyList<string> IssuerValues()
    {
        if (ValidIssuers.Count > 0)
        {
            return [.. ValidIssuers];
        }

        const string suffix = "/.well-known/openid-configuration";
        var address = MetadataAddress ?? string.Empty;
        return address.EndsWith(suffix, StringComparison.Ordinal) ? [address[..^suffix.Length]] : [];
    }
}
