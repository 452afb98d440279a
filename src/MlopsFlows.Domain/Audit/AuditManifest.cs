using System.Text.Json;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// The audit packet's manifest: everything an auditor asks about one run of a release, drawn from its evidence chain
/// alone, plus the chain itself (every record's hash and link). Its published schema is
/// <c>docs/schemas/audit-packet.v1.schema.json</c>; the packet's signature is over its exact bytes.
/// </summary>
public sealed record AuditManifest
{
    public const string SchemaId = "mlopsflows.audit-packet/v1";

    public string Schema { get; init; } = SchemaId;

    public required PacketGenerator Generator { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required ReleaseSection Release { get; init; }

    public required InventorySection Inventory { get; init; }

    public required LineageSection Lineage { get; init; }

    public required ValidationSection Validation { get; init; }

    public required FairnessSection Fairness { get; init; }

    public required ApprovalsSection Approvals { get; init; }

    public required DeploymentSection Deployment { get; init; }

    public required MonitoringSection Monitoring { get; init; }

    /// <summary>What redaction removed before the evidence was written: field and rule, never the value.</summary>
    public required IReadOnlyList<RedactionEntry> Redactions { get; init; }

    public required EvidenceSection Evidence { get; init; }
}

public sealed record PacketGenerator(string Name, string Version);

/// <summary>Which release this is and how it ended (from the ledger when it has the run, else from the outcome record).</summary>
public sealed record ReleaseSection(
    string ReleaseId,
    string RunId,
    string Model,
    int Version,
    string Environment,
    string? RequestedBy,
    DateTimeOffset? RequestedAt,
    string Outcome,
    string? Reason,
    DateTimeOffset? EndedAt);

/// <summary>Checklist 1: the model, its owner, what it is for and its limits, the tier and the policy applied.</summary>
public sealed record InventorySection(
    string ModelId,
    string? Owner,
    string? IntendedUse,
    string? Limitations,
    IReadOnlyDictionary<string, string> ModelCard,
    string? RiskTier,
    string? InventoryTier,
    string? RequestedTier,
    string? TierReason,
    PolicyReference Policy);

public sealed record PolicyReference(string Id, string Version, string ContentHash);

/// <summary>Checklist 2: where the model came from, as the registry and its training run recorded it.</summary>
public sealed record LineageSection(
    bool Recorded,
    string CatalogName,
    int Version,
    string? ArtefactLocation,
    string? StorageLocation,
    string? ArtefactSha256,
    string? TrainingRunId,
    string? GitCommit,
    string? GitRepository,
    string? SourceName,
    string? Developer,
    IReadOnlyList<DataSource> DataSources,
    IReadOnlyList<string> Features,
    IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyDictionary<string, string> Environment,
    int? Sequence);

public sealed record DataSource(string Name, string? Version, string? Digest, string? SourceType, string? Source, string? Context);

/// <summary>Checklist 3: every gate with what it read and found, the comparison with the champion, and who validated.</summary>
public sealed record ValidationSection(
    IReadOnlyList<GateEntry> Gates,
    ChampionComparisonEntry? Champion,
    IReadOnlyList<ValidatorEntry> Validators);

public sealed record GateEntry(string Gate, string Verdict, int Sequence, IReadOnlyDictionary<string, string> Inputs, IReadOnlyList<FindingEntry> Findings);

/// <summary>One thing a gate checked: value against threshold, interval and sample size where it is an estimate.</summary>
public sealed record FindingEntry(
    string Check,
    string Subject,
    string Outcome,
    double? Value,
    string? Comparison,
    double? Threshold,
    long? SampleSize,
    IntervalEntry? Interval,
    IReadOnlyDictionary<string, double?> Measures,
    string Reason);

public sealed record IntervalEntry(double? Lower, double? Upper, double Level, string Method);

public sealed record ChampionComparisonEntry(int? Version, IReadOnlyList<MetricChange> Metrics, string? Problem);

public sealed record MetricChange(string Name, double? Champion, double? Candidate, double? Delta);

/// <summary>A person whose approval filled a validation seat, and whether they are independent of the model's developer.</summary>
public sealed record ValidatorEntry(string Upn, string? ObjectId, string Role, DateTimeOffset? At, bool IndependentOfDeveloper, string Basis);

/// <summary>Checklist 4: fairness per group and intersection, with intervals and group sizes, and the reason codes.</summary>
public sealed record FairnessSection(
    bool Required,
    string Verdict,
    int? Sequence,
    IReadOnlyList<FindingEntry> Findings,
    string? ReasonCodeMapping);

/// <summary>Checklist 5: who had to approve, who did, how their identity was proven, and every vote, escalation and override.</summary>
public sealed record ApprovalsSection(
    bool Required,
    string Outcome,
    IReadOnlyList<RequiredApproval> RequiredApprovers,
    IReadOnlyList<ApproverEntry> Approvers,
    IReadOnlyList<VoteEntry> Votes,
    IReadOnlyList<EscalationEntry> Escalations,
    IReadOnlyList<OverrideEntry> Overrides);

public sealed record RequiredApproval(string Role, int Count);

/// <summary>An approval that filled a seat.</summary>
public sealed record ApproverEntry(
    string Role,
    string Upn,
    string? ObjectId,
    DateTimeOffset? At,
    string? Channel,
    bool TokenVerified,
    bool ViaEscalation,
    string SegregationOfDuties,
    string? Rationale);

/// <summary>Every vote as it was cast and what became of it (counted, rejected, or refused and why).</summary>
public sealed record VoteEntry(
    int Sequence,
    string Upn,
    string? ObjectId,
    bool Approve,
    string Admission,
    string Reason,
    string? Channel,
    bool TokenVerified,
    string? Rationale,
    DateTimeOffset? At);

public sealed record EscalationEntry(int Sequence, DateTimeOffset At, IReadOnlyList<string> Roles, IReadOnlyList<string> Recipients);

/// <summary>A person who overrode or intervened (override, pause, stop, a held step's decision, evidence added).</summary>
public sealed record OverrideEntry(int Sequence, DateTimeOffset At, string Kind, string By, string? Rationale, string Decision);

/// <summary>Checklist 6: how traffic moved, what was observed and judged at each step, and who or what decided the end.</summary>
public sealed record DeploymentSection(
    string? Mode,
    SloEntry? Slo,
    IReadOnlyList<DeploymentStep> Steps,
    DeploymentDecision Decision,
    ChangeLogEntry? ChangeLog);

public sealed record SloEntry(double? MaxP95LatencyMs, double? MaxErrorRate);

/// <summary>One step: the traffic set, every SLO watch while it baked, and the judge's verdict per metric.</summary>
public sealed record DeploymentStep(
    string Label,
    int Sequence,
    int? CandidatePercent,
    IReadOnlyList<RouteEntry> Routes,
    IReadOnlyList<WatchEntry> Watches,
    JudgeEntry? Judge);

public sealed record RouteEntry(int Version, int Percent);

public sealed record WatchEntry(int Sequence, string Verdict, double? P95LatencyMs, double? ErrorRate, long? Requests);

public sealed record JudgeEntry(
    int Sequence,
    string Verdict,
    IReadOnlyList<JudgedMetric> Metrics,
    long? BaselineRequests,
    long? CandidateRequests,
    double? PredictionPsi);

public sealed record JudgedMetric(string Metric, string Outcome, double? Observed, double? Threshold, double? PValue, double? Effect, string Reason);

/// <summary>The end of the deployment: promote or roll back (or never deployed), and who or what decided it.</summary>
public sealed record DeploymentDecision(string Outcome, string DecidedBy, DateTimeOffset? At, string? Reason, int? RollbackTarget, IReadOnlyList<RouteEntry> TrafficAfter);

public sealed record ChangeLogEntry(
    int? ChampionVersion,
    IReadOnlyList<MetricChange> Metrics,
    IReadOnlyList<ParamChange> Params,
    IReadOnlyList<string> FeaturesAdded,
    IReadOnlyList<string> FeaturesRemoved);

public sealed record ParamChange(string Name, string? Champion, string? Candidate);

/// <summary>Checklist 7: how the model is watched from now on, when it must be revalidated, and how long this evidence is kept.</summary>
public sealed record MonitoringSection(
    JsonElement? Plan,
    string? MonitorInstance,
    string? MonitorState,
    DateTimeOffset? RevalidationDue,
    string? RevalidationBasis,
    RetentionEntry Retention);

/// <summary>How long the evidence is kept: the tier's period, from the end of the release (the storage enforces it).</summary>
public sealed record RetentionEntry(string? Tier, int Days, DateTimeOffset? Until);

public sealed record RedactionEntry(int Sequence, string Field, string Rule);

/// <summary>The chain: every record in order with its SHA-256 and its predecessor's, and the head.</summary>
public sealed record EvidenceSection(int Count, string? Head, IReadOnlyList<EvidenceEntryLine> Records);

public sealed record EvidenceEntryLine(
    int Sequence,
    string Step,
    string Decision,
    string Actor,
    DateTimeOffset RecordedAt,
    string Sha256,
    string? PreviousHash,
    string Summary);
