using System.Diagnostics;
using System.Text.Json;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Tests.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Gates;

public class FairnessGateTests(ITestOutputHelper output)
{
    private static readonly FairnessGatePolicy SingleAttribute = new(["group"], Intersections: false);

    private static readonly JsonElement Tables = Golden.Load("fairness/datasets.json").GetProperty("tables");

    public static TheoryData<string> TableNames()
    {
        var names = new TheoryData<string>();
        foreach (var table in Tables.EnumerateArray())
        {
            names.Add(table.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Fact]
    public void Evaluate_AllGroupsWithinEveryLimit_Passes()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 400, 200, 200, 150, 50), Group("b", 400, 190, 200, 145, 45)));

        Assert.Equal(GateOutcome.Pass, report.Outcome);
        Assert.True(report.Passed);
        Assert.Equal(FairnessGate.Name, report.Gate);
        Assert.Contains(report.Findings, f => f.Check == "disparate_impact" && f.Subject == "b" && f.Interval is not null);
        Assert.Contains(report.Findings, f => f.Check == "demographic_parity_difference");
        Assert.Contains(report.Findings, f => f.Check == "equalized_odds_difference");
    }

    [Fact]
    public void Evaluate_GroupBelowFourFifths_FailsNamingTheGroupWithItsInterval()
    {
        var policy = SingleAttribute with { MaxParityDifference = 1, MaxEqualizedOddsDifference = 1 };

        var report = FairnessGate.Evaluate(policy, Counts(Group("a", 400, 200, 200, 150, 50), Group("b", 400, 100, 200, 75, 25)));

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        var finding = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("disparate_impact", "b"), (finding.Check, finding.Subject));
        Assert.Equal(0.5, finding.Value);
        Assert.Equal(0.8, finding.Threshold);
        Assert.Equal(Comparison.AtLeast, finding.Comparison);
        Assert.Equal(400, finding.SampleSize);
        Assert.True(finding.Interval!.Lower < 0.5 && finding.Interval.Upper > 0.5);
        Assert.Contains("below the minimum 0.8", finding.Reason, StringComparison.Ordinal);
        Assert.Contains("reference a", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RatioExactlyAtTheMinimum_Passes()
    {
        // 0.3 / 0.375 is 0.8 exactly but 0.7999999999999999 in floating point; the verdict uses the counts.
        var policy = SingleAttribute with { MaxParityDifference = 1, MaxEqualizedOddsDifference = 1 };

        var report = FairnessGate.Evaluate(policy, Counts(Group("a", 100, 30, 50, 20, 10), Group("b", 120, 45, 60, 30, 15)));

        var ratio = Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Subject == "a");
        Assert.Equal(0.7999999999999999, ratio.Value);
        Assert.Equal(GateOutcome.Pass, ratio.Outcome);
    }

    [Fact]
    public void Evaluate_ParityDifferenceExactlyAtTheMaximum_Passes()
    {
        // 0.4 − 0.3 is 0.10000000000000003 in floating point.
        var policy = SingleAttribute with { MinDisparateImpact = 0, MaxEqualizedOddsDifference = 1 };

        var report = FairnessGate.Evaluate(policy, Counts(Group("a", 100, 40, 50, 20, 20), Group("b", 100, 30, 50, 15, 15)));

        var parity = Assert.Single(report.Findings, f => f.Check == "demographic_parity_difference");
        Assert.Equal(GateOutcome.Pass, parity.Outcome);
    }

    [Fact]
    public void Evaluate_ParityDifferenceAboveTheMaximum_Fails()
    {
        var policy = SingleAttribute with { MinDisparateImpact = 0, MaxEqualizedOddsDifference = 1 };

        var report = FairnessGate.Evaluate(policy, Counts(Group("a", 100, 60, 50, 30, 30), Group("b", 100, 30, 50, 15, 15)));

        var parity = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal("demographic_parity_difference", parity.Check);
        Assert.Equal("group", parity.Subject);
        Assert.Equal(0.3, parity.Value!.Value, 15);
        Assert.Equal(ProportionIntervals.Newcombe, parity.Interval!.Method);
        Assert.Contains(parity.Measures, m => m.Name == "highest:a" && m.Value == 0.6);
        Assert.Contains(parity.Measures, m => m.Name == "lowest:b" && m.Value == 0.3);
    }

    [Fact]
    public void Evaluate_TruePositiveRateGapAboveTheMaximum_FailsEqualizedOdds()
    {
        // Same selection rates, but b's approvals go to people who default: TPR 0.4 vs 0.8.
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 200, 100, 100, 80, 20), Group("b", 200, 100, 100, 40, 60)));

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        var tpr = Assert.Single(report.Findings, f => f.Check == "true_positive_rate_gap");
        var fpr = Assert.Single(report.Findings, f => f.Check == "false_positive_rate_gap");
        var odds = Assert.Single(report.Findings, f => f.Check == "equalized_odds_difference");
        Assert.Equal(GateOutcome.Fail, tpr.Outcome);
        Assert.Equal(GateOutcome.Fail, fpr.Outcome);
        Assert.Equal(GateOutcome.Fail, odds.Outcome);
        Assert.Equal(0.4, tpr.Value!.Value, 12);
        Assert.Equal(0.4, fpr.Value!.Value, 12);
        Assert.Equal(odds.Value, Math.Max(tpr.Value!.Value, fpr.Value!.Value));
        Assert.Equal(100 + 100, tpr.SampleSize);
    }

    [Fact]
    public void Evaluate_GroupBelowMinimumSize_InsufficientDataWithItsSizeAndNeverPass()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 400, 200, 200, 150, 50), Group("b", 400, 195, 200, 148, 47), Group("c", 12, 12, 6, 6, 6)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.False(report.Passed);
        var small = Assert.Single(report.Findings, f => f.Outcome != GateOutcome.Pass);
        Assert.Equal(("group_size", "c", 12L), (small.Check, small.Subject, small.SampleSize));
        Assert.Equal(12, small.Value);
        Assert.Equal(30, small.Threshold);
        Assert.Contains("12 rows", small.Reason, StringComparison.Ordinal);
        Assert.Contains(small.Measures, m => m.Name == "selection_rate" && m.Value == 1);
        Assert.Single(report.Reasons);
    }

    [Fact]
    public void Evaluate_SmallGroupWithHighestRate_IsNotTheReference()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 400, 200, 200, 150, 50), Group("b", 400, 190, 200, 145, 45), Group("c", 5, 5, 3, 3, 2)));

        var reference = Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Value == 1);
        Assert.Equal("a", reference.Subject);
        Assert.Contains("reference group", reference.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TiedHighestRates_FirstLabelIsTheReference()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("z", 100, 50, 50, 40, 10), Group("m", 200, 100, 100, 80, 20)));

        var reference = Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Reason.Contains("reference group", StringComparison.Ordinal));
        Assert.Equal("m", reference.Subject);
    }

    [Fact]
    public void Evaluate_ReferenceSelectionRateZero_InsufficientDataNotACrash()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 100, 0, 50, 0, 0), Group("b", 100, 0, 50, 0, 0)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        var ratio = Assert.Single(report.Findings, f => f.Check == "disparate_impact");
        Assert.Equal(GateOutcome.InsufficientData, ratio.Outcome);
        Assert.Null(ratio.Value);
        Assert.Contains("undefined", ratio.Reason, StringComparison.Ordinal);
        Assert.Equal(GateOutcome.Pass, Assert.Single(report.Findings, f => f.Check == "demographic_parity_difference").Outcome);
    }

    [Fact]
    public void Evaluate_GroupNeverSelected_FailsWithZeroRatioAndAnOpenUpperBound()
    {
        var policy = SingleAttribute with { MaxParityDifference = 1, MaxEqualizedOddsDifference = 1 };

        var report = FairnessGate.Evaluate(policy, Counts(Group("a", 100, 0, 40, 0, 0), Group("b", 120, 60, 60, 40, 20)));

        var ratio = Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Subject == "a");
        Assert.Equal(GateOutcome.Fail, ratio.Outcome);
        Assert.Equal(0, ratio.Value);
        Assert.Equal(0.0, ratio.Interval!.Lower);
        Assert.Null(ratio.Interval.Upper);
    }

    [Fact]
    public void Evaluate_GroupWithoutPositives_TruePositiveRateInsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 100, 20, 0, 0, 20), Group("b", 100, 20, 50, 10, 10), Group("c", 100, 20, 50, 12, 8)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        var undefined = Assert.Single(report.Findings, f => f.Check == "true_positive_rate");
        Assert.Equal(("a", GateOutcome.InsufficientData), (undefined.Subject, undefined.Outcome));
        Assert.Contains("no positive labels", undefined.Reason, StringComparison.Ordinal);
        Assert.Equal(GateOutcome.Pass, Assert.Single(report.Findings, f => f.Check == "true_positive_rate_gap").Outcome);
    }

    [Fact]
    public void Evaluate_OnlyOneGroupHasPositives_GapAndEqualizedOddsInsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 100, 20, 0, 0, 20), Group("b", 100, 20, 50, 10, 10)));

        Assert.Equal(GateOutcome.InsufficientData, Assert.Single(report.Findings, f => f.Check == "true_positive_rate_gap").Outcome);
        var odds = Assert.Single(report.Findings, f => f.Check == "equalized_odds_difference");
        Assert.Equal(GateOutcome.InsufficientData, odds.Outcome);
        Assert.Null(odds.Value);
    }

    [Fact]
    public void Evaluate_IdenticalGroups_PassesWithZeroDifferences()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("x", 100, 40, 50, 30, 10), Group("y", 100, 40, 50, 30, 10), Group("z", 100, 40, 50, 30, 10)));

        Assert.True(report.Passed);
        Assert.All(report.Findings.Where(f => f.Check == "disparate_impact"), f => Assert.Equal(1, f.Value));
        var parity = Assert.Single(report.Findings, f => f.Check == "demographic_parity_difference");
        Assert.Equal(0, parity.Value);
        Assert.True(parity.Interval!.Lower < 0 && parity.Interval.Upper > 0);
        Assert.Contains(parity.Measures, m => m.Name == "highest:x");
        Assert.Contains(parity.Measures, m => m.Name == "lowest:z");
    }

    [Fact]
    public void Evaluate_OnlyOneGroup_InsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("only", 500, 200, 250, 150, 50)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("groups", "group"), (finding.Check, finding.Subject));
        Assert.Contains("no group to compare", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EveryGroupTooSmall_InsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 10, 5, 5, 3, 2), Group("b", 10, 5, 5, 3, 2)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.Equal(2, report.Findings.Count(f => f.Check == "group_size"));
        Assert.Contains(report.Findings, f => f.Check == "groups" && f.Reason.Contains("no group has at least 30", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_NoRows_InsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, [], [], [new ProtectedColumn("group", Array.Empty<string?>())]);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.Equal("rows", Assert.Single(report.Findings).Check);
        Assert.Equal("0", report.Inputs["rows"]);
    }

    [Fact]
    public void Evaluate_PolicyNamesNoAttribute_InsufficientData()
    {
        var report = FairnessGate.Evaluate(SingleAttribute with { ProtectedAttributes = [] }, Counts(Group("a", 100, 50, 50, 40, 10)));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
    }

    [Fact]
    public void Evaluate_AttributeMissingFromTheData_InsufficientDataAndItsIntersectionsSkipped()
    {
        var (labels, predictions, sex) = Rows(("F", 100, 50, 50, 40, 10), ("M", 100, 50, 50, 40, 10));
        var policy = new FairnessGatePolicy(["sex", "age_band"]);

        var report = FairnessGate.Evaluate(policy, labels, predictions, [new ProtectedColumn("sex", sex)]);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        var missing = Assert.Single(report.Findings, f => f.Outcome != GateOutcome.Pass);
        Assert.Equal(("attribute", "age_band"), (missing.Check, missing.Subject));
        Assert.DoesNotContain(report.Findings, f => f.Subject.Contains('×', StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_IntersectionRequiredButNotCounted_InsufficientData()
    {
        var counts = new FairnessCounts(400,
        [
            new AttributeGroups(["a"], [Group("a=1", 200, 100, 100, 80, 20), Group("a=2", 200, 100, 100, 80, 20)]),
            new AttributeGroups(["b"], [Group("b=1", 200, 100, 100, 80, 20), Group("b=2", 200, 100, 100, 80, 20)]),
        ]);

        var report = FairnessGate.Evaluate(new FairnessGatePolicy(["a", "b"]), counts);

        var finding = Assert.Single(report.Findings, f => f.Outcome != GateOutcome.Pass);
        Assert.Equal(("groups", "a × b"), (finding.Check, finding.Subject));
        Assert.Contains("not counted", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_IntersectionUnfairThoughEachAttributeIsFair_FailsOnTheIntersection()
    {
        // Selection 0.5 for each sex and each age band, but young women and older men are approved far less often.
        var (labels, predictions, columns) = Crossed(
            (("F", "young"), 200, 40),
            (("F", "old"), 200, 160),
            (("M", "young"), 200, 160),
            (("M", "old"), 200, 40));
        var policy = new FairnessGatePolicy(["sex", "age"], MaxParityDifference: 1, MaxEqualizedOddsDifference: 1);

        var report = FairnessGate.Evaluate(policy, labels, predictions, columns);

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.All(report.Findings.Where(f => f.Check == "disparate_impact" && !f.Subject.Contains(',', StringComparison.Ordinal)), f => Assert.Equal(GateOutcome.Pass, f.Outcome));
        var failing = report.Findings.Where(f => f.Outcome == GateOutcome.Fail).Select(f => f.Subject).Order(StringComparer.Ordinal);
        Assert.Equal(["sex=F, age=young", "sex=M, age=old"], failing);
    }

    [Fact]
    public void Evaluate_ThreeAttributesWithIntersections_JudgesEverySetOnce()
    {
        var (labels, predictions, columns) = Balanced(["sex", "age", "region"], 2, 120);
        var policy = new FairnessGatePolicy(["sex", "age", "region"]);

        var report = FairnessGate.Evaluate(policy, labels, predictions, columns);

        var sets = report.Findings.Where(f => f.Check == "demographic_parity_difference").Select(f => f.Subject).ToArray();
        Assert.Equal(["sex", "age", "region", "sex × age", "sex × region", "age × region", "sex × age × region"], sets);
        Assert.True(report.Passed, string.Join('\n', report.Reasons));
    }

    [Fact]
    public void Evaluate_IntersectionsOff_JudgesOnlySingleAttributes()
    {
        var (labels, predictions, columns) = Balanced(["sex", "age"], 2, 120);
        var policy = new FairnessGatePolicy(["sex", "age"], Intersections: false);

        var report = FairnessGate.Evaluate(policy, labels, predictions, columns);

        var sets = report.Findings.Where(f => f.Check == "demographic_parity_difference").Select(f => f.Subject).ToArray();
        Assert.Equal(["sex", "age"], sets);
    }

    [Fact]
    public void Evaluate_ColumnsThePolicyDoesNotName_AreIgnored()
    {
        var (labels, predictions, columns) = Balanced(["sex", "zip"], 2, 120);

        var report = FairnessGate.Evaluate(new FairnessGatePolicy(["sex"]), labels, predictions, columns);

        Assert.DoesNotContain(report.Findings, f => f.Subject.Contains("zip", StringComparison.Ordinal));
        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_Report_SerialisesWithDefaultOptionsAndReadsBack()
    {
        var report = FairnessGate.Evaluate(SingleAttribute, Counts(Group("a", 100, 0, 40, 0, 0), Group("b", 120, 60, 60, 40, 20), Group("c", 3, 3, 1, 1, 2)));

        var json = JsonSerializer.Serialize(report);
        var back = JsonSerializer.Deserialize<GateReport>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Contains("\"Outcome\":\"Fail\"", json, StringComparison.Ordinal);
        Assert.Equal(report.Findings.Count, back.Findings.Count);
        Assert.Equal(report.Inputs["min_group_size"], back.Inputs["min_group_size"]);
    }

    [Fact]
    public void Evaluate_MillionRowsThreeAttributes_CountsAndJudgesWithinSeconds()
    {
        const int rows = 1_000_000;
        var labels = new int[rows];
        var predictions = new int[rows];
        string[] sexes = ["F", "M", "X"];
        string[] ages = ["18-25", "26-40", "41-65", "65+"];
        string[] regions = ["north", "south", "east", "west", "centre"];
        var sex = new string?[rows];
        var age = new string?[rows];
        var region = new string?[rows];
        var state = 12345u;
        for (var i = 0; i < rows; i++)
        {
            state = (state * 1664525) + 1013904223;
            labels[i] = (int)(state >> 31);
            predictions[i] = (int)((state >> 30) & 1);
            sex[i] = sexes[(state >> 8) % 3];
            age[i] = ages[(state >> 12) % 4];
            region[i] = regions[(state >> 16) % 5];
        }

        var watch = Stopwatch.StartNew();
        var report = FairnessGate.Evaluate(
            new FairnessGatePolicy(["sex", "age", "region"]),
            labels,
            predictions,
            [new ProtectedColumn("sex", sex), new ProtectedColumn("age", age), new ProtectedColumn("region", region)]);
        watch.Stop();

        output.WriteLine($"1,000,000 rows, 3 attributes, 7 sets: {watch.ElapsedMilliseconds} ms, {report.Findings.Count} findings");
        Assert.Equal(rows.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Inputs["rows"]);
        Assert.Equal(3 + 4 + 5, report.Findings.Count(f => f.Check == "disparate_impact" && !f.Subject.Contains(',', StringComparison.Ordinal)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Evaluate_ScipyGoldenTable_ReportsScipysFigures(string name)
    {
        var table = Tables.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
        var groups = table.GetProperty("groups").EnumerateArray().Select(g => Group(
            g.GetProperty("group").GetString()!,
            g.GetProperty("size").GetInt64(),
            g.GetProperty("selected").GetInt64(),
            g.GetProperty("positives").GetInt64(),
            g.GetProperty("true_positives").GetInt64(),
            g.GetProperty("false_positives").GetInt64())).ToArray();
        var policy = SingleAttribute with
        {
            MinGroupSize = table.GetProperty("min_group_size").GetInt32(),
            ConfidenceLevel = table.Number("confidence_level"),
        };
        var expected = table.GetProperty("expected");
        var agreement = new Agreement(name, relative: 1e-9, absolute: 1e-15);

        var report = FairnessGate.Evaluate(policy, Counts(groups));

        var small = report.Findings.Where(f => f.Check == "group_size").Select(f => f.Subject).ToArray();
        Assert.Equal(expected.GetProperty("small_groups").EnumerateArray().Select(e => e.GetString()!), small);
        if (!expected.GetProperty("comparable").GetBoolean())
        {
            Assert.Contains(report.Findings, f => f.Check == "groups" && f.Outcome == GateOutcome.InsufficientData);
            Assert.False(report.Passed);
            return;
        }

        var reference = expected.GetProperty("reference").GetString()!;
        var ratios = expected.GetProperty("disparate_impact");
        if (ratios.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(GateOutcome.InsufficientData, Assert.Single(report.Findings, f => f.Check == "disparate_impact").Outcome);
        }
        else
        {
            Assert.Equal(1, Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Subject == reference).Value);
            foreach (var ratio in ratios.EnumerateArray())
            {
                var group = ratio.GetProperty("group").GetString()!;
                var finding = Assert.Single(report.Findings, f => f.Check == "disparate_impact" && f.Subject == group);
                Check(agreement, $"{group} ratio", ratio.GetProperty("ratio"), finding.Value);
                Check(agreement, $"{group} low", ratio.GetProperty("low"), finding.Interval!.Lower);
                Check(agreement, $"{group} high", ratio.GetProperty("high"), finding.Interval.Upper);
            }
        }

        CheckDifference(agreement, report, "demographic_parity_difference", expected.GetProperty("parity"));
        CheckDifference(agreement, report, "true_positive_rate_gap", expected.GetProperty("tpr_gap"));
        CheckDifference(agreement, report, "false_positive_rate_gap", expected.GetProperty("fpr_gap"));
        var odds = Assert.Single(report.Findings, f => f.Check == "equalized_odds_difference");
        var expectedOdds = expected.GetProperty("equalized_odds");
        if (expectedOdds.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(GateOutcome.InsufficientData, odds.Outcome);
        }
        else
        {
            Check(agreement, "equalized odds", expectedOdds.GetProperty("difference"), odds.Value);
            Check(agreement, "equalized odds low", expectedOdds.GetProperty("low"), odds.Interval!.Lower);
            Check(agreement, "equalized odds high", expectedOdds.GetProperty("high"), odds.Interval.Upper);
        }

        agreement.AssertAll(output);
    }

    private static void CheckDifference(Agreement agreement, GateReport report, string check, JsonElement expected)
    {
        var finding = Assert.Single(report.Findings, f => f.Check == check);
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(GateOutcome.InsufficientData, finding.Outcome);
            return;
        }

        Assert.Contains(finding.Measures, m => m.Name == $"highest:{expected.GetProperty("highest").GetString()}");
        Assert.Contains(finding.Measures, m => m.Name == $"lowest:{expected.GetProperty("lowest").GetString()}");
        Check(agreement, $"{check}", expected.GetProperty("difference"), finding.Value);
        Check(agreement, $"{check} low", expected.GetProperty("low"), finding.Interval!.Lower);
        Check(agreement, $"{check} high", expected.GetProperty("high"), finding.Interval.Upper);
    }

    private static void Check(Agreement agreement, string label, JsonElement expected, double? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{label}: scipy has no finite value, ours is {actual}");
            return;
        }

        Assert.True(actual is not null, $"{label}: scipy has {expected.GetDouble()}, ours is undefined");
        agreement.Check(label, expected.GetDouble(), actual.Value);
    }

    private static GroupCounts Group(string name, long size, long selected, long positives, long truePositives, long falsePositives)
    {
        Assert.Equal(selected, truePositives + falsePositives);
        return new GroupCounts(name, size, selected, positives, truePositives, falsePositives);
    }

    private static FairnessCounts Counts(params GroupCounts[] groups) =>
        new(groups.Sum(g => g.Size), [new AttributeGroups(["group"], groups)]);

    // Rows for one attribute from (value, size, selected, positives, true positives, false positives).
    private static (int[] Labels, int[] Predictions, string?[] Values) Rows(params (string Value, int Size, int Selected, int Positives, int TruePositives, int FalsePositives)[] groups)
    {
        var labels = new List<int>();
        var predictions = new List<int>();
        var values = new List<string?>();
        foreach (var g in groups)
        {
            var trueNegatives = g.Size - g.Positives - g.FalsePositives;
            Add(1, 1, g.TruePositives);
            Add(1, 0, g.Positives - g.TruePositives);
            Add(0, 1, g.FalsePositives);
            Add(0, 0, trueNegatives);

            void Add(int label, int prediction, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    labels.Add(label);
                    predictions.Add(prediction);
                    values.Add(g.Value);
                }
            }
        }

        return ([.. labels], [.. predictions], [.. values]);
    }

    // Rows for two attributes (sex, age): per cell its size and how many were selected; labels half positive, TPR = FPR.
    private static (int[] Labels, int[] Predictions, ProtectedColumn[] Columns) Crossed(params ((string Sex, string Age) Cell, int Size, int Selected)[] cells)
    {
        var labels = new List<int>();
        var predictions = new List<int>();
        var sex = new List<string?>();
        var age = new List<string?>();
        foreach (var (cell, size, selected) in cells)
        {
            for (var i = 0; i < size; i++)
            {
                labels.Add(i % 2);
                predictions.Add(i < selected ? 1 : 0);
                sex.Add(cell.Sex);
                age.Add(cell.Age);
            }
        }

        return ([.. labels], [.. predictions], [new ProtectedColumn("sex", sex.ToArray()), new ProtectedColumn("age", age.ToArray())]);
    }

    // Every combination of `levels` values per attribute, each cell `perCell` rows with identical rates.
    private static (int[] Labels, int[] Predictions, ProtectedColumn[] Columns) Balanced(string[] attributes, int levels, int perCell)
    {
        var cells = (int)Math.Pow(levels, attributes.Length);
        var rows = cells * perCell;
        var labels = new int[rows];
        var predictions = new int[rows];
        var values = attributes.Select(_ => new string?[rows]).ToArray();
        for (var r = 0; r < rows; r++)
        {
            var cell = r / perCell;
            var within = r % perCell;
            labels[r] = within % 2;
            predictions[r] = within % 4 < 2 ? 1 : 0;
            for (var j = 0; j < attributes.Length; j++)
            {
                values[j][r] = $"v{cell / (int)Math.Pow(levels, j) % levels}";
            }
        }

        return (labels, predictions, [.. attributes.Select((a, j) => new ProtectedColumn(a, values[j]))]);
    }
}
