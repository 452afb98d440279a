using System.Text.Json.Serialization;
using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Workflows.Ports;

/// <summary>Why on-call hears about an incident.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentNoticeReason>))]
public enum IncidentNoticeReason
{
    /// <summary>A monitor opened it: on-call is asked to act.</summary>
    Opened,

    /// <summary>Nobody acknowledged in time: the escalation contacts are asked too.</summary>
    Escalated,

    /// <summary>A suppression ran out while the incident is still open.</summary>
    SuppressionEnded,
}

/// <summary>A runbook command on-call can send to the incident.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunbookCommand>))]
public enum RunbookCommand
{
    Acknowledge,
    RollBack,
    Retrain,
    Suppress,
    Resolve,
}

/// <summary>One line of the runbook: the command, the incident event that carries it, and what it does here.</summary>
public sealed record RunbookEntry(RunbookCommand Command, string EventName, string Description);

/// <summary>What on-call (or the escalation contacts) are told.</summary>
/// <param name="AckDeadline">When escalation (and the pre-approved action) happens without an acknowledgement; null once past that.</param>
/// <param name="AutoAction">What the policy will run by itself at <paramref name="AckDeadline"/>; null when nothing.</param>
public sealed record IncidentNotice(
    string IncidentId,
    IncidentNoticeReason Reason,
    string Model,
    string Environment,
    int Version,
    BreachKind Kind,
    IncidentSeverity Severity,
    string Summary,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AckDeadline,
    RemediationAction? AutoAction,
    IReadOnlyList<RunbookEntry> Runbook);

/// <summary>Reaches on-call (pager, Teams, email, …). Must tolerate being called twice for the same notice.</summary>
public interface IIncidentNotifier
{
    Task NotifyAsync(IncidentNotice notice, CancellationToken cancellationToken);
}
