using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Monitoring;

public class FeatureWindowCheckTests
{
    private static readonly DateTimeOffset From = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddMinutes(5);
    private static readonly double[] Incomes = [.. Enumerable.Range(0, 400).Select(i => 20 + (i * 0.15))];
    private static readonly string[] Regions = [.. Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? "north" : "south")];
    private static readonly FeatureCheckRules Rules = new(DriftPsi: 0.2, DriftPValue: 0.05, DriftedShare: 0.5, MaxNullRate: 0.1);

    private static readonly FeatureReference Reference = new(
        [new NumericReference("income", ReferenceProfile.Create(Incomes))],
        [new CategoricalReference("region", CategoryCounts.FromValues(Regions))]);

    [Fact]
    public void Evaluate_WindowLikeTheReference_NoDriftAndNoProblems()
    {
        var result = FeatureWindowCheck.Evaluate(Reference, Window(Incomes, Regions), Rules);

        Assert.Equal(DriftVerdict.NoDrift, result.Drift);
        Assert.Empty(result.QualityProblems);
        Assert.Equal((2, 0, 400L), (result.ColumnCount, result.DriftedCount, result.Rows));
        Assert.All(result.Columns, c => Assert.Equal(0, c.NullRate));
    }

    [Fact]
    public void Evaluate_EveryColumnShifted_DatasetDrifts()
    {
        var result = FeatureWindowCheck.Evaluate(Reference, Window([.. Incomes.Select(v => v + 40)], [.. Regions.Select(_ => "north")]), Rules);

        Assert.Equal(DriftVerdict.Drift, result.Drift);
        Assert.Equal(["income", "region"], result.DriftedColumns);
        Assert.Equal(1.0, result.DriftedShare);
        var income = result.Columns.Single(c => c.Column == "income");
        Assert.Equal(DriftStatistic.KolmogorovSmirnov, income.DecidedBy);
        Assert.True(income.DecidingValue < 0.05);
    }

    [Fact]
    public void Evaluate_NullRateOverTheLimit_IsAQualityProblem()
    {
        var window = Window(Incomes[..300], Regions) with { Numeric = [new NumericWindowColumn("income", Incomes.AsMemory(0, 300), 100)] };

        var result = FeatureWindowCheck.Evaluate(Reference, window, Rules);

        var problem = Assert.Single(result.QualityProblems);
        Assert.Contains("income: null rate 25.0 % exceeds 10.0 %", problem, StringComparison.Ordinal);
        Assert.Equal(0.25, result.Columns.Single(c => c.Column == "income").NullRate);
    }

    [Fact]
    public void Evaluate_ColumnMissingFromTheWindow_IsASchemaProblem()
    {
        var window = Window(Incomes, Regions) with { Categorical = [] };

        var result = FeatureWindowCheck.Evaluate(Reference, window, Rules);

        Assert.Equal(["region"], result.MissingColumns);
        Assert.Equal(["column region is missing from the window"], result.QualityProblems);
        Assert.Equal(2, result.ColumnCount);
    }

    [Fact]
    public void Evaluate_OutOfRangeAndUnseenCategories_ReportedAlwaysJudgedOnlyWithALimit()
    {
        double[] incomes = [.. Incomes[..360], .. Enumerable.Repeat(500.0, 40)];
        string[] regions = [.. Regions[..380], .. Enumerable.Repeat("mars", 15), .. Enumerable.Repeat("venus", 5)];

        var reported = FeatureWindowCheck.Evaluate(Reference, Window(incomes, regions), Rules);
        var judged = FeatureWindowCheck.Evaluate(Reference, Window(incomes, regions), Rules with { MaxOutOfRangeRate = 0.05, MaxUnseenCategoryShare = 0.01 });

        var income = reported.Columns.Single(c => c.Column == "income");
        var region = reported.Columns.Single(c => c.Column == "region");
        Assert.Equal(0.1, income.OutOfRangeRate!.Value, 12);
        Assert.Equal(0.05, region.UnseenCategoryShare!.Value, 12);
        Assert.Equal(["mars", "venus"], region.UnseenCategories);
        Assert.Empty(reported.QualityProblems);
        Assert.Equal(2, judged.QualityProblems.Count);
        Assert.Contains(judged.QualityProblems, p => p.Contains("e.g. 'mars'", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_EmptyWindow_InconclusiveWithoutProblems()
    {
        var window = new FeatureWindow(From, To, [new NumericWindowColumn("income", Array.Empty<double>(), 0)], [new CategoricalWindowColumn("region", CategoryCounts.FromValues([]), 0)]);

        var result = FeatureWindowCheck.Evaluate(Reference, window, Rules);

        Assert.Equal(DriftVerdict.Inconclusive, result.Drift);
        Assert.Empty(result.QualityProblems);
        Assert.Equal("no feature rows in the window", FeatureWindowCheck.Describe(result));
        Assert.All(result.Columns, c => Assert.Equal(DriftVerdict.Inconclusive, c.Drift));
    }

    [Fact]
    public void From_MonitoringPolicy_TakesItsThresholds()
    {
        var policy = new MlopsFlows.Domain.Policies.MonitoringPolicy(TimeSpan.FromMinutes(5), 0.999, TimeSpan.FromDays(30), 0.25, 0.01, 0.3, 0.02, null, "none", TimeSpan.FromMinutes(15));

        Assert.Equal(new FeatureCheckRules(0.25, 0.01, 0.3, 0.02), FeatureCheckRules.From(policy));
    }

    private static FeatureWindow Window(double[] incomes, string[] regions) =>
        new(From, To, [new NumericWindowColumn("income", incomes, 0)], [new CategoricalWindowColumn("region", CategoryCounts.FromValues(regions), 0)]);
}
