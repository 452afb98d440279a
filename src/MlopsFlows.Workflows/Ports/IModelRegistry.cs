using System.Text.Json.Serialization;

namespace MlopsFlows.Workflows.Ports;

/// <summary>A registered model version as the registry knows it, with the evaluation metrics its training run logged.</summary>
/// <param name="Metrics">May hold NaN (training runs log it); serialized as "NaN" so the gate, not JSON, rejects it.</param>
public sealed record ModelVersionDetails(
    string Model,
    int Version,
    string? RunId,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] IReadOnlyDictionary<string, double> Metrics);

/// <summary>The model registry (Unity Catalog on Databricks).</summary>
public interface IModelRegistry
{
    /// <exception cref="DependencyNotFoundException">The model or version does not exist.</exception>
    Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken);

    /// <summary>Points the alias <paramref name="aliasName"/> at <paramref name="version"/>; setting it to the version it already has is a no-op.</summary>
    Task SetAliasAsync(string model, string aliasName, int version, CancellationToken cancellationToken);
}
