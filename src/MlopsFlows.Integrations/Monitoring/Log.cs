using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

// Event ids 2400-2499.
internal static partial class Log
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Profiled the reference features of {Model} from {Path}: {NumericCount} numeric, {CategoricalCount} categorical")]
    public static partial void ReferenceProfiled(ILogger logger, string model, string path, int numericCount, int categoricalCount);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "Read the features of {Model} in {Environment} from {From:o} to {To:o}: {FileCount} file(s), {Rows} rows")]
    public static partial void WindowRead(ILogger logger, string model, string environment, DateTimeOffset from, DateTimeOffset to, int fileCount, long rows);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Debug, Message = "KPI {Kpi} of {Model} in {Environment}: {Value} over {Samples} observations")]
    public static partial void KpiRead(ILogger logger, string model, string environment, string kpi, double? value, long samples);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Retraining of {Model} started: job {JobId} run {RunId} (idempotency token {IdempotencyToken})")]
    public static partial void RetrainingStarted(ILogger logger, string model, long jobId, string runId, string idempotencyToken);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Debug, Message = "Databricks job run {RunId} is {State} ({TerminationCode})")]
    public static partial void RetrainingRunRead(ILogger logger, string runId, string state, string? terminationCode);

    [LoggerMessage(
        EventId = 2420,
        Level = LogLevel.Warning,
        Message = "Incident {Reason}: {IncidentId} ({Severity}, {Kind}) on {Model} v{Version} in {Environment}: {Summary}. Acknowledge before {AckDeadline:o} (then automatic action: {AutoAction}). Runbook: {Runbook}")]
    public static partial void IncidentNotice(
        ILogger logger,
        IncidentNoticeReason reason,
        string incidentId,
        IncidentSeverity severity,
        BreachKind kind,
        string model,
        int version,
        string environment,
        string summary,
        DateTimeOffset? ackDeadline,
        string autoAction,
        IReadOnlyList<string> runbook);
}
