using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Workflows.Monitoring;

// Event ids 1100-1199.
internal static partial class Log
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Monitor {MonitorId} watches v{Version} every {Interval} (run {RunId})")]
    public static partial void MonitorStarted(ILogger logger, string monitorId, int version, TimeSpan interval, string runId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Monitor {MonitorId} check {Check}: {Health}, {BreachCount} breach(es), started {Lateness} after its due time")]
    public static partial void CheckCompleted(ILogger logger, string monitorId, int check, MonitorHealth health, int breachCount, TimeSpan lateness);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Monitor {MonitorId} opened incident {IncidentId} ({Kind}, {Severity}): {Summary}")]
    public static partial void IncidentOpened(ILogger logger, string monitorId, string incidentId, BreachKind kind, IncidentSeverity severity, string summary);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Monitor {MonitorId} stopped by {StoppedBy}: {Reason}")]
    public static partial void MonitorStopped(ILogger logger, string monitorId, string stoppedBy, string reason);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Monitor {MonitorId} replaced: run {RunId} now watches v{Version}")]
    public static partial void MonitorReplaced(ILogger logger, string monitorId, string runId, int version);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Incident {IncidentId} escalated: nobody acknowledged within {AckTimeout}")]
    public static partial void IncidentEscalated(ILogger logger, string incidentId, TimeSpan ackTimeout);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Incident {IncidentId}: {Action} by {Actor} → {Decision}")]
    public static partial void ActionRan(ILogger logger, string incidentId, RemediationAction action, string actor, string decision);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "Incident {IncidentId} resolved by {ResolvedBy}; time to detect {TimeToDetect}, to remediate {TimeToRemediate}")]
    public static partial void IncidentResolved(ILogger logger, string incidentId, string resolvedBy, TimeSpan timeToDetect, TimeSpan timeToRemediate);
}
