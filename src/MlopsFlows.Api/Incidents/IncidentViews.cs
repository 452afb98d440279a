using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Incidents;

/// <summary>One incident in a list, newest first.</summary>
/// <param name="Status">The incident's state (Open, Acknowledged, Suppressed, Mitigated, Resolved), or Failed / Terminated when its workflow did.</param>
public sealed record IncidentSummary(
    string Id,
    string Model,
    string Environment,
    int Version,
    BreachKind Kind,
    IncidentSeverity Severity,
    string Status,
    string Summary,
    DateTimeOffset OpenedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    bool Escalated);

/// <summary>One incident in full: what broke, what was done and by whom, its evidence rows and, once resolved, the review.</summary>
/// <param name="AckDeadline">When it escalates (and the pre-approved action runs) unless someone acknowledges; null once that no longer applies.</param>
/// <param name="AutoAction">The action the policy still pre-approves; null once an action changed production, or when the policy approves none.</param>
/// <param name="Review">The post-incident review (Markdown), once resolved.</param>
public sealed record IncidentDetail(
    string Id,
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string ServingEndpoint,
    string MonitorId,
    string RunId,
    BreachKind Kind,
    IncidentSeverity Severity,
    string Status,
    string RuntimeStatus,
    string Summary,
    IReadOnlyList<string> Details,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AckDeadline,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? SuppressedUntil,
    bool Escalated,
    RemediationAction? AutoAction,
    IReadOnlyList<string> Actions,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    TimeSpan? TimeToDetect,
    TimeSpan? TimeToRemediate,
    string? Review,
    string? Failure,
    IReadOnlyList<EvidenceEntry> Evidence);

/// <summary>One monitor in a list.</summary>
/// <param name="Health">How the last check went (Starting, Healthy, Breached, Degraded, NoData, Stopped), or Failed / Terminated when its workflow did.</param>
/// <param name="LastLateness">How long after its due time the last check started (negative: the timer fired early).</param>
public sealed record MonitorSummary(
    string Id,
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string Health,
    int Checks,
    DateTimeOffset? LastCheckAt,
    TimeSpan? LastLateness,
    DateTimeOffset? NextCheckAt,
    int OpenIncidents,
    string LastResult);

/// <summary>One monitor in full: what it watches and by which rules, how its checks go, what is open, how it ended.</summary>
/// <param name="Stopped">Who stopped it and why, once stopped.</param>
public sealed record MonitorDetail(
    string Id,
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string ServingEndpoint,
    string ReleaseId,
    string RunId,
    string Health,
    string RuntimeStatus,
    int Checks,
    DateTimeOffset? LastCheckAt,
    TimeSpan? LastLateness,
    DateTimeOffset? NextCheckAt,
    string LastResult,
    IReadOnlyList<OpenIncident> OpenIncidents,
    int EvidenceCount,
    TimeSpan Interval,
    string IncidentAutoAction,
    TimeSpan IncidentAckTimeout,
    PolicyStamp Policy,
    MonitorOutcome? Stopped,
    string? Failure);
