using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Policies;

public class PolicyHashTests
{
    private static readonly ReleasePolicy Baseline = new()
    {
        Id = "credit-policy",
        Version = "3",
        RiskTier = "medium",
        Gates =
        [
            new MetricThreshold("auc", Comparison.AtLeast, 0.70),
            new MetricThreshold("log_loss", Comparison.AtMost, 0.60),
        ],
        RequiresApproval = true,
        ApprovalTimeout = TimeSpan.FromHours(24),
        CanaryTrafficPercent = 10,
        BakeTime = TimeSpan.FromMinutes(30),
        WatchInterval = TimeSpan.FromMinutes(5),
        Slo = new ServiceLevelObjectives(MaxP95LatencyMs: 250, MaxErrorRate: 0.01),
    };

    [Fact]
    public void Of_SamePolicy_IsStableAndLowerHexSha256()
    {
        var hash = PolicyHash.Of(Baseline);

        Assert.Equal(hash, PolicyHash.Of(Baseline));
        Assert.Equal(hash, Baseline.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Of_EqualContentBuiltSeparately_IsTheSame()
    {
        var copy = Baseline with
        {
            Gates = Baseline.Gates.Select(g => new MetricThreshold(g.Metric, g.Comparison, g.Threshold)).ToList(),
            Slo = new ServiceLevelObjectives(250, 0.01),
        };

        Assert.Equal(PolicyHash.Of(Baseline), PolicyHash.Of(copy));
    }

    [Fact]
    public void Of_BuiltInPolicy_IsStableAcrossCalls()
    {
        Assert.Equal(BuiltInPolicies.For("high").ContentHash, BuiltInPolicies.For("high").ContentHash);
        Assert.NotEqual(BuiltInPolicies.For("high").ContentHash, BuiltInPolicies.For("low").ContentHash);
    }

    public static TheoryData<string> Changes() => [.. Mutations.Keys];

    private static readonly Dictionary<string, Func<ReleasePolicy, ReleasePolicy>> Mutations = new()
    {
        ["id"] = p => p with { Id = "credit-policy-2" },
        ["version"] = p => p with { Version = "4" },
        ["risk tier"] = p => p with { RiskTier = "high" },
        ["requires approval"] = p => p with { RequiresApproval = false },
        ["approval timeout"] = p => p with { ApprovalTimeout = TimeSpan.FromHours(24).Add(TimeSpan.FromTicks(1)) },
        ["canary percent"] = p => p with { CanaryTrafficPercent = 11 },
        ["bake time"] = p => p with { BakeTime = TimeSpan.FromMinutes(31) },
        ["watch interval"] = p => p with { WatchInterval = TimeSpan.FromMinutes(4) },
        ["slo latency"] = p => p with { Slo = p.Slo with { MaxP95LatencyMs = 250.0000001 } },
        ["slo error rate"] = p => p with { Slo = p.Slo with { MaxErrorRate = 0.02 } },
        ["gate metric"] = p => p with { Gates = [p.Gates[0] with { Metric = "auc_pr" }, p.Gates[1]] },
        ["gate comparison"] = p => p with { Gates = [p.Gates[0] with { Comparison = Comparison.AtMost }, p.Gates[1]] },
        ["gate threshold"] = p => p with { Gates = [p.Gates[0] with { Threshold = 0.71 }, p.Gates[1]] },
        ["gate added"] = p => p with { Gates = [.. p.Gates, new MetricThreshold("f1", Comparison.AtLeast, 0.5)] },
        ["gate removed"] = p => p with { Gates = [p.Gates[0]] },
        ["gates reordered"] = p => p with { Gates = [p.Gates[1], p.Gates[0]] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Of_AnyFieldChanged_Changes(string change)
    {
        var changed = Mutations[change](Baseline);

        Assert.NotEqual(PolicyHash.Of(Baseline), PolicyHash.Of(changed));
    }

    [Fact]
    public void Of_EveryChange_GivesADistinctHash()
    {
        var hashes = Mutations.Values.Select(m => PolicyHash.Of(m(Baseline))).Append(PolicyHash.Of(Baseline)).ToList();

        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }
}
