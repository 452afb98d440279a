using System.Globalization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>
/// Fairness of a credit-style binary classifier (decision 1 = favourable), per protected attribute and, when the policy
/// asks, per intersection of two or more attributes. For each attribute (or intersection):
/// <list type="bullet">
/// <item>groups smaller than <see cref="FairnessGatePolicy.MinGroupSize"/> are reported as insufficient data with their
/// size and left out of the comparisons below;</item>
/// <item>the reference group is the group with the highest selection rate among the large enough groups (ties: the first
/// by ordinal order of the group labels), so every disparate impact ratio is at most 1;</item>
/// <item>disparate impact ratio = group selection rate / reference selection rate, at least
/// <see cref="FairnessGatePolicy.MinDisparateImpact"/>, with the Katz log interval;</item>
/// <item>demographic parity difference = highest − lowest selection rate, at most
/// <see cref="FairnessGatePolicy.MaxParityDifference"/>, with Newcombe's hybrid score interval for the difference
/// between those two groups;</item>
/// <item>equalized odds difference = max(TPR gap, FPR gap), each gap highest − lowest rate across the groups that have
/// positives (for TPR) or negatives (for FPR), at most <see cref="FairnessGatePolicy.MaxEqualizedOddsDifference"/>,
/// each gap with its Newcombe interval.</item>
/// </list>
/// Verdicts use the point estimates; the intervals are reported beside them so that a reviewer sees how firm each is.
/// A figure that cannot be computed (no group large enough, a reference group nobody was selected from, no positives)
/// is insufficient data, never a pass.
/// </summary>
public static class FairnessGate
{
    public const string Name = "fairness";

    /// <summary>Counts the rows (one pass) and judges them; columns the policy does not name are ignored.</summary>
    public static GateReport Evaluate(FairnessGatePolicy policy, ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions, IReadOnlyList<ProtectedColumn> columns)
    {
        var named = policy.ProtectedAttributes
            .Distinct(StringComparer.Ordinal)
            .Select(attribute => columns.FirstOrDefault(c => c.Name == attribute))
            .OfType<ProtectedColumn>()
            .ToArray();
        return Evaluate(policy, FairnessCounter.Count(labels, predictions, named, policy.Intersections));
    }

    /// <summary>Judges group counts made by <see cref="FairnessCounter"/> (or by the same rules elsewhere).</summary>
    public static GateReport Evaluate(FairnessGatePolicy policy, FairnessCounts counts)
    {
        var attributes = policy.ProtectedAttributes.Distinct(StringComparer.Ordinal).ToArray();
        var inputs = Inputs(policy, counts.Rows);
        var findings = new List<GateFinding>();
        if (attributes.Length == 0)
        {
            findings.Add(new GateFinding("attributes", "policy", GateOutcome.InsufficientData, "The policy names no protected attribute: nothing to judge."));
            return GateReport.From(Name, findings, inputs);
        }

        if (counts.Rows == 0)
        {
            findings.Add(new GateFinding("rows", "evaluation set", GateOutcome.InsufficientData, "The evaluation set has no rows.") { Value = 0, SampleSize = 0 });
            return GateReport.From(Name, findings, inputs);
        }

        var counted = new Dictionary<string, AttributeGroups>(StringComparer.Ordinal);
        foreach (var set in counts.Sets)
        {
            counted.TryAdd(SetKey(set.Attributes), set);
        }

        var absent = attributes.Where(a => !counted.ContainsKey(SetKey([a]))).ToHashSet(StringComparer.Ordinal);
        foreach (var attribute in absent)
        {
            findings.Add(new GateFinding("attribute", attribute, GateOutcome.InsufficientData, $"Protected attribute '{attribute}' is not in the evaluation data, so neither it nor its intersections can be judged."));
        }

        foreach (var required in RequiredSets(attributes, policy.Intersections).Where(s => !s.Any(absent.Contains)))
        {
            if (counted.TryGetValue(SetKey(required), out var set))
            {
                JudgeSet(policy, set, findings);
            }
            else
            {
                findings.Add(new GateFinding("groups", SetName(required), GateOutcome.InsufficientData, $"{SetName(required)} was not counted."));
            }
        }

        return GateReport.From(Name, findings, inputs);
    }

    private static void JudgeSet(FairnessGatePolicy policy, AttributeGroups set, List<GateFinding> findings)
    {
        var name = SetName(set.Attributes);
        var large = new List<GroupCounts>();
        foreach (var group in set.Groups.OrderBy(g => g.Group, StringComparer.Ordinal))
        {
            if (group.Size >= policy.MinGroupSize)
            {
                large.Add(group);
                continue;
            }

            findings.Add(new GateFinding("group_size", group.Group, GateOutcome.InsufficientData, $"{group.Group}: {group.Size} rows, below the minimum group size of {policy.MinGroupSize}; not judged.")
            {
                Value = group.Size,
                Comparison = Comparison.AtLeast,
                Threshold = policy.MinGroupSize,
                SampleSize = group.Size,
                Measures = GroupMeasures(group),
            });
        }

        if (large.Count < 2)
        {
            var reason = large.Count == 0
                ? $"{name}: no group has at least {policy.MinGroupSize} rows, so there is nothing to compare."
                : $"{name}: only {large[0].Group} has at least {policy.MinGroupSize} rows, so there is no group to compare it with.";
            findings.Add(new GateFinding("groups", name, GateOutcome.InsufficientData, reason) { Value = large.Count, Comparison = Comparison.AtLeast, Threshold = 2 });
            return;
        }

        var highest = Extreme(large, g => g.Selected, g => g.Size, highest: true)!;
        var lowest = Extreme(large, g => g.Selected, g => g.Size, highest: false)!;
        DisparateImpact(policy, name, large, highest, findings);
        findings.Add(Difference(
            "demographic_parity_difference", name, "selection rate", highest, lowest, g => g.Selected, g => g.Size, policy.MaxParityDifference, policy.ConfidenceLevel));
        EqualizedOdds(policy, name, large, findings);
    }

    private static void DisparateImpact(FairnessGatePolicy policy, string name, List<GroupCounts> large, GroupCounts reference, List<GateFinding> findings)
    {
        var referenceRate = Rate(reference.Selected, reference.Size);
        if (reference.Selected == 0)
        {
            findings.Add(new GateFinding("disparate_impact", name, GateOutcome.InsufficientData, $"{name}: no group was selected at all (reference {reference.Group} has selection rate 0), so the disparate impact ratio is undefined.")
            {
                Comparison = Comparison.AtLeast,
                Threshold = policy.MinDisparateImpact,
                SampleSize = reference.Size,
            });
            return;
        }

        foreach (var group in large)
        {
            if (ReferenceEquals(group, reference))
            {
                findings.Add(new GateFinding("disparate_impact", group.Group, GateOutcome.Pass, $"{group.Group}: the reference group of {name} (highest selection rate, {F(referenceRate)} of {group.Size}); ratio 1 by definition.")
                {
                    Value = 1,
                    Comparison = Comparison.AtLeast,
                    Threshold = policy.MinDisparateImpact,
                    SampleSize = group.Size,
                    Measures = [new("selection_rate", referenceRate), new("reference_selection_rate", referenceRate), new("reference_size", reference.Size)],
                });
                continue;
            }

            var rate = Rate(group.Selected, group.Size);
            var ratio = ProportionIntervals.RelativeRisk(group.Selected, group.Size, reference.Selected, reference.Size);
            var interval = ProportionIntervals.RelativeRiskKatz(group.Selected, group.Size, reference.Selected, reference.Size, policy.ConfidenceLevel);
            var passed = RatioAtLeast(group.Selected, group.Size, reference.Selected, reference.Size, policy.MinDisparateImpact);
            findings.Add(new GateFinding(
                "disparate_impact",
                group.Group,
                passed ? GateOutcome.Pass : GateOutcome.Fail,
                $"{group.Group}: selection rate {F(rate)} (n = {group.Size}) over the reference {reference.Group}'s {F(referenceRate)} (n = {reference.Size}) = {F(ratio)} {Ci(interval)}, {(passed ? "meets" : "below")} the minimum {F(policy.MinDisparateImpact)}.")
            {
                Value = ratio,
                Comparison = Comparison.AtLeast,
                Threshold = policy.MinDisparateImpact,
                SampleSize = group.Size,
                Interval = interval,
                Measures = [new("selection_rate", rate), new("reference_selection_rate", referenceRate), new("reference_size", reference.Size)],
            });
        }
    }

    private static void EqualizedOdds(FairnessGatePolicy policy, string name, List<GroupCounts> large, List<GateFinding> findings)
    {
        var tpr = RateGap(policy, name, large, "true_positive_rate", "true positive rate", "positive labels", g => g.TruePositives, g => g.Positives, findings);
        var fpr = RateGap(policy, name, large, "false_positive_rate", "false positive rate", "negative labels", g => g.FalsePositives, g => g.Negatives, findings);
        if (tpr is null || fpr is null)
        {
            findings.Add(new GateFinding("equalized_odds_difference", name, GateOutcome.InsufficientData, $"{name}: the equalized odds difference needs both the TPR and the FPR gap.")
            {
                Comparison = Comparison.AtMost,
                Threshold = policy.MaxEqualizedOddsDifference,
            });
            return;
        }

        var larger = tpr.Difference >= fpr.Difference ? tpr : fpr;
        var passed = tpr.Passed && fpr.Passed;
        findings.Add(new GateFinding(
            "equalized_odds_difference",
            name,
            passed ? GateOutcome.Pass : GateOutcome.Fail,
            $"{name}: equalized odds difference max(TPR gap {F(tpr.Difference)}, FPR gap {F(fpr.Difference)}) = {F(larger.Difference)} {Ci(larger.Interval)}, {(passed ? "within" : "above")} the maximum {F(policy.MaxEqualizedOddsDifference)}.")
        {
            Value = larger.Difference,
            Comparison = Comparison.AtMost,
            Threshold = policy.MaxEqualizedOddsDifference,
            Interval = larger.Interval,
            Measures = [new("true_positive_rate_gap", tpr.Difference), new("false_positive_rate_gap", fpr.Difference)],
        });
    }

    // The gap of one rate across the groups where it is defined; groups where it is not are insufficient data.
    private static Gap? RateGap(
        FairnessGatePolicy policy,
        string name,
        List<GroupCounts> large,
        string check,
        string rateName,
        string denominatorName,
        Func<GroupCounts, long> numerator,
        Func<GroupCounts, long> denominator,
        List<GateFinding> findings)
    {
        var defined = new List<GroupCounts>();
        foreach (var group in large)
        {
            if (denominator(group) > 0)
            {
                defined.Add(group);
                continue;
            }

            findings.Add(new GateFinding(check, group.Group, GateOutcome.InsufficientData, $"{group.Group}: no {denominatorName} among its {group.Size} rows, so its {rateName} is undefined.")
            {
                SampleSize = 0,
            });
        }

        if (defined.Count < 2)
        {
            findings.Add(new GateFinding(check + "_gap", name, GateOutcome.InsufficientData, $"{name}: fewer than two groups have {denominatorName}, so the {rateName} gap is undefined.")
            {
                Comparison = Comparison.AtMost,
                Threshold = policy.MaxEqualizedOddsDifference,
            });
            return null;
        }

        var highest = Extreme(defined, numerator, denominator, highest: true)!;
        var lowest = Extreme(defined, numerator, denominator, highest: false)!;
        var gap = Difference(check + "_gap", name, rateName, highest, lowest, numerator, denominator, policy.MaxEqualizedOddsDifference, policy.ConfidenceLevel);
        findings.Add(gap);
        return new Gap(gap.Value ?? 0, gap.Interval!, gap.Outcome == GateOutcome.Pass);
    }

    // Highest − lowest rate with Newcombe's interval for the difference between those two groups.
    private static GateFinding Difference(
        string check,
        string name,
        string rateName,
        GroupCounts highest,
        GroupCounts lowest,
        Func<GroupCounts, long> numerator,
        Func<GroupCounts, long> denominator,
        double maximum,
        double level)
    {
        var high = Rate(numerator(highest), denominator(highest));
        var low = Rate(numerator(lowest), denominator(lowest));
        var interval = ProportionIntervals.NewcombeDifference(numerator(highest), denominator(highest), numerator(lowest), denominator(lowest), level);
        var difference = high - low;
        var passed = DifferenceAtMost(numerator(highest), denominator(highest), numerator(lowest), denominator(lowest), maximum);
        return new GateFinding(
            check,
            name,
            passed ? GateOutcome.Pass : GateOutcome.Fail,
            $"{name}: highest {rateName} {F(high)} ({highest.Group}, n = {denominator(highest)}) − lowest {F(low)} ({lowest.Group}, n = {denominator(lowest)}) = {F(difference)} {Ci(interval)}, {(passed ? "within" : "above")} the maximum {F(maximum)}.")
        {
            Value = difference,
            Comparison = Comparison.AtMost,
            Threshold = maximum,
            SampleSize = denominator(highest) + denominator(lowest),
            Interval = interval,
            Measures =
            [
                new($"highest:{highest.Group}", high),
                new($"highest_size:{highest.Group}", denominator(highest)),
                new($"lowest:{lowest.Group}", low),
                new($"lowest_size:{lowest.Group}", denominator(lowest)),
            ],
        };
    }

    // The first group with the highest rate, or the last with the lowest: two distinct groups even when all rates tie.
    private static GroupCounts? Extreme(List<GroupCounts> groups, Func<GroupCounts, long> numerator, Func<GroupCounts, long> denominator, bool highest)
    {
        GroupCounts? best = null;
        var bestRate = 0.0;
        foreach (var group in groups)
        {
            var rate = Rate(numerator(group), denominator(group));
            if (best is null || (highest ? rate > bestRate : rate <= bestRate))
            {
                best = group;
                bestRate = rate;
            }
        }

        return best;
    }

    private static GateMeasure[] GroupMeasures(GroupCounts group) =>
    [
        new("selection_rate", GateNumbers.Rate(group.Selected, group.Size)),
        new("true_positive_rate", GateNumbers.Rate(group.TruePositives, group.Positives)),
        new("false_positive_rate", GateNumbers.Rate(group.FalsePositives, group.Negatives)),
    ];

    // Every attribute alone, then (when asked) every intersection of two or more, in the policy's order.
    private static IEnumerable<string[]> RequiredSets(string[] attributes, bool intersections)
    {
        var largest = intersections ? attributes.Length : 1;
        for (var size = 1; size <= largest; size++)
        {
            for (var mask = 1; mask < 1 << attributes.Length; mask++)
            {
                if (int.PopCount(mask) == size)
                {
                    yield return [.. attributes.Where((_, j) => (mask & (1 << j)) != 0)];
                }
            }
        }
    }

    private static Dictionary<string, string> Inputs(FairnessGatePolicy policy, long rows) => new()
    {
        ["rows"] = rows.ToString(CultureInfo.InvariantCulture),
        ["protected_attributes"] = string.Join(", ", policy.ProtectedAttributes),
        ["intersections"] = policy.Intersections ? "true" : "false",
        ["min_group_size"] = policy.MinGroupSize.ToString(CultureInfo.InvariantCulture),
        ["min_disparate_impact"] = F(policy.MinDisparateImpact),
        ["max_parity_difference"] = F(policy.MaxParityDifference),
        ["max_equalized_odds_difference"] = F(policy.MaxEqualizedOddsDifference),
        ["confidence_level"] = F(policy.ConfidenceLevel),
        ["reference_group"] = "highest selection rate among groups of at least min_group_size rows; ties to the first label in ordinal order",
        ["intervals"] = $"disparate impact: {ProportionIntervals.KatzLog}; differences: {ProportionIntervals.Newcombe}",
    };

    // Order-free key of an attribute set, so that counts made in another column order are still found.
    private static string SetKey(IEnumerable<string> attributes) => string.Join('\u001f', attributes.Order(StringComparer.Ordinal));

    private static string SetName(IEnumerable<string> attributes) => string.Join(" × ", attributes);

    private static double Rate(long count, long total) => (double)count / total;

    // Verdicts are decided on the counts (a·n₂ ≥ t·c·n₁: integers exact, one rounding), not on the rounded rates, so that a
    // figure exactly at its threshold passes as the policy says: 30/100 over 45/120 is 0.8, the division 0.7999999999999999.
    private static bool RatioAtLeast(long a, long n1, long c, long n2, double minimum) =>
        (double)((Int128)a * n2) >= minimum * (double)((Int128)c * n1);

    private static bool DifferenceAtMost(long k1, long n1, long k2, long n2, double maximum) =>
        (double)(((Int128)k1 * n2) - ((Int128)k2 * n1)) <= maximum * (double)((Int128)n1 * n2);

    private static string F(double value) => GateNumbers.Format(value);

    private static string Ci(ConfidenceInterval interval) =>
        $"({F(interval.Level * 100)}% CI {GateNumbers.Format(interval.Lower)} to {GateNumbers.Format(interval.Upper)})";

    private sealed record Gap(double Difference, ConfidenceInterval Interval, bool Passed);
}
