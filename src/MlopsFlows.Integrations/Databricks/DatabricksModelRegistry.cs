using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Unity Catalog model registry: model versions (with their training run's metrics, artefacts and lineage from MLflow),
/// registered models (owner, tags, aliases) and aliases.
/// </summary>
/// <remarks>
/// The Unity Catalog REST API (<c>/api/2.1/unity-catalog/models</c>) answers owner, <c>created_by</c>, run id and
/// aliases but no tags, and Unity Catalog's entity tag assignments do not cover models. Tags are therefore read from
/// MLflow's Unity Catalog registry routes (<c>/api/2.0/mlflow/unity-catalog/registered-models/get</c> and
/// <c>…/model-versions/get</c>), the ones every MLflow client with registry URI <c>databricks-uc</c> calls to read and
/// write them.
/// </remarks>
public sealed class DatabricksModelRegistry(HttpClient http, IOptions<DatabricksOptions> options, ILogger<DatabricksModelRegistry> logger) : IModelRegistry
{
    public async Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var versionText = version.ToString(CultureInfo.InvariantCulture);
        var modelVersion = await http.GetJsonAsync<UnityCatalogModelVersion>(
            $"api/2.1/unity-catalog/models/{DatabricksHttp.Segment(model)}/versions/{versionText}",
            cancellationToken).ConfigureAwait(false);
        var tagged = await http.GetJsonAsync<MlflowUcModelVersionResponse>(
            $"api/2.0/mlflow/unity-catalog/model-versions/get?name={Uri.EscapeDataString(model)}&version={versionText}",
            cancellationToken).ConfigureAwait(false);

        var runId = string.IsNullOrWhiteSpace(modelVersion.RunId) ? null : modelVersion.RunId;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<string> artefacts = [];
        MlflowRun? run = null;
        if (runId is not null)
        {
            run = (await http.GetJsonAsync<MlflowRunResponse>($"api/2.0/mlflow/runs/get?run_id={Uri.EscapeDataString(runId)}", cancellationToken).ConfigureAwait(false)).Run;
            foreach (var metric in run?.Data?.Metrics ?? [])
            {
                metrics[metric.Key] = metric.Value;
            }

            foreach (var parameter in run?.Data?.Params ?? [])
            {
                parameters[parameter.Key] = parameter.Value ?? string.Empty;
            }

            artefacts = await ListArtefactsAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        var tags = MlflowTag.ToDictionary(tagged.ModelVersion?.Tags);
        var details = new ModelVersionDetails(model, version, runId, metrics)
        {
            CreatedBy = string.IsNullOrWhiteSpace(modelVersion.CreatedBy) ? null : modelVersion.CreatedBy,
            Tags = tags,
            Params = parameters,
            Artefacts = artefacts,
            Lineage = MlflowLineage.Read(modelVersion, tags, run),
        };
        Log.ModelVersionRead(logger, model, version, runId, metrics.Count, tags.Count, artefacts.Count, details.Lineage.Datasets.Count);
        return details;
    }

    public async Task<RegisteredModelDetails> GetRegisteredModelAsync(string model, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var registered = await http.GetJsonAsync<UnityCatalogRegisteredModel>(
            $"api/2.1/unity-catalog/models/{DatabricksHttp.Segment(model)}?include_aliases=true",
            cancellationToken).ConfigureAwait(false);
        var tagged = await http.GetJsonAsync<MlflowUcRegisteredModelResponse>(
            $"api/2.0/mlflow/unity-catalog/registered-models/get?name={Uri.EscapeDataString(model)}",
            cancellationToken).ConfigureAwait(false);

        var aliases = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var alias in registered.Aliases ?? [])
        {
            aliases[alias.AliasName] = alias.VersionNum;
        }

        var details = new RegisteredModelDetails(
            model,
            string.IsNullOrWhiteSpace(registered.Owner) ? null : registered.Owner,
            MlflowTag.ToDictionary(tagged.RegisteredModel?.Tags),
            aliases);
        Log.RegisteredModelRead(logger, model, details.Owner, details.Tags.Count, aliases.Count);
        return details;
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

    /// <summary>
    /// Removes the alias <paramref name="aliasName"/> from the model (<c>DELETE /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}</c>),
    /// e.g. <c>challenger</c> once a release ends or <c>previous</c> when there is no older champion. An alias that is
    /// already gone counts as removed, so a re-run activity changes nothing; a model that does not exist is still an error.
    /// </summary>
    /// <exception cref="DependencyNotFoundException">The model does not exist.</exception>
    public async Task DeleteAliasAsync(string model, string aliasName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(aliasName);
        try
        {
            await http.SendDeleteAsync(
                $"api/2.1/unity-catalog/models/{DatabricksHttp.Segment(model)}/aliases/{DatabricksHttp.Segment(aliasName)}",
                cancellationToken).ConfigureAwait(false);
            Log.AliasDeleted(logger, model, aliasName);
        }
        catch (DependencyNotFoundException)
        {
            // Unity Catalog answers 404 both for a missing alias and a missing model: ask which one it was.
            var registered = await GetRegisteredModelAsync(model, cancellationToken).ConfigureAwait(false);
            if (registered.Aliases.ContainsKey(aliasName))
            {
                throw;
            }

            Log.AliasAlreadyAbsent(logger, model, aliasName);
        }
    }

    /// <summary>
    /// The run's artefact files, folders walked breadth first: at most <see cref="DatabricksOptions.MaxArtefacts"/>
    /// entries and <see cref="DatabricksOptions.MaxArtefactDepth"/> levels, since a run can log thousands of files and
    /// the list travels through the orchestration history.
    /// </summary>
    private async Task<IReadOnlyList<string>> ListArtefactsAsync(string runId, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var files = new List<string>();
        var folders = new Queue<(string? Path, int Depth)>();
        folders.Enqueue((null, 1));
        var seen = 0;
        var truncated = false;
        while (folders.TryDequeue(out var folder))
        {
            string? pageToken = null;
            do
            {
                var query = $"api/2.0/mlflow/artifacts/list?run_id={Uri.EscapeDataString(runId)}"
                    + (folder.Path is null ? string.Empty : $"&path={Uri.EscapeDataString(folder.Path)}")
                    + (pageToken is null ? string.Empty : $"&page_token={Uri.EscapeDataString(pageToken)}");
                var page = await http.GetJsonAsync<MlflowArtifactList>(query, cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.Files ?? [])
                {
                    if (++seen > limits.MaxArtefacts)
                    {
                        Log.ArtefactsTruncated(logger, runId, limits.MaxArtefacts, limits.MaxArtefactDepth);
                        return files;
                    }

                    if (entry.IsDir != true)
                    {
                        files.Add(entry.Path);
                    }
                    else if (folder.Depth < limits.MaxArtefactDepth)
                    {
                        folders.Enqueue((entry.Path, folder.Depth + 1));
                    }
                    else
                    {
                        truncated = true;
                    }
                }

                pageToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
            }
            while (pageToken is not null);
        }

        if (truncated)
        {
            Log.ArtefactsTruncated(logger, runId, limits.MaxArtefacts, limits.MaxArtefactDepth);
        }

        return files;
    }
}
