using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>How canaries are observed. Bound from <c>MlopsFlows:Databricks:Canary</c>; every property has a default.</summary>
public sealed class CanaryTelemetryOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Databricks:Canary";

    /// <summary>
    /// The most latency values and the most predictions kept per version; larger samples are thinned in proportion
    /// (the observation is an activity result, so it is stored in the orchestration history). Default 1,000.
    /// Key: <c>MlopsFlows:Databricks:Canary:SampleCap</c>.
    /// </summary>
    [Range(10, 100_000)]
    public int SampleCap { get; set; } = 1_000;

    /// <summary>
    /// Where the predictions each version returned are read (an HTTP service over the endpoint's inference table):
    /// <c>GET {PredictionsUrl}?endpoint=&amp;model=&amp;version=&amp;from=&amp;to=</c> answering
    /// <c>{"predictions":[0.42, …]}</c>. Default none: no predictions, so the judge's prediction-drift check is
    /// inconclusive (never a pass). No Databricks token is sent there. Key: <c>MlopsFlows:Databricks:Canary:PredictionsUrl</c>.
    /// </summary>
    public Uri? PredictionsUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PredictionsUrl is not null && (!PredictionsUrl.IsAbsoluteUri || (PredictionsUrl.Scheme != Uri.UriSchemeHttps && PredictionsUrl.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("PredictionsUrl must be an absolute http or https URL.", [nameof(PredictionsUrl)]);
        }
    }
}

/// <summary>How shadow traffic is replayed. Bound from <c>MlopsFlows:Databricks:Shadow</c>; every property has a default.</summary>
public sealed class ShadowReplayOptions
{
    public const string SectionName = "MlopsFlows:Databricks:Shadow";

    /// <summary>
    /// The folder of request samples: <c>{SamplesDirectory}/{endpoint}.jsonl</c>, one request body per line (the JSON
    /// the endpoint was called with, e.g. <c>{"dataframe_records":[…]}</c>), taken from recent production traffic.
    /// Default none: a shadow replay then fails, naming this key. Key: <c>MlopsFlows:Databricks:Shadow:SamplesDirectory</c>.
    /// </summary>
    public string? SamplesDirectory { get; set; }

    /// <summary>
    /// The most sample requests replayed per shadow observation (each is sent to both versions). Default 200.
    /// Key: <c>MlopsFlows:Databricks:Shadow:MaxRequests</c>.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxRequests { get; set; } = 200;

    /// <summary>
    /// How long one replayed request may take before it counts as an error. Replays are never retried: a retry would
    /// hide the version's errors and distort its latency. Default 30 seconds.
    /// Key: <c>MlopsFlows:Databricks:Shadow:InvocationTimeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
