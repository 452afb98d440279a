using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class DatasetDriftTests
{
    [Theory]
    [InlineData(new[] { DriftVerdict.Drift, DriftVerdict.Drift, DriftVerdict.NoDrift, DriftVerdict.NoDrift }, DriftVerdict.Drift)]
    [InlineData(new[] { DriftVerdict.Drift, DriftVerdict.NoDrift, DriftVerdict.NoDrift, DriftVerdict.NoDrift }, DriftVerdict.NoDrift)]
    [InlineData(new[] { DriftVerdict.Drift, DriftVerdict.Inconclusive, DriftVerdict.NoDrift, DriftVerdict.NoDrift }, DriftVerdict.Inconclusive)]
    [InlineData(new[] { DriftVerdict.Inconclusive, DriftVerdict.NoDrift, DriftVerdict.NoDrift, DriftVerdict.NoDrift }, DriftVerdict.NoDrift)]
    [InlineData(new[] { DriftVerdict.Inconclusive, DriftVerdict.Inconclusive }, DriftVerdict.Inconclusive)]
    public void Evaluate_DefaultHalfShare_VerdictFollowsTheShare(DriftVerdict[] columns, DriftVerdict expected)
    {
        var result = DatasetDrift.Evaluate(Columns(columns));

        Assert.Equal(expected, result.Verdict);
    }

    [Fact]
    public void Evaluate_CustomThreshold_CountsAndListsColumns()
    {
        var rule = DatasetDriftRule.Default with { DriftedShareThreshold = 0.25 };

        var result = DatasetDrift.Evaluate(Columns([DriftVerdict.Drift, DriftVerdict.NoDrift, DriftVerdict.Inconclusive, DriftVerdict.NoDrift]), rule);

        Assert.Equal(DriftVerdict.Drift, result.Verdict);
        Assert.Equal(0.25, result.DriftedShare);
        Assert.Equal(["c0"], result.DriftedColumns);
        Assert.Equal(["c2"], result.InconclusiveColumns);
        Assert.Equal("Drift: 1 of 4 columns drifted (25 %, threshold 25 %), 1 inconclusive", DatasetDrift.Describe(result));
    }

    [Fact]
    public void Evaluate_NoColumns_Throws()
    {
        Assert.Throws<ArgumentException>(() => DatasetDrift.Evaluate([]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Evaluate_ThresholdOutsideUnitInterval_Throws(double threshold)
    {
        var rule = new DatasetDriftRule { DriftedShareThreshold = threshold };

        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetDrift.Evaluate(Columns([DriftVerdict.Drift]), rule));
    }

    private static ColumnDriftResult[] Columns(DriftVerdict[] verdicts) =>
        [.. verdicts.Select((verdict, i) => new ColumnDriftResult(
            $"c{i}", ColumnKind.Numeric, verdict, DriftStatistic.PopulationStabilityIndex, 0, 0.2, 100, 100, [], null, null))];
}
