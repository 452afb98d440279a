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
/// The rules a release follows. Resolved once when the release starts and passed into the workflow,
/// so the whole run (and its evidence) is bound to one policy id, version and content hash.
/// </summary>
public sealed record ReleasePolicy
{
    public required string Id { get; init; }

    public required string Version { get; init; }

    public required string RiskTier { get; init; }

    /// <summary>Gates on the candidate's evaluation metrics; all must pass before anyone is asked to approve.</summary>
    public required IReadOnlyList<MetricThreshold> Gates { get; init; }

    /// <summary>False only for tiers whose policy pre-approves releases that pass every gate.</summary>
    public bool RequiresApproval { get; init; } = true;

    /// <summary>How long approvers have before the release expires.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Share of traffic the canary receives, 1..99 percent.</summary>
    public int CanaryTrafficPercent { get; init; } = 10;

    /// <summary>How long the canary is watched; zero means one check straight away.</summary>
    public TimeSpan BakeTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often telemetry is read during the bake.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMinutes(5);

    public required ServiceLevelObjectives Slo { get; init; }

    /// <summary>SHA-256 of the policy's canonical content, recorded on every evidence record.</summary>
    public string ContentHash => PolicyHash.Of(this);
}
