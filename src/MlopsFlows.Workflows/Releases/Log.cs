using Microsoft.Extensions.Logging;

namespace MlopsFlows.Workflows.Releases;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Release {ReleaseId}: evidence gates passed = {Passed}")]
    public static partial void GatesEvaluated(ILogger logger, string releaseId, bool passed);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Release {ReleaseId}: traffic set to {Traffic}")]
    public static partial void TrafficSet(ILogger logger, string releaseId, MlopsFlows.Domain.Serving.TrafficSplit traffic);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Release {ReleaseId} ended {Stage}: {Reason}")]
    public static partial void ReleaseEnded(ILogger logger, string releaseId, MlopsFlows.Domain.Releases.ReleaseStage stage, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Release {ReleaseId}: {Step} failed after retries, the outcome stands: {Error}")]
    public static partial void LedgerStepFailed(ILogger logger, string releaseId, string step, string error);
}
