namespace MlopsFlows.Domain.Policies;

/// <summary>
/// The policies shipped with the product, one per risk tier. Policy files (YAML) replace these
/// in a later stage; until then these are the rules of record.
/// </summary>
public static class BuiltInPolicies
{
    public const string DefaultTier = "medium";

    public static readonly IReadOnlyList<string> Tiers = ["low", "medium", "high"];

    public static ReleasePolicy For(string tier) => tier switch
    {
        "low" => Standard("low") with { ApprovalTimeout = TimeSpan.FromHours(8), CanaryTrafficPercent = 25, BakeTime = TimeSpan.FromMinutes(10) },
        "medium" => Standard("medium"),
        "high" => Standard("high") with { ApprovalTimeout = TimeSpan.FromHours(48), CanaryTrafficPercent = 5, BakeTime = TimeSpan.FromHours(2) },
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown risk tier."),
    };

    public static bool IsTier(string? tier) => tier is not null && Tiers.Contains(tier);

    private static ReleasePolicy Standard(string tier) => new()
    {
        Id = "builtin-release-policy",
        Version = "1",
        RiskTier = tier,
        Gates =
        [
            new MetricThreshold("auc", Comparison.AtLeast, 0.70),
            new MetricThreshold("log_loss", Comparison.AtMost, 0.60),
        ],
        Slo = new ServiceLevelObjectives(MaxP95LatencyMs: 250, MaxErrorRate: 0.01),
    };
}
