using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Policies;

public class PolicySetTests
{
    private static readonly PolicySet Allowing = PolicyFiles.Default();

    private static readonly PolicySet Refusing = PolicyLoader.Parse(
        "policies/strict.yaml",
        PolicyFiles.DefaultText.Replace("allowRequestedTier: true", "allowRequestedTier: false", StringComparison.Ordinal)).PolicySet!;

    /// <summary>inventory tag, requested tier, whether requests may name a tier → tier (null: refused) and a phrase of the reason.</summary>
    public static TheoryData<string?, string?, bool, string?, string> Resolutions() => new()
    {
        // The inventory alone decides.
        { "high", null, true, "high", "risk_tier tag says high" },
        { "low", null, false, "low", "risk_tier tag says low" },
        { " High ", null, true, "high", "risk_tier tag says high" },

        // A request equal to the inventory is fine either way.
        { "medium", "medium", true, "medium", "risk_tier tag says medium" },
        { "medium", "medium", false, "medium", "risk_tier tag says medium" },

        // A request may raise the tier only when the policy allows requests to name one.
        { "low", "high", true, "high", "raises the model's risk_tier tag low to high" },
        { "medium", "high", false, null, "does not let a request name a tier" },

        // A request can never lower the inventory's tier, whatever the policy allows.
        { "high", "low", true, null, "a request can never lower the tier the inventory says" },
        { "high", "medium", false, null, "a request can never lower the tier the inventory says" },
        { "medium", "low", true, null, "a request can never lower the tier the inventory says" },

        // No inventory tag: the request if allowed, else the default tier.
        { null, null, true, "medium", "the policy's default tier medium" },
        { "", null, false, "medium", "the policy's default tier medium" },
        { null, "low", true, "low", "the requested tier low" },
        { null, "high", false, null, "does not let a request name a tier" },

        // Unknown names are refused, never guessed.
        { "critical", null, true, null, "the model's risk_tier tag 'critical' is not a tier" },
        { "medium", "urgent", true, null, "the requested tier 'urgent' is not a tier" },
        { null, "urgent", true, null, "the requested tier 'urgent' is not a tier" },
    };

    [Theory]
    [MemberData(nameof(Resolutions))]
    public void ResolveTier_Table_GivesTheTierOrRefusesWithReason(string? inventory, string? requested, bool allowRequested, string? tier, string reason)
    {
        var set = allowRequested ? Allowing : Refusing;

        var resolution = set.ResolveTier(inventory, requested);

        Assert.Equal(tier, resolution.Tier);
        Assert.Equal(tier is not null, resolution.IsResolved);
        Assert.Contains(reason, resolution.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ForTier_KnownTierAnyCase_ReturnsItsPolicy()
    {
        Assert.Equal("high", Allowing.ForTier("HIGH").RiskTier);
        Assert.Same(Allowing.Tiers["low"], Allowing.ForTier("low"));
    }

    [Fact]
    public void ForTier_UnknownTier_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Allowing.ForTier("critical"));

        Assert.Contains("no tier 'critical'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TierOrder_IsLowMediumHigh()
    {
        Assert.Equal(["low", "medium", "high"], PolicySet.TierOrder);
    }
}
