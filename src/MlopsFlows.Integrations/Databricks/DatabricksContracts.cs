namespace MlopsFlows.Integrations.Databricks;

// The slices of Databricks REST payloads the adapters read or write, in snake_case on the wire
// (see DatabricksHttp.Json). Anything not listed here is ignored on read.

/// <summary>
/// <c>GET /api/2.1/unity-catalog/models/{full_name}/versions/{version}</c> (ModelVersionInfo): <c>source</c> is the
/// artefact URI the version was registered from, <c>storage_location</c> where Unity Catalog keeps its files.
/// </summary>
internal sealed record UnityCatalogModelVersion(string? ModelName, int? Version, string? RunId, string? CreatedBy, string? Source, string? StorageLocation);

/// <summary><c>GET /api/2.1/unity-catalog/models/{full_name}?include_aliases=true</c> (RegisteredModelInfo; it carries no tags).</summary>
internal sealed record UnityCatalogRegisteredModel(string? FullName, string? Owner, IReadOnlyList<UnityCatalogAlias>? Aliases);

internal sealed record UnityCatalogAlias(string AliasName, int VersionNum);

// MLflow's Unity Catalog registry routes (what an MLflow client with registry URI "databricks-uc" calls): the Unity
// Catalog REST API returns no tags for models or versions, these do.

/// <summary><c>GET /api/2.0/mlflow/unity-catalog/registered-models/get?name=</c>.</summary>
internal sealed record MlflowUcRegisteredModelResponse(MlflowUcRegisteredModel? RegisteredModel);

internal sealed record MlflowUcRegisteredModel(string? Name, IReadOnlyList<MlflowTag>? Tags);

/// <summary><c>GET /api/2.0/mlflow/unity-catalog/model-versions/get?name=&amp;version=</c>.</summary>
internal sealed record MlflowUcModelVersionResponse(MlflowUcModelVersion? ModelVersion);

internal sealed record MlflowUcModelVersion(string? Name, string? Version, IReadOnlyList<MlflowTag>? Tags);

internal sealed record MlflowTag(string Key, string? Value)
{
    /// <summary>Tags by key (a tag without a value reads as empty; a repeated key keeps its last value).</summary>
    public static Dictionary<string, string> ToDictionary(IReadOnlyList<MlflowTag>? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            result[tag.Key] = tag.Value ?? string.Empty;
        }

        return result;
    }
}

internal sealed record MlflowRunResponse(MlflowRun? Run);

internal sealed record MlflowRun(MlflowRunData? Data, MlflowRunInputs? Inputs);

internal sealed record MlflowRunData(IReadOnlyList<MlflowMetric>? Metrics, IReadOnlyList<MlflowParam>? Params, IReadOnlyList<MlflowTag>? Tags);

/// <summary><c>run.inputs</c>: the datasets the run logged with <c>mlflow.log_input</c>.</summary>
internal sealed record MlflowRunInputs(IReadOnlyList<MlflowDatasetInput>? DatasetInputs);

/// <summary>One logged input; its tag <c>mlflow.data.context</c> says what it was used for (e.g. <c>training</c>).</summary>
internal sealed record MlflowDatasetInput(IReadOnlyList<MlflowTag>? Tags, MlflowDataset? Dataset);

/// <summary>
/// An MLflow dataset. <see cref="Source"/> and <see cref="Schema"/> are JSON text inside the JSON: the source as its
/// type writes it (Delta: <c>{"path":…,"delta_table_name":…,"delta_table_version":42}</c>), the schema as
/// <c>{"mlflow_colspec":[{"name":…,"type":…},…]}</c>.
/// </summary>
internal sealed record MlflowDataset(string? Name, string? Digest, string? SourceType, string? Source, string? Schema);

/// <summary>A run parameter; MLflow logs every parameter value as a string.</summary>
internal sealed record MlflowParam(string Key, string? Value);

internal sealed record MlflowMetric(string Key, double Value);

/// <summary><c>GET /api/2.0/mlflow/artifacts/list?run_id=&amp;path=&amp;page_token=</c>; paths are relative to the run's artefact root.</summary>
internal sealed record MlflowArtifactList(string? RootUri, IReadOnlyList<MlflowFileInfo>? Files, string? NextPageToken);

internal sealed record MlflowFileInfo(string Path, bool? IsDir, long? FileSize);

internal sealed record SetAliasRequest(int VersionNum);

internal sealed record ServingEndpointDetails(string? Name, ServingEndpointState? State, ServingEndpointConfig? Config);

internal sealed record ServingEndpointState(string? Ready, string? ConfigUpdate)
{
    public const string NotUpdating = "NOT_UPDATING";
    public const string InProgress = "IN_PROGRESS";
    public const string UpdateFailed = "UPDATE_FAILED";
    public const string UpdateCanceled = "UPDATE_CANCELED";
}

internal sealed record ServingEndpointConfig(IReadOnlyList<ServedEntity>? ServedEntities, TrafficConfig? TrafficConfig);

/// <summary>A served entity; <see cref="EntityVersion"/> is a string on the wire although Unity Catalog versions are integers.</summary>
internal sealed record ServedEntity(string Name, string? EntityName, string? EntityVersion, string? WorkloadSize, bool? ScaleToZeroEnabled, string? WorkloadType);

internal sealed record TrafficConfig(IReadOnlyList<TrafficRouteConfig> Routes);

internal sealed record TrafficRouteConfig(string ServedModelName, int TrafficPercentage);

/// <summary>Body of <c>PUT /api/2.0/serving-endpoints/{name}/config</c>.</summary>
internal sealed record ServingEndpointConfigUpdate(IReadOnlyList<ServedEntity> ServedEntities, TrafficConfig TrafficConfig);
