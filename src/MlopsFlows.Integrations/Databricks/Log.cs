using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Integrations.Databricks;

// Event ids 2100-2199. Never log a token or a request's headers.
internal static partial class Log
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Read model {Model} version {Version} (run {RunId}, {MetricCount} metrics, {TagCount} tags, {ArtefactCount} artefacts, {DatasetCount} datasets)")]
    public static partial void ModelVersionRead(ILogger logger, string model, int version, string? runId, int metricCount, int tagCount, int artefactCount, int datasetCount);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Alias {Alias} of model {Model} now points at version {Version}")]
    public static partial void AliasSet(ILogger logger, string model, string alias, int version);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Read registered model {Model} (owner {Owner}, {TagCount} tags, {AliasCount} aliases)")]
    public static partial void RegisteredModelRead(ILogger logger, string model, string? owner, int tagCount, int aliasCount);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Artefacts of run {RunId} were listed only in part: at most {MaxArtefacts} entries, {MaxDepth} folder levels")]
    public static partial void ArtefactsTruncated(ILogger logger, string runId, int maxArtefacts, int maxDepth);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Alias {Alias} of model {Model} deleted")]
    public static partial void AliasDeleted(ILogger logger, string model, string alias);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Alias {Alias} of model {Model} was already absent; nothing to delete")]
    public static partial void AliasAlreadyAbsent(ILogger logger, string model, string alias);

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

    [LoggerMessage(EventId = 2130, Level = LogLevel.Debug, Message = "Canary on {Endpoint}: version {Version} answered {Requests} requests ({Errors} 5xx); kept {LatencyCount} latencies and {PredictionCount} predictions")]
    public static partial void CanaryVersionObserved(ILogger logger, string endpoint, int version, long requests, long errors, int latencyCount, int predictionCount);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Information, Message = "Prediction source has no predictions of {Endpoint} version {Version}; prediction drift stays inconclusive")]
    public static partial void NoPredictions(ILogger logger, string endpoint, int version);

    [LoggerMessage(EventId = 2140, Level = LogLevel.Information, Message = "Shadow replay on {Endpoint}: {Requests} requests; champion v{Champion} {ChampionErrors} errors, candidate v{Candidate} {CandidateErrors} errors")]
    public static partial void ShadowReplayed(ILogger logger, string endpoint, int requests, int champion, long championErrors, int candidate, long candidateErrors);
}
