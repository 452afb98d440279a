using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Teams;

/// <summary>
/// The Teams approval bot. Bound from <c>MlopsFlows:Teams</c>; the channel is on when <see cref="BotAppId"/> is set.
/// The bot's own token comes from the <see cref="Identity.IAccessTokenSource"/> (scope <see cref="BotFrameworkScope"/>).
/// </summary>
public sealed class TeamsOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Teams";

    /// <summary>The scope of the bot's client-credentials token for the Bot Connector.</summary>
    public const string BotFrameworkScope = "https://api.botframework.com/.default";

    /// <summary>The bot's Microsoft app id (its Entra app registration). Default none: no Teams cards. Key: <c>MlopsFlows:Teams:BotAppId</c>.</summary>
    public string? BotAppId { get; set; }

    /// <summary>The Entra tenant of the approvers (conversations are created in it). Key: <c>MlopsFlows:Teams:TenantId</c>.</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// The Bot Connector service URL for proactive messages, e.g. <c>https://smba.trafficmanager.net/emea/</c> (Teams'
    /// regional URL; the fake connector's locally). Key: <c>MlopsFlows:Teams:ServiceUrl</c>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Timeout of one Bot Connector call. Default 30 seconds. Key: <c>MlopsFlows:Teams:RequestTimeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How the bot signs in to the Bot Connector: client credentials (the bot's app id and secret; multi-tenant bots use
    /// <c>https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token</c>), or, when not set, the host's managed
    /// identity through <c>DefaultAzureCredential</c> (single-tenant bots). Key: <c>MlopsFlows:Teams:ClientCredentials</c>.
    /// </summary>
    public Identity.ClientCredentialsOptions? ClientCredentials { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(BotAppId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(TenantId))
        {
            yield return new ValidationResult($"{SectionName}:TenantId is required with a BotAppId.", [nameof(TenantId)]);
        }

        if (ServiceUrl is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            yield return new ValidationResult($"{SectionName}:ServiceUrl must be an https URL (http only on loopback) with a BotAppId.", [nameof(ServiceUrl)]);
        }
    }
}
