using System.Text.Json.Serialization;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>
/// What a monitor watches and by which rules, fixed when a promotion starts it (<see cref="State"/> aside, which the
/// monitor itself carries from one check to the next through <c>ContinueAsNew</c>).
/// </summary>
/// <param name="Version">The version in production, watched by telemetry.</param>
/// <param name="PreviousVersion">The rollback target (the champion before the promotion); null for a first release.</param>
/// <param name="RunId">Names the monitor's evidence chain: the promoting release's run id. A new promotion starts a new chain.</param>
/// <param name="ReleaseId">The release instance that promoted the version.</param>
/// <param name="MaxP95LatencyMs">Latency ceiling per window; null leaves latency unjudged (it is still recorded).</param>
/// <param name="State">Null when a promotion starts the monitor; the monitor's own carry-over afterwards.</param>
/// <param name="Redaction">The promoting release's redaction settings; null (a monitor started without them) redacts with the defaults.</param>
public sealed record MonitorInput(
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string ServingEndpoint,
    string RunId,
    string ReleaseId,
    MonitoringPolicy Policy,
    PolicyStamp PolicyStamp,
    double? MaxP95LatencyMs = null,
    MonitorState? State = null,
    RedactionSettings? Redaction = null)
{
    /// <summary>The monitor a release starts when it promotes <paramref name="key"/>: its tier's monitoring policy and latency ceiling.</summary>
    /// <param name="previousVersion">The version that served production before (the rollback target), if any.</param>
    /// <param name="redaction">The policy set's redaction settings, which the monitor's and its incidents' evidence follow too.</param>
    public static MonitorInput ForPromotion(ReleaseKey key, string runId, string servingEndpoint, int? previousVersion, ReleasePolicy policy, RedactionSettings redaction)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(policy);
        return new MonitorInput(
            key.Model,
            key.Environment,
            key.Version,
            previousVersion == key.Version ? null : previousVersion,
            servingEndpoint,
            runId,
            key.InstanceId,
            policy.Monitoring,
            new PolicyStamp(policy.Id, policy.Version, policy.ContentHash),
            policy.Slo.MaxP95LatencyMs,
            Redaction: redaction);
    }
}

/// <summary>What one monitor generation hands the next: the evidence chain's head, the clock, the SLO series, the open incidents.</summary>
/// <param name="EvidenceCount">Records in this run's chain so far; the next record's sequence is one more.</param>
/// <param name="NextCheckAt">When the next check is due (checks keep to the interval's grid; a missed one runs once, late).</param>
/// <param name="SloSeries">Requests per check, compacted (see <see cref="Domain.Monitoring.SloSeries"/>).</param>
/// <param name="OpenIncidents">Incidents this monitor opened that were open at the last look: one per kind at most.</param>
public sealed record MonitorState(
    int EvidenceCount,
    string? EvidenceHead,
    int Checks,
    DateTimeOffset NextCheckAt,
    DateTimeOffset? LastCheckAt,
    TimeSpan? LastLateness,
    MonitorHealth Health,
    string LastResult,
    IReadOnlyList<SloEvent> SloSeries,
    IReadOnlyList<OpenIncident> OpenIncidents)
{
    /// <summary>A new run: nothing recorded, first check one interval from now, the incidents a replaced run left open.</summary>
    public static MonitorState Start(DateTimeOffset now, TimeSpan interval, IReadOnlyList<OpenIncident>? carriedIncidents = null) =>
        new(0, null, 0, now + interval, null, null, MonitorHealth.Starting, "not checked yet", [], carriedIncidents ?? []);
}

/// <summary>An incident a monitor opened and believes open.</summary>
public sealed record OpenIncident(string InstanceId, BreachKind Kind, IncidentSeverity Severity, DateTimeOffset OpenedAt);

/// <summary>External events a monitor listens for. One name each, defined once.</summary>
public static class MonitorEvents
{
    /// <summary>Payload <see cref="StopMonitor"/>: the model was retired; the monitor records why and ends.</summary>
    public const string Stop = "StopMonitor";

    /// <summary>
    /// Payload <see cref="MonitorInput"/> (without state): a new release promoted a version of the same model in the same
    /// environment. The monitor closes its chain with a <c>replaced</c> record and goes on under the new input, a new
    /// chain and the open incidents it knew of. A replacement with the run id being watched is a repeat and is ignored.
    /// </summary>
    public const string Replace = "ReplaceMonitor";

    /// <summary>Payload <see cref="MonitoredVersionChanged"/>: an incident rolled production back; the monitor watches that version from now on.</summary>
    public const string VersionChanged = "MonitoredVersionChanged";
}

/// <summary>Why a monitor should stop, raised as <see cref="MonitorEvents.Stop"/>.</summary>
public sealed record StopMonitor(string RequestedBy, string Reason);

/// <summary>Production moved from <paramref name="FromVersion"/> to <paramref name="Version"/> under the same run; ignored when the monitor no longer watches <paramref name="FromVersion"/>.</summary>
public sealed record MonitoredVersionChanged(int FromVersion, int Version, int? PreviousVersion, string ChangedBy, string Reason);

/// <summary>How a monitor ended (only a stop ends it; otherwise it runs on).</summary>
public sealed record MonitorOutcome(string StoppedBy, string Reason, int Checks, int EvidenceCount, string? EvidenceHead);

[JsonConverter(typeof(JsonStringEnumConverter<MonitorHealth>))]
public enum MonitorHealth
{
    /// <summary>No check has run yet.</summary>
    Starting,

    /// <summary>The last check found nothing wrong.</summary>
    Healthy,

    /// <summary>The last check found a breach.</summary>
    Breached,

    /// <summary>The last check could not read every source (the problems are in its evidence).</summary>
    Degraded,

    /// <summary>The last window had no requests and no feature rows.</summary>
    NoData,

    Stopped,
}

/// <summary>
/// The custom status of a monitor instance: what it watches, how the last check went, when the next is due and which
/// incidents are open. Small on purpose (custom status is capped at 16 KB); the figures are in the evidence.
/// </summary>
/// <param name="LastLateness">How long after its due time the last check started.</param>
public sealed record MonitorStatus(
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    MonitorHealth Health,
    int Checks,
    DateTimeOffset? LastCheckAt,
    TimeSpan? LastLateness,
    DateTimeOffset? NextCheckAt,
    string LastResult,
    IReadOnlyList<OpenIncident> OpenIncidents,
    string RunId,
    int EvidenceCount);

[JsonConverter(typeof(JsonStringEnumConverter<MonitorStartKind>))]
public enum MonitorStartKind
{
    /// <summary>No monitor was running: a new one started.</summary>
    Started,

    /// <summary>A monitor of an earlier release was running: it was told to go on under the new input.</summary>
    Replaced,

    /// <summary>The monitor already watches this run: nothing to do (a repeated request).</summary>
    AlreadyWatching,

    /// <summary>A monitor of this run ran and ended (stopped, failed or terminated): not restarted, its chain is closed.</summary>
    AlreadyEnded,
}

public sealed record MonitorStartResult(string InstanceId, MonitorStartKind Kind);

/// <summary>Steps of a monitor's evidence chain.</summary>
public static class MonitorSteps
{
    public const string Started = "started";
    public const string Check = "check";
    public const string VersionChanged = "version-changed";
    public const string Replaced = "replaced";
    public const string Stopped = "stopped";
}
