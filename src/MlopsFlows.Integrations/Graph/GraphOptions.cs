using System.ComponentModel.DataAnnotations;
using MlopsFlows.Integrations.Identity;

namespace MlopsFlows.Integrations.Graph;

/// <summary>
/// The Microsoft Graph approver directory. Bound from <c>MlopsFlows:Graph</c>; used instead of the configured directory
/// as soon as <see cref="RoleGroups"/> has an entry:
/// <code>
/// "Graph": { "RoleGroups": { "model-validation": "3f2a…", "risk": "8c1d…" } }
/// </code>
/// </summary>
public sealed class GraphOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Graph";

    /// <summary>Graph's root, without the version. Default <c>https://graph.microsoft.com</c>. Key: <c>MlopsFlows:Graph:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.microsoft.com");

    /// <summary>Policy role → Entra group object id; membership is transitive (nested groups count). Key: <c>MlopsFlows:Graph:RoleGroups:{role}</c>.</summary>
    public IDictionary<string, string> RoleGroups { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a looked-up person or group listing is reused. Default 5 minutes. Key: <c>MlopsFlows:Graph:CacheDuration</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The token scope. Default <c>https://graph.microsoft.com/.default</c> (needs User.Read.All and GroupMember.Read.All). Key: <c>MlopsFlows:Graph:Scope</c>.</summary>
    public string Scope { get; set; } = "https://graph.microsoft.com/.default";

    /// <summary>
    /// Sign in with a client secret at a token endpoint instead of <c>DefaultAzureCredential</c>: for the development
    /// issuer locally. Key: <c>MlopsFlows:Graph:ClientCredentials:TokenEndpoint|ClientId|ClientSecret</c>.
    /// </summary>
    public ClientCredentialsOptions? ClientCredentials { get; set; }

    /// <summary>Timeout of one attempt of a Graph call. Default 10 seconds. Key: <c>MlopsFlows:Graph:AttemptTimeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Base delay between retries of throttled (429, Retry-After honoured) or failed calls. Default 1 second. Key: <c>MlopsFlows:Graph:RetryDelay</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || !(BaseUrl.Scheme == Uri.UriSchemeHttps || (BaseUrl.Scheme == Uri.UriSchemeHttp && BaseUrl.IsLoopback)))
        {
            yield return new ValidationResult($"{SectionName}:BaseUrl must be an https URL (http only on loopback).", [nameof(BaseUrl)]);
        }

        foreach (var (role, group) in RoleGroups)
        {
            if (string.IsNullOrWhiteSpace(role) || string.IsNullOrWhiteSpace(group))
            {
                yield return new ValidationResult($"{SectionName}:RoleGroups:{role} must name a group object id.", [nameof(RoleGroups)]);
            }
        }

        if (ClientCredentials is { } credentials &&
            (credentials.TokenEndpoint is null || string.IsNullOrWhiteSpace(credentials.ClientId) || string.IsNullOrWhiteSpace(credentials.ClientSecret)))
        {
            yield return new ValidationResult($"{SectionName}:ClientCredentials needs TokenEndpoint, ClientId and ClientSecret.", [nameof(ClientCredentials)]);
        }
    }
}
