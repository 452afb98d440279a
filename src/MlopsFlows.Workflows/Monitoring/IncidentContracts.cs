using System.Text.Json.Serialization;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>Everything an incident needs, fixed by the monitor check that opened it.</summary>
/// <param name="IncidentId">The incident's instance id (<see cref="IncidentIds.For"/>), also its evidence chain's id.</param>
/// <param name="PreviousVersion">The rollback target; null when there is none (rollback then fails with that reason).</param>
/// <param name="MonitorId">The monitor that opened it; told when a rollback changes the version in production.</param>
/// <param name="RunId">The monitor's run id: the incident's evidence chain runs under it too.</param>
/// <param name="AutoAction">The action the policy pre-approves when nobody acknowledges within <paramref name="AckTimeout"/>.</param>
/// <param name="Redaction">The monitor's redaction settings; null (an incident opened without them) redacts with the defaults.</param>
public sealed record IncidentInput(
    string IncidentId,
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string ServingEndpoint,
    string MonitorId,
    string RunId,
    Breach Breach,
    RemediationAction? AutoAction,
    TimeSpan AckTimeout,
    PolicyStamp PolicyStamp,
    RedactionSettings? Redaction = null);

/// <summary>External events an incident listens for. One name each, defined once.</summary>
public static class IncidentEvents
{
    /// <summary>Payload <see cref="AcknowledgeIncident"/>: someone owns it; no escalation, no automatic action.</summary>
    public const string Acknowledge = "AcknowledgeIncident";

    /// <summary>Payload <see cref="RunIncidentAction"/>: run a runbook action now (it also counts as an acknowledgement).</summary>
    public const string RunAction = "RunIncidentAction";

    /// <summary>Payload <see cref="SuppressIncident"/>: silence it until a time; the acknowledgement clock restarts then.</summary>
    public const string Suppress = "SuppressIncident";

    /// <summary>Payload <see cref="ResolveIncident"/>: close it; the review is written and the incident ends.</summary>
    public const string Resolve = "ResolveIncident";
}

// Channel and IdentityVerified say where a command came from and whether a validated token proved who sent it,
// as on approval decisions; the orchestrator records them and stamps its own time.

public sealed record AcknowledgeIncident(string By, string? Note = null, string Channel = "http", bool IdentityVerified = false);

public sealed record RunIncidentAction(RemediationAction Action, string By, string? Rationale = null, string Channel = "http", bool IdentityVerified = false);

public sealed record SuppressIncident(DateTimeOffset Until, string By, string? Rationale = null, string Channel = "http", bool IdentityVerified = false);

public sealed record ResolveIncident(string By, string? Note = null, string Channel = "http", bool IdentityVerified = false);

[JsonConverter(typeof(JsonStringEnumConverter<IncidentState>))]
public enum IncidentState
{
    /// <summary>Waiting for on-call.</summary>
    Open,

    /// <summary>Someone owns it.</summary>
    Acknowledged,

    /// <summary>Silenced until <see cref="IncidentStatus.SuppressedUntil"/>.</summary>
    Suppressed,

    /// <summary>An action changed production; waiting for someone to resolve it.</summary>
    Mitigated,

    Resolved,
}

/// <summary>The custom status of an incident instance: enough for an operator (or the incidents API) to see it and act.</summary>
/// <param name="AckDeadline">When it escalates (and the pre-approved action runs) unless acknowledged; null when no longer pending.</param>
/// <param name="Actions">Each runbook action taken so far, e.g. <c>rollback by system: rolled-back</c>.</param>
/// <param name="AcknowledgedAt">When someone first owned it (an acknowledgement or an action); null while nobody has.</param>
/// <param name="ResolvedAt">When it was resolved; null while it is not.</param>
public sealed record IncidentStatus(
    IncidentState State,
    string Model,
    string Environment,
    int Version,
    BreachKind Kind,
    IncidentSeverity Severity,
    string Summary,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AckDeadline,
    string? AcknowledgedBy,
    DateTimeOffset? SuppressedUntil,
    bool Escalated,
    RemediationAction? AutoAction,
    IReadOnlyList<string> Actions,
    int EvidenceCount,
    DateTimeOffset? AcknowledgedAt = null,
    DateTimeOffset? ResolvedAt = null);

/// <summary>How an incident ended, with its post-incident review (Markdown), which is also its last evidence record's data.</summary>
public sealed record IncidentOutcome(
    string IncidentId,
    BreachKind Kind,
    IncidentSeverity Severity,
    DateTimeOffset OpenedAt,
    DateTimeOffset ResolvedAt,
    string ResolvedBy,
    TimeSpan TimeToDetect,
    TimeSpan TimeToRemediate,
    IReadOnlyList<string> Actions,
    string Review,
    int EvidenceCount,
    string EvidenceHead);

/// <summary>The runbook sent with every notice: what on-call can do about this incident, and how.</summary>
public static class IncidentRunbook
{
    public static IReadOnlyList<RunbookEntry> For(IncidentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var entries = new List<RunbookEntry>
        {
            new(RunbookCommand.Acknowledge, IncidentEvents.Acknowledge, "take ownership: stops escalation and the automatic action"),
        };
        if (input.PreviousVersion is { } previous)
        {
            entries.Add(new(RunbookCommand.RollBack, IncidentEvents.RunAction, $"roll back: champion alias to v{previous} and 100% of {input.ServingEndpoint} traffic to it"));
        }

        entries.Add(new(RunbookCommand.Retrain, IncidentEvents.RunAction, $"start the retraining job of {input.Model}"));
        entries.Add(new(RunbookCommand.Suppress, IncidentEvents.Suppress, "silence until a time: no escalation or automatic action meanwhile"));
        entries.Add(new(RunbookCommand.Resolve, IncidentEvents.Resolve, "close the incident; the post-incident review is written"));
        return entries;
    }
}
