using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Integrations.Databricks;

// Event ids 2100-2199. Never log a token or a request's headers.
internal static partial class Log
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Read model {Model} version {Version} (run {RunId}, {MetricCount} metrics)")]
    public static partial void ModelVersionRead(ILogger logger, string model, int version, string? runId, int metricCount);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Alias {Alias} of model {Model} now points at version {Version}")]
    public static partial void AliasSet(ILogger logger, string model, string alias, int version);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Serving endpoint {Endpoint} already serves {Traffic}; nothing to change")]
    public static partial void TrafficAlreadySet(ILogger logger, string endpoint, TrafficSplit traffic);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Serving endpoint {Endpoint} now serves {Traffic}")]
    public static partial void TrafficSet(ILogger logger, string endpoint, TrafficSplit traffic);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Debug, Message = "Serving endpoint {Endpoint} is updating its configuration; waiting")]
    public static partial void WaitingForConfigUpdate(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Serving endpoint {Endpoint} refused a configuration update ({ErrorCode}): another is in progress; waiting for it")]
    public static partial void ConfigUpdateConflict(ILogger logger, string endpoint, string? errorCode);

    [LoggerMessage(EventId = 2120, Level = LogLevel.Debug, Message = "Serving endpoint {Endpoint} version {Version}: {Requests} requests, {Errors} 5xx, p95 {P95LatencyMs} ms")]
    public static partial void MetricsRead(ILogger logger, string endpoint, int version, long requests, long errors, double p95LatencyMs);
}
