namespace MlopsFlows.Domain.Policies;

/// <summary>How a metric must compare with its threshold for a gate or an SLO to pass.</summary>
public enum Comparison
{
    AtLeast,
    AtMost,
}

/// <summary>One evidence gate: the candidate's evaluation metric <see cref="Metric"/> must be <see cref="Comparison"/> <see cref="Threshold"/>.</summary>
public sealed record MetricThreshold(string Metric, Comparison Comparison, double Threshold)
{
    public bool IsMetBy(double value) => !double.IsNaN(value) && Comparison switch
    {
        Comparison.AtLeast => value >= Threshold,
        Comparison.AtMost => value <= Threshold,
        _ => false,
    };
}

/// <summary>Service-level objectives a canary must hold while it bakes.</summary>
/// <param name="MaxP95LatencyMs">95th percentile latency ceiling in milliseconds.</param>
/// <param name="MaxErrorRate">Share of requests answered with a server error, 0..1.</param>
public sealed record ServiceLevelObjectives(double MaxP95LatencyMs, double MaxErrorRate);

/// <summary>
/// The rules one release follows: one tier of a policy file, resolved once when the release starts and passed into the
/// workflow, so the whole run (and every evidence record and decision) is bound to one policy id, version and content hash.
/// </summary>
public sealed record ReleasePolicy
{
    /// <summary>The policy set's id, e.g. <c>default</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The policy set's version as its authors wrote it, e.g. <c>2026.11.1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the policy file's content, line endings normalised to LF.</summary>
    public required string ContentHash { get; init; }

    public required string RiskTier { get; init; }

    public required GatePolicy Gates { get; init; }

    public required ApprovalPolicy Approval { get; init; }

    public required DeploymentPolicy Deployment { get; init; }

    public required ServiceLevelObjectives Slo { get; init; }

    public required MonitoringPolicy Monitoring { get; init; }

    public required OversightPolicy Oversight { get; init; }

    /// <summary>How long evidence of a release on this tier must be kept (stamped on the packet; enforced by infrastructure).</summary>
    public required TimeSpan EvidenceRetention { get; init; }

    /// <summary>How long after promotion the model must be revalidated (model-risk practice); null when the tier sets none.</summary>
    public TimeSpan? RevalidateAfter { get; init; }
}

/// <summary>Evidence gates, all checked before anyone is asked to approve. A gate that is null is not required on this tier.</summary>
public sealed record GatePolicy
{
    /// <summary>Absolute thresholds on the candidate's logged evaluation metrics.</summary>
    public IReadOnlyList<MetricThreshold> Metrics { get; init; } = [];

    public PerformanceGatePolicy? Performance { get; init; }

    public DataQualityGatePolicy? DataQuality { get; init; }

    public FairnessGatePolicy? Fairness { get; init; }

    public ArtefactGatePolicy? Artefacts { get; init; }
}

/// <summary>A metric compared with the champion's value on the same evaluation set.</summary>
/// <param name="HigherIsBetter">True for AUC-like metrics, false for losses.</param>
/// <param name="Tolerance">Largest regression tolerated, in the metric's units (absolute).</param>
public sealed record ChampionComparison(string Metric, bool HigherIsBetter, double Tolerance);

/// <summary>No regression against the current champion beyond a tolerance. No champion yet (first release) passes with that said.</summary>
public sealed record PerformanceGatePolicy(IReadOnlyList<ChampionComparison> Metrics);

/// <summary>Data quality of the training and evaluation data against the schema the model card declares.</summary>
/// <param name="MaxNullRate">Largest share of nulls tolerated in any column that declares no own limit.</param>
/// <param name="MaxOutOfRangeRate">Largest share of values outside the declared range tolerated per column.</param>
public sealed record DataQualityGatePolicy(double MaxNullRate, double MaxOutOfRangeRate, bool RequireSchemaMatch = true);

/// <summary>Fairness for credit-style models, per protected group and per intersection of groups.</summary>
/// <param name="ProtectedAttributes">Columns of the evaluation set holding protected attributes.</param>
/// <param name="MinDisparateImpact">Four-fifths rule by default: each group's selection rate over the reference group's.</param>
/// <param name="MaxParityDifference">Largest demographic parity difference (selection rate gap) tolerated.</param>
/// <param name="MaxEqualizedOddsDifference">Largest equalized odds difference (max of TPR and FPR gaps) tolerated.</param>
/// <param name="MinGroupSize">Groups smaller than this are reported as insufficient data, never as pass.</param>
/// <param name="ConfidenceLevel">Of the confidence intervals reported with each figure.</param>
/// <param name="Intersections">Also check every intersection of two or more protected attributes.</param>
public sealed record FairnessGatePolicy(
    IReadOnlyList<string> ProtectedAttributes,
    double MinDisparateImpact = 0.8,
    double MaxParityDifference = 0.1,
    double MaxEqualizedOddsDifference = 0.1,
    int MinGroupSize = 30,
    double ConfidenceLevel = 0.95,
    bool Intersections = true);

/// <summary>Artefacts a release must carry on this tier.</summary>
/// <param name="ModelCardFields">Model card fields that must be present and non-empty (e.g. intended_use, limitations).</param>
public sealed record ArtefactGatePolicy(
    IReadOnlyList<string> ModelCardFields,
    bool ExplainabilityReport = false,
    bool ReasonCodeMapping = false);

/// <summary>Who must approve: <see cref="Count"/> distinct people holding <see cref="Role"/>.</summary>
public sealed record ApprovalRule(string Role, int Count);

/// <summary>Human approval: N-of-M by role, segregation of duties and the clock.</summary>
public sealed record ApprovalPolicy
{
    /// <summary>False only for tiers whose policy pre-approves releases that pass every gate.</summary>
    public bool Required { get; init; } = true;

    /// <summary>All rules must be met; one person counts towards one rule once.</summary>
    public IReadOnlyList<ApprovalRule> Rules { get; init; } = [];

    /// <summary>The requester may not approve their own release.</summary>
    public bool ExcludeRequester { get; init; } = true;

    /// <summary>The model's developer (the training run's owner) may not approve it.</summary>
    public bool ExcludeDeveloper { get; init; } = true;

    /// <summary>Approvals and rejections must carry a rationale.</summary>
    public bool RationaleRequired { get; init; }

    /// <summary>
    /// Votes and oversight commands count only when a validated token proved the sender (Teams, actionable email, web
    /// page, API). On by default; switching it off is for sandboxes without an identity provider, and every vote still
    /// records whether it was verified.
    /// </summary>
    public bool VerifiedIdentityRequired { get; init; } = true;

    /// <summary>From the request: remind the approvers who have not answered.</summary>
    public TimeSpan? ReminderAfter { get; init; }

    /// <summary>From the request: also ask the backup group.</summary>
    public TimeSpan? EscalateAfter { get; init; }

    /// <summary>The role asked when the approval escalates; its members may approve in place of any rule's role.</summary>
    public string? EscalationRole { get; init; }

    /// <summary>From the request: the release expires.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(24);
}

public enum DeploymentMode
{
    Canary,
    Shadow,
    BlueGreen,
}

/// <summary>How the new version reaches traffic and how it is judged on the way.</summary>
public sealed record DeploymentPolicy
{
    public DeploymentMode Mode { get; init; } = DeploymentMode.Canary;

    /// <summary>Canary traffic steps in percent, rising, the last below 100 (promotion takes it to 100).</summary>
    public IReadOnlyList<int> Steps { get; init; } = [10];

    /// <summary>How long each step (or the shadow or blue/green watch) is observed before the judge decides.</summary>
    public TimeSpan BakeTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often telemetry is read during a bake (an SLO breach rolls back at once).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Fewer requests than this to the new version in a step makes the step inconclusive.</summary>
    public long MinRequestsPerStep { get; init; } = 100;

    /// <summary>How long a human has to decide an inconclusive step before the release rolls back.</summary>
    public TimeSpan InconclusiveTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The judge's thresholds (alpha, allowed effect sizes, PSI).</summary>
    public JudgePolicy Judge { get; init; } = new();
}

/// <summary>The canary judge's thresholds; see the statistics layer's canary judge for their meaning.</summary>
public sealed record JudgePolicy(
    double Alpha = 0.05,
    int MinLatencySamples = 50,
    double MaxLatencyEffect = 0.6,
    double AllowedErrorRateIncrease = 0,
    double? MaxPredictionPsi = 0.2);

/// <summary>Thresholds of the monitor that watches a promoted model.</summary>
/// <param name="Interval">How often the monitor checks the model.</param>
/// <param name="SloTarget">Availability-style SLO target for the burn-rate alerts, e.g. 0.999.</param>
/// <param name="SloWindow">The SLO window the burn-rate rules derive from, e.g. 30 days.</param>
/// <param name="DriftPsi">PSI above which a feature has drifted.</param>
/// <param name="DriftKsPValue">KS p-value below which a feature has drifted.</param>
/// <param name="DriftedShare">Share of drifted columns above which the dataset has drifted.</param>
/// <param name="MaxNullRate">Largest null rate tolerated per column in a window.</param>
/// <param name="MinKpi">Lowest value of the business KPI tolerated; null when no KPI is watched.</param>
/// <param name="IncidentAutoAction">Runbook action the policy pre-approves after <paramref name="IncidentAckTimeout"/>: none, rollback or retrain.</param>
/// <param name="IncidentAckTimeout">How long on-call has to acknowledge before escalation (and the pre-approved action).</param>
public sealed record MonitoringPolicy(
    TimeSpan Interval,
    double SloTarget,
    TimeSpan SloWindow,
    double DriftPsi,
    double DriftKsPValue,
    double DriftedShare,
    double MaxNullRate,
    double? MinKpi,
    string IncidentAutoAction,
    TimeSpan IncidentAckTimeout);

/// <summary>Who may pause, resume, stop or override a release; each command needs a rationale and is audited.</summary>
/// <param name="Roles">Roles allowed to issue oversight commands.</param>
public sealed record OversightPolicy(IReadOnlyList<string> Roles);
