using System.Diagnostics.CodeAnalysis;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Policies;

/// <summary>
/// One policy file, loaded and valid: the release rules of each risk tier, bound to the file's id, version and content
/// hash. Built by <see cref="PolicyLoader.Parse"/>; never from a file with errors.
/// </summary>
public sealed class PolicySet
{
    /// <summary>The tiers every policy set has, lowest first. A request may raise a tier along this order, never lower it.</summary>
    public static IReadOnlyList<string> TierOrder => Order;

    private static readonly string[] Order = ["low", "medium", "high"];

    /// <summary>Stable id of the set, e.g. <c>default</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The authors' version of the file, e.g. <c>2026.11.1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the file's text with CRLF normalised to LF: <c>sha256sum</c> of an LF file.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The registered-model tag in the model inventory that names a model's tier, e.g. <c>risk_tier</c>.</summary>
    public required string TierTag { get; init; }

    /// <summary>The tier of a model without a tier tag whose request names none.</summary>
    public required string DefaultTier { get; init; }

    /// <summary>Whether a release request may name a tier (which can only raise the inventory's tier).</summary>
    public required bool AllowRequestedTier { get; init; }

    /// <summary>
    /// What is removed from evidence before it is written (the file's <c>redaction</c> section): one setting for every tier,
    /// because the policy record is written before a tier is known. A file without the section redacts with the defaults.
    /// </summary>
    public RedactionSettings Redaction { get; init; } = RedactionSettings.Default;

    /// <summary>Tier name → its policy, each stamped with this set's id, version and content hash.</summary>
    public required IReadOnlyDictionary<string, ReleasePolicy> Tiers { get; init; }

    /// <summary>The policy of a tier (names as in <see cref="TierOrder"/>, any case).</summary>
    /// <exception cref="ArgumentException">The set has no such tier.</exception>
    public ReleasePolicy ForTier(string tier) =>
        Canonical(tier) is { } name && Tiers.TryGetValue(name, out var policy)
            ? policy
            : throw new ArgumentException($"Policy set '{Id}' has no tier '{tier}' (tiers: {string.Join(", ", TierOrder)}).", nameof(tier));

    /// <summary>
    /// The tier a release runs under, from the model inventory's tier tag and the tier the request names (either may be
    /// null). The inventory wins unless the request raises it and the set allows requests to name a tier; a request can
    /// never lower it. Names are matched ignoring case and surrounding spaces (tags are typed by people).
    /// </summary>
    public TierResolution ResolveTier(string? inventoryTier, string? requestedTier)
    {
        var hasInventory = !string.IsNullOrWhiteSpace(inventoryTier);
        var hasRequest = !string.IsNullOrWhiteSpace(requestedTier);
        var inventory = hasInventory ? Canonical(inventoryTier!) : null;
        var requested = hasRequest ? Canonical(requestedTier!) : null;

        if (hasInventory && inventory is null)
        {
            return TierResolution.Refused($"the model's {TierTag} tag '{inventoryTier}' is not a tier of policy set '{Id}' ({Known})");
        }

        if (hasRequest && requested is null)
        {
            return TierResolution.Refused($"the requested tier '{requestedTier}' is not a tier of policy set '{Id}' ({Known})");
        }

        if (inventory is null)
        {
            if (requested is null)
            {
                return TierResolution.Resolved(DefaultTier, $"the model has no {TierTag} tag and the request names no tier: the policy's default tier {DefaultTier}");
            }

            return AllowRequestedTier
                ? TierResolution.Resolved(requested, $"the model has no {TierTag} tag: the requested tier {requested}")
                : TierResolution.Refused($"policy set '{Id}' does not let a request name a tier, and the model has no {TierTag} tag to confirm {requested}");
        }

        if (requested is null || requested == inventory)
        {
            return TierResolution.Resolved(inventory, $"the model's {TierTag} tag says {inventory}");
        }

        if (Rank(requested) < Rank(inventory))
        {
            return TierResolution.Refused($"a request can never lower the tier the inventory says: requested {requested}, the model's {TierTag} tag says {inventory}");
        }

        return AllowRequestedTier
            ? TierResolution.Resolved(requested, $"the request raises the model's {TierTag} tag {inventory} to {requested}")
            : TierResolution.Refused($"policy set '{Id}' does not let a request name a tier: requested {requested}, the model's {TierTag} tag says {inventory}");
    }

    private static string Known => string.Join(", ", TierOrder);

    private static string? Canonical(string tier) =>
        TierOrder.FirstOrDefault(t => string.Equals(t, tier.Trim(), StringComparison.OrdinalIgnoreCase));

    private static int Rank(string tier) => Array.IndexOf(Order, tier);
}

/// <summary>The tier a release runs under with the reason, or a refusal with the reason; a refusal is a result, not an exception.</summary>
public sealed record TierResolution
{
    private TierResolution(string? tier, string reason)
    {
        Tier = tier;
        Reason = reason;
    }

    /// <summary>The tier, or null when refused.</summary>
    public string? Tier { get; }

    /// <summary>Why this tier, or why refused; fit for evidence and for the requester.</summary>
    public string Reason { get; }

    [MemberNotNullWhen(true, nameof(Tier))]
    public bool IsResolved => Tier is not null;

    public static TierResolution Resolved(string tier, string reason) => new(tier, reason);

    public static TierResolution Refused(string reason) => new(null, reason);
}
