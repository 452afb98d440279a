using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Workflows.Tests.Support;

/// <summary>
/// A policy set shaped like the shipped one (low, medium, high) with second-scale timings, because the in-memory
/// host's timers are real time. Tests change one tier with <c>with</c> to reach the path they prove.
/// </summary>
public static class TestPolicies
{
    public const string ValidationRole = "model-validation";
    public const string RiskRole = "risk";
    public const string RiskLeadsRole = "risk-leads";
    public const string OversightRole = "release-managers";

    public static ReleasePolicy Low => Tier("low") with
    {
        Approval = new ApprovalPolicy { Required = false },
        Deployment = Fast(DeploymentMode.BlueGreen, []),
    };

    public static ReleasePolicy Medium => Tier("medium") with
    {
        Gates = new GatePolicy
        {
            Metrics = [new MetricThreshold("auc", Comparison.AtLeast, 0.70)],
            Performance = new PerformanceGatePolicy([new ChampionComparison("auc", HigherIsBetter: true, Tolerance: 0.01)]),
            Artefacts = new ArtefactGatePolicy(["intended_use", "limitations"]),
        },
        Approval = new ApprovalPolicy { Rules = [new ApprovalRule(ValidationRole, 1)], Timeout = TimeSpan.FromSeconds(20) },
        Deployment = Fast(DeploymentMode.Canary, [10, 50]),
    };

    public static ReleasePolicy High => Tier("high") with
    {
        Gates = new GatePolicy
        {
            Metrics = [new MetricThreshold("auc", Comparison.AtLeast, 0.70)],
            Performance = new PerformanceGatePolicy([new ChampionComparison("auc", HigherIsBetter: true, Tolerance: 0.01)]),
            Artefacts = new ArtefactGatePolicy(["intended_use", "limitations"], ExplainabilityReport: true, ReasonCodeMapping: true),
            DataQuality = new DataQualityGatePolicy(MaxNullRate: 0.05, MaxOutOfRangeRate: 0.01),
            Fairness = new FairnessGatePolicy(["sex"], MinGroupSize: 50, Intersections: false),
        },
        Approval = new ApprovalPolicy
        {
            Rules = [new ApprovalRule(ValidationRole, 1), new ApprovalRule(RiskRole, 1)],
            RationaleRequired = true,
            Timeout = TimeSpan.FromSeconds(20),
        },
        Deployment = Fast(DeploymentMode.Canary, [5, 25, 50]),
        RevalidateAfter = TimeSpan.FromDays(365),
    };

    /// <summary>A set holding the given tiers (by default the three above).</summary>
    public static PolicySet Set(ReleasePolicy? low = null, ReleasePolicy? medium = null, ReleasePolicy? high = null)
    {
        const string hash = "5e7a1c0000000000000000000000000000000000000000000000000000000000";
        ReleasePolicy Stamp(ReleasePolicy p) => p with { Id = "test-policies", Version = "7", ContentHash = hash };
        return new PolicySet
        {
            Id = "test-policies",
            Version = "7",
            ContentHash = hash,
            TierTag = "risk_tier",
            DefaultTier = "medium",
            AllowRequestedTier = true,
            Tiers = new Dictionary<string, ReleasePolicy>
            {
                ["low"] = Stamp(low ?? Low),
                ["medium"] = Stamp(medium ?? Medium),
                ["high"] = Stamp(high ?? High),
            },
        };
    }

    public static DeploymentPolicy Fast(DeploymentMode mode, IReadOnlyList<int> steps) => new()
    {
        Mode = mode,
        Steps = steps,
        BakeTime = TimeSpan.FromSeconds(1),
        WatchInterval = TimeSpan.FromMilliseconds(500),
        MinRequestsPerStep = 100,
        InconclusiveTimeout = TimeSpan.FromSeconds(20),
        Judge = new JudgePolicy(MinLatencySamples: 50, MaxPredictionPsi: 0.2),
    };

    private static ReleasePolicy Tier(string tier) => new()
    {
        Id = "test-policies",
        Version = "7",
        ContentHash = string.Empty,
        RiskTier = tier,
        Gates = new GatePolicy { Metrics = [new MetricThreshold("auc", Comparison.AtLeast, 0.70)] },
        Approval = new ApprovalPolicy(),
        Deployment = new DeploymentPolicy(),
        Slo = new ServiceLevelObjectives(MaxP95LatencyMs: 250, MaxErrorRate: 0.01),
        Monitoring = new MonitoringPolicy(
            Interval: TimeSpan.FromMinutes(1), SloTarget: 0.999, SloWindow: TimeSpan.FromDays(30), DriftPsi: 0.2, DriftKsPValue: 0.01,
            DriftedShare: 0.3, MaxNullRate: 0.05, MinKpi: null, IncidentAutoAction: "none", IncidentAckTimeout: TimeSpan.FromMinutes(15)),
        Oversight = new OversightPolicy([OversightRole]),
        EvidenceRetention = TimeSpan.FromDays(365 * 7),
    };
}
