using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// How to reach one Databricks workspace. Bound from <c>MlopsFlows:Databricks</c> and validated when the host starts.
/// </summary>
public sealed class DatabricksOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Databricks";

    /// <summary>The Entra ID resource of Azure Databricks; tokens for the REST API are asked for this scope.</summary>
    public const string AzureDatabricksScope = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

    /// <summary>
    /// Workspace URL, e.g. <c>https://adb-1234567890123456.7.azuredatabricks.net</c>. Required; absolute http or https.
    /// Key: <c>MlopsFlows:Databricks:WorkspaceUrl</c>.
    /// </summary>
    [Required]
    public Uri? WorkspaceUrl { get; set; }

    /// <summary>
    /// Personal access token, for development and the local simulator. Default empty: the service then signs in with
    /// <c>DefaultAzureCredential</c> (managed identity in Azure) for <see cref="AzureDatabricksScope"/>. Never logged.
    /// Key: <c>MlopsFlows:Databricks:Token</c>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// How long a serving configuration update may take before giving up (Databricks may need minutes to provision a
    /// served entity). Default 20 minutes. Key: <c>MlopsFlows:Databricks:ConfigUpdateTimeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ConfigUpdateTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// How often to look at an endpoint while a configuration update is in progress. Default 5 seconds.
    /// Key: <c>MlopsFlows:Databricks:ConfigUpdatePollInterval</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ConfigUpdatePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Retries of one REST call on throttling (429, honouring Retry-After), server errors and timeouts. Default 3.
    /// Key: <c>MlopsFlows:Databricks:RetryAttempts</c>.
    /// </summary>
    [Range(1, 10)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>
    /// Base delay between retries, growing exponentially with jitter; a Retry-After header overrides it. Default 1 second.
    /// Key: <c>MlopsFlows:Databricks:RetryDelay</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one attempt of a REST call. Default 10 seconds. Key: <c>MlopsFlows:Databricks:AttemptTimeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Timeout of one REST call including its retries; must exceed <see cref="AttemptTimeout"/>. Default 60 seconds.
    /// Key: <c>MlopsFlows:Databricks:RequestTimeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most entries (files and folders) read from a training run's artefact listing; the rest are left out and the
    /// cut is logged. Default 1,000. Key: <c>MlopsFlows:Databricks:MaxArtefacts</c>.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxArtefacts { get; set; } = 1_000;

    /// <summary>
    /// How many folder levels of a run's artefacts are listed (1 = the root only). Default 4.
    /// Key: <c>MlopsFlows:Databricks:MaxArtefactDepth</c>.
    /// </summary>
    [Range(1, 32)]
    public int MaxArtefactDepth { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WorkspaceUrl is not null && (!WorkspaceUrl.IsAbsoluteUri || (WorkspaceUrl.Scheme != Uri.UriSchemeHttps && WorkspaceUrl.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("WorkspaceUrl must be an absolute http or https URL.", [nameof(WorkspaceUrl)]);
        }

        if (RequestTimeout <= AttemptTimeout)
        {
            yield return new ValidationResult("RequestTimeout must be longer than AttemptTimeout.", [nameof(RequestTimeout), nameof(AttemptTimeout)]);
        }

        if (ConfigUpdatePollInterval >= ConfigUpdateTimeout)
        {
            yield return new ValidationResult("ConfigUpdatePollInterval must be shorter than ConfigUpdateTimeout.", [nameof(ConfigUpdatePollInterval)]);
        }
    }
}
