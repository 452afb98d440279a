using System.Text.Json.Serialization;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Workflows.Ports;

/// <summary>A registered model version as the registry knows it, with the evaluation metrics its training run logged.</summary>
/// <param name="Metrics">May hold NaN (training runs log it); serialized as "NaN" so the gate, not JSON, rejects it.</param>
public sealed record ModelVersionDetails(
    string Model,
    int Version,
    string? RunId,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Who registered the version (Unity Catalog <c>created_by</c>): the model's developer for segregation of duties.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>
    /// The version's tags. Conventions read by the gates: <c>model_card.&lt;field&gt;</c> holds the model card's fields;
    /// <c>evaluation_set</c> and <c>evaluation_set_version</c> name the evaluation data the metrics were computed on.
    /// </summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The training run's parameters (MLflow logs each value as a string); empty without a run.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Paths of the artefacts the training run logged (relative to the run's artefact root).</summary>
    public IReadOnlyList<string> Artefacts { get; init; } = [];

    /// <summary>
    /// Where the version came from: Unity Catalog's <c>source</c> and <c>storage_location</c>; the version tags
    /// <c>artifact_sha256</c>, <c>features</c>, <c>target</c> and <c>environment.*</c>; the training run's tags
    /// <c>mlflow.source.git.commit</c>, <c>mlflow.source.git.repoURL</c>, <c>mlflow.source.name</c>,
    /// <c>mlflow.databricks.runtime</c> and <c>environment.*</c>; and its logged dataset inputs
    /// (see <see cref="ModelLineage"/> for how each is read).
    /// </summary>
    public ModelLineage Lineage { get; init; } = ModelLineage.Empty;
}

/// <summary>A registered model: its inventory tags (the risk tier among them) and its aliases.</summary>
public sealed record RegisteredModelDetails(
    string Name,
    string? Owner,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, int> Aliases);

/// <summary>The model registry (Unity Catalog on Databricks).</summary>
public interface IModelRegistry
{
    /// <exception cref="DependencyNotFoundException">The model or version does not exist.</exception>
    Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken);

    /// <exception cref="DependencyNotFoundException">The model does not exist.</exception>
    Task<RegisteredModelDetails> GetRegisteredModelAsync(string model, CancellationToken cancellationToken);

    /// <summary>Points the alias <paramref name="aliasName"/> at <paramref name="version"/>; setting it to the version it already has is a no-op.</summary>
    Task SetAliasAsync(string model, string aliasName, int version, CancellationToken cancellationToken);
}
