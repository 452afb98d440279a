using System.ComponentModel.DataAnnotations;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Api.Releases;

/// <summary>
/// How releases pick their policy, bound from <c>MlopsFlows:Releases</c>. The overrides exist for
/// demos, tests and benchmarks on a laptop; production leaves them empty and uses the tier's policy as written.
/// </summary>
public sealed class ReleasePolicyOptions : IValidatableObject
{
    public const string Section = "MlopsFlows:Releases";

    /// <summary>Risk tier of a release whose request names none. Default <c>medium</c>.</summary>
    public string DefaultRiskTier { get; set; } = BuiltInPolicies.DefaultTier;

    /// <summary>When set, replaces the policy's need for a human approval (false = pre-approved). Default: the policy's own.</summary>
    public bool? RequiresApproval { get; set; }

    /// <summary>When set, replaces the policy's approval timeout.</summary>
    public TimeSpan? ApprovalTimeout { get; set; }

    /// <summary>When set, replaces the policy's canary share (1..99 percent).</summary>
    [Range(1, 99)]
    public int? CanaryTrafficPercent { get; set; }

    /// <summary>When set, replaces the policy's bake time (zero = one check straight away).</summary>
    public TimeSpan? BakeTime { get; set; }

    /// <summary>When set, replaces the policy's watch interval.</summary>
    public TimeSpan? WatchInterval { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BuiltInPolicies.IsTier(DefaultRiskTier))
        {
            yield return new ValidationResult($"DefaultRiskTier must be one of {string.Join(", ", BuiltInPolicies.Tiers)}.", [nameof(DefaultRiskTier)]);
        }

        if (ApprovalTimeout is { } approval && approval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("ApprovalTimeout must be positive.", [nameof(ApprovalTimeout)]);
        }

        if (BakeTime is { } bake && bake < TimeSpan.Zero)
        {
            yield return new ValidationResult("BakeTime must not be negative.", [nameof(BakeTime)]);
        }

        if (WatchInterval is { } interval && interval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("WatchInterval must be positive.", [nameof(WatchInterval)]);
        }
    }

    /// <summary>The policy a release of <paramref name="tier"/> runs under, overrides applied.</summary>
    public ReleasePolicy Resolve(string? tier)
    {
        var policy = BuiltInPolicies.For(tier ?? DefaultRiskTier);
        return policy with
        {
            RequiresApproval = RequiresApproval ?? policy.RequiresApproval,
            ApprovalTimeout = ApprovalTimeout ?? policy.ApprovalTimeout,
            CanaryTrafficPercent = CanaryTrafficPercent ?? policy.CanaryTrafficPercent,
            BakeTime = BakeTime ?? policy.BakeTime,
            WatchInterval = WatchInterval ?? policy.WatchInterval,
        };
    }
}
