using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// Tells on-call through the log: one structured line per notice naming the incident, why it is sent, the deadline and
/// the runbook. Stands in until a pager, Teams or email notifier arrives. Calling it twice writes the line twice.
/// </summary>
public sealed class LoggingIncidentNotifier(ILogger<LoggingIncidentNotifier> logger) : IIncidentNotifier
{
    public Task NotifyAsync(IncidentNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        string[] runbook = [.. notice.Runbook.Select(r => $"{r.Command} ({r.EventName}): {r.Description}")];
        Log.IncidentNotice(
            logger,
            notice.Reason,
            notice.IncidentId,
            notice.Severity,
            notice.Kind,
            notice.Model,
            notice.Version,
            notice.Environment,
            notice.Summary,
            notice.AckDeadline,
            notice.AutoAction?.ToString() ?? "none",
            runbook);
        return Task.CompletedTask;
    }
}
