using System.Globalization;
using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>Unity Catalog model registry: model versions (with their training run's metrics from MLflow) and aliases.</summary>
public sealed class DatabricksModelRegistry(HttpClient http, ILogger<DatabricksModelRegistry> logger) : IModelRegistry
{
    public async Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var modelVersion = await http.GetJsonAsync<UnityCatalogModelVersion>(
            $"api/2.1/unity-catalog/models/{DatabricksHttp.Segment(model)}/versions/{version.ToString(CultureInfo.InvariantCulture)}",
            cancellationToken).ConfigureAwait(false);

        var runId = string.IsNullOrWhiteSpace(modelVersion.RunId) ? null : modelVersion.RunId;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (runId is not null)
        {
            var run = await http.GetJsonAsync<MlflowRunResponse>($"api/2.0/mlflow/runs/get?run_id={Uri.EscapeDataString(runId)}", cancellationToken).ConfigureAwait(false);
            foreach (var metric in run.Run?.Data?.Metrics ?? [])
            {
                metrics[metric.Key] = metric.Value;
            }
        }

        Log.ModelVersionRead(logger, model, version, runId, metrics.Count);
        return new ModelVersionDetails(model, version, runId, metrics);
    }

    public async Task SetAliasAsync(string model, string aliasName, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(aliasName);

        // Setting an alias is a set-to-value on Unity Catalog, so repeating it is harmless.
        await http.PutJsonAsync(
            $"api/2.1/unity-catalog/models/{DatabricksHttp.Segment(model)}/aliases/{DatabricksHttp.Segment(aliasName)}",
            new SetAliasRequest(version),
            cancellationToken).ConfigureAwait(false);
        Log.AliasSet(logger, model, aliasName, version);
    }
}
