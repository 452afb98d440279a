namespace MlopsFlows.Integrations.Databricks;

// The slices of Databricks REST payloads the adapters read or write, in snake_case on the wire
// (see DatabricksHttp.Json). Anything not listed here is ignored on read.

internal sealed record UnityCatalogModelVersion(string? ModelName, int? Version, string? RunId);

internal sealed record MlflowRunResponse(MlflowRun? Run);

internal sealed record MlflowRun(MlflowRunData? Data);

internal sealed record MlflowRunData(IReadOnlyList<MlflowMetric>? Metrics);

internal sealed record MlflowMetric(string Key, double Value);

internal sealed record SetAliasRequest(int VersionNum);

internal sealed record ServingEndpointDetails(string? Name, ServingEndpointState? State, ServingEndpointConfig? Config);

internal sealed record ServingEndpointState(string? Ready, string? ConfigUpdate)
{
    public const string NotUpdating = "NOT_UPDATING";
    public const string InProgress = "IN_PROGRESS";
}

internal sealed record ServingEndpointConfig(IReadOnlyList<ServedEntity>? ServedEntities, TrafficConfig? TrafficConfig);

/// <summary>A served entity; <see cref="EntityVersion"/> is a string on the wire although Unity Catalog versions are integers.</summary>
internal sealed record ServedEntity(string Name, string? EntityName, string? EntityVersion, string? WorkloadSize, bool? ScaleToZeroEnabled, string? WorkloadType);

internal sealed record TrafficConfig(IReadOnlyList<TrafficRouteConfig> Routes);

internal sealed record TrafficRouteConfig(string ServedModelName, int TrafficPercentage);

/// <summary>Body of <c>PUT /api/2.0/serving-endpoints/{name}/config</c>.</summary>
internal sealed record ServingEndpointConfigUpdate(IReadOnlyList<ServedEntity> ServedEntities, TrafficConfig TrafficConfig);
