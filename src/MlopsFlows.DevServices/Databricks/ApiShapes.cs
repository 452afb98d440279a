using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlopsFlows.DevServices.Databricks;

// The documented Azure Databricks REST shapes the simulator answers with and accepts, serialized in snake_case.
// Only the fields our adapters read or send are modelled.

internal static class ApiJson
{
    /// <summary>Databricks REST bodies: snake_case, nulls left out as the service does.</summary>
    public static readonly JsonSerializerOptions Databricks = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The simulator's own control routes (<c>/sim/*</c>): camelCase, read case-insensitively.</summary>
    public static readonly JsonSerializerOptions Control = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

internal sealed record ErrorBody(string ErrorCode, string Message);

internal sealed record ModelVersionInfo(
    string ModelName,
    string CatalogName,
    string SchemaName,
    int Version,
    string RunId,
    string Status,
    string Source,
    string StorageLocation,
    IReadOnlyList<ModelAlias> Aliases,
    long CreatedAt,
    string CreatedBy);

internal sealed record ModelAlias(string AliasName, int VersionNum);

/// <summary><c>GET /api/2.1/unity-catalog/models/{full_name}</c>: no tags (Unity Catalog's REST API returns none); aliases only when asked for.</summary>
internal sealed record RegisteredModelInfo(
    string Name,
    string CatalogName,
    string SchemaName,
    string FullName,
    string Owner,
    long CreatedAt,
    string CreatedBy,
    IReadOnlyList<ModelAlias>? Aliases);

// MLflow's Unity Catalog registry routes (/api/2.0/mlflow/unity-catalog/...), the ones MLflow clients read tags from.

internal sealed record MlflowRegisteredModelResponse(MlflowRegisteredModel RegisteredModel);

internal sealed record MlflowRegisteredModel(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string UserId,
    IReadOnlyList<MlflowAlias> Aliases,
    IReadOnlyList<KeyValueTag> Tags);

internal sealed record MlflowModelVersionResponse(MlflowModelVersion ModelVersion);

/// <summary>The version number is a string here, unlike in Unity Catalog's own API.</summary>
internal sealed record MlflowModelVersion(
    string Name,
    string Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string UserId,
    string Source,
    string RunId,
    string Status,
    IReadOnlyList<MlflowAlias> Aliases,
    IReadOnlyList<KeyValueTag> Tags);

internal sealed record MlflowAlias(string Alias, string Version);

internal sealed record KeyValueTag(string Key, string Value);

/// <summary><c>GET /api/2.0/mlflow/artifacts/list</c>.</summary>
internal sealed record ArtifactListResponse(string RootUri, IReadOnlyList<ArtifactFileInfo> Files, string? NextPageToken);

internal sealed record ArtifactFileInfo(string Path, bool IsDir, long? FileSize);

internal sealed record SetAliasRequest(int? VersionNum);

internal sealed record GetRunResponse(RunBody Run);

internal sealed record RunBody(RunInfo Info, RunData Data, RunInputs Inputs);

internal sealed record RunInfo(
    string RunId,
    string RunUuid,
    string ExperimentId,
    string RunName,
    string Status,
    long StartTime,
    long EndTime,
    string ArtifactUri,
    string LifecycleStage);

internal sealed record RunData(IReadOnlyList<RunMetric> Metrics, IReadOnlyList<RunParam> Params, IReadOnlyList<RunTag> Tags);

internal sealed record RunMetric(string Key, double Value, long Timestamp, long Step);

internal sealed record RunParam(string Key, string Value);

internal sealed record RunTag(string Key, string Value);

/// <summary><c>run.inputs</c>: the datasets the run logged with <c>mlflow.log_input</c>.</summary>
internal sealed record RunInputs(IReadOnlyList<DatasetInput> DatasetInputs);

internal sealed record DatasetInput(IReadOnlyList<KeyValueTag> Tags, DatasetBody Dataset);

/// <summary>An MLflow dataset: <see cref="Source"/>, <see cref="Schema"/> and <see cref="Profile"/> are JSON text, as MLflow stores them.</summary>
internal sealed record DatasetBody(string Name, string Digest, string SourceType, string Source, string Schema, string Profile);

/// <summary>What MLflow's Delta dataset source writes into <see cref="DatasetBody.Source"/>.</summary>
internal sealed record DeltaDatasetSource(string DeltaTableName, long DeltaTableVersion, bool IsDatabricksUcTable, string DeltaTableId);

/// <summary>An MLflow column-spec schema (<c>{"mlflow_colspec":[…]}</c>).</summary>
internal sealed record ColumnSpecSchema(IReadOnlyList<ColumnSpec> MlflowColspec);

internal sealed record ColumnSpec(string Type, string Name, bool Required);

internal sealed record DatasetProfile(long NumRows, long NumElements);

internal sealed record ServingEndpointDetailed(
    string Name,
    string Id,
    string Creator,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    EndpointState State,
    EndpointConfigOutput Config,
    PendingConfigOutput? PendingConfig);

internal sealed record EndpointState(string Ready, string ConfigUpdate);

internal sealed record EndpointConfigOutput(IReadOnlyList<ServedEntityOutput> ServedEntities, TrafficConfigBody TrafficConfig, int ConfigVersion);

internal sealed record PendingConfigOutput(IReadOnlyList<ServedEntityOutput> ServedEntities, TrafficConfigBody TrafficConfig, int ConfigVersion, long StartTime);

internal sealed record ServedEntityOutput(
    string Name,
    string EntityName,
    string EntityVersion,
    string WorkloadSize,
    bool ScaleToZeroEnabled,
    ServedEntityState? State,
    long? CreationTimestamp);

internal sealed record ServedEntityState(string Deployment, string DeploymentStateMessage);

internal sealed record TrafficConfigBody(IReadOnlyList<RouteBody>? Routes);

internal sealed record RouteBody(string? ServedModelName, int? TrafficPercentage)
{
    /// <summary>Newer clients may name the entity under this field instead.</summary>
    public string? ServedEntityName { get; init; }
}

internal sealed record EndpointConfigInput(IReadOnlyList<ServedEntityInput>? ServedEntities, TrafficConfigBody? TrafficConfig);

internal sealed record ServedEntityInput(string? Name, string? EntityName, string? EntityVersion, string? WorkloadSize, bool? ScaleToZeroEnabled);

// Control routes (/sim/*).

/// <summary>
/// Seeds a model version. <c>metrics</c>, <c>params</c>, <c>tags</c> (the version's, over its lineage tags),
/// <c>createdBy</c>, <c>artifacts</c> (file paths the run logged), <c>runTags</c> and <c>features</c> (the training
/// data's columns) replace the version's, defaults when left out; <c>modelTags</c> and <c>owner</c> set the registered
/// model's and are left as they are when left out.
/// </summary>
internal sealed record SeedModelVersionRequest(
    string? Name,
    int? Version,
    Dictionary<string, double>? Metrics,
    Dictionary<string, string>? Params,
    Dictionary<string, string>? Tags = null,
    string? CreatedBy = null,
    List<string>? Artifacts = null,
    Dictionary<string, string>? ModelTags = null,
    string? Owner = null,
    Dictionary<string, string>? RunTags = null,
    List<string>? Features = null);

internal sealed record SeededModelVersion(string Name, int Version, string RunId);

internal sealed record SeedEndpointRequest(string? Name, string? Model, int? Version);

internal sealed record FeatureBatchesRequest(
    string? Model, string? Environment, double? Shift, int? Rows, double? Seconds, double? BatchSeconds, DateTimeOffset? From);

internal sealed record RegressionRequest(string? Endpoint, int? Version, double? AddedLatencyMs, double? ErrorRate, double? PredictionShift = null);

internal sealed record SimulatorState(IReadOnlyList<ModelState> Models, IReadOnlyList<EndpointSummary> Endpoints, IReadOnlyList<RegressionState> Regressions);

internal sealed record ModelState(string Name, IReadOnlyList<int> Versions, IReadOnlyDictionary<string, int> Aliases, string Owner, IReadOnlyDictionary<string, string> Tags);

internal sealed record EndpointSummary(string Name, string ConfigUpdate, int ConfigVersion, IReadOnlyList<SimulatedRoute> Routes, IReadOnlyList<SimulatedRoute>? PendingRoutes);

internal sealed record RegressionState(string Endpoint, int Version, double AddedLatencyMs, double ErrorRate, double PredictionShift);

// The simulator's own records.

/// <summary>What a version is registered with; null members take the simulator's defaults.</summary>
/// <param name="Tags">The version's own tags, laid over the lineage tags the simulator gives every version.</param>
/// <param name="RunTags">The training run's tags (git commit, repository, source, runtime, <c>environment.*</c>).</param>
/// <param name="Features">The model's input features: the training data's columns besides the target.</param>
internal sealed record VersionSeed(
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, string>? Parameters = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    string? CreatedBy = null,
    IReadOnlyList<string>? Artifacts = null,
    IReadOnlyDictionary<string, string>? RunTags = null,
    IReadOnlyList<string>? Features = null)
{
    public static VersionSeed Default { get; } = new();
}

/// <summary>How one served-model invocation goes.</summary>
internal sealed record InvocationPlan(TimeSpan Latency, bool Fails, double PredictionShift);
