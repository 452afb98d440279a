using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// Which Databricks job retrains which model. Bound from <c>MlopsFlows:Monitoring:Retraining</c>; the workspace and
/// its credentials are the Databricks integration's (<c>MlopsFlows:Databricks</c>).
/// </summary>
public sealed class RetrainingJobOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Monitoring:Retraining";

    /// <summary>
    /// Job id per model full name, e.g. <c>MlopsFlows:Monitoring:Retraining:Jobs:main.credit.scorer = 123</c>. Default none.
    /// </summary>
    public IDictionary<string, long> Jobs { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>The job for models not listed in <see cref="Jobs"/>; none by default (such a model cannot be retrained). Key: <c>MlopsFlows:Monitoring:Retraining:DefaultJobId</c>.</summary>
    public long? DefaultJobId { get; set; }

    /// <summary>The job parameter that receives the model's full name. Default <c>model</c>. Key: <c>MlopsFlows:Monitoring:Retraining:ModelParameter</c>.</summary>
    [Required]
    public string ModelParameter { get; set; } = "model";

    /// <summary>The job of a model, if any.</summary>
    public long? JobFor(string model) => Jobs.TryGetValue(model, out var job) ? job : DefaultJobId;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultJobId is <= 0 || Jobs.Values.Any(id => id <= 0))
        {
            yield return new ValidationResult("Databricks job ids are positive numbers.", [nameof(Jobs), nameof(DefaultJobId)]);
        }
    }
}
