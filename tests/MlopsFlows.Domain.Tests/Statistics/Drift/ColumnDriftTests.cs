using System.Text.Json;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class ColumnDriftTests
{
    private static readonly ReferenceProfile Uniform = ReferenceProfile.Create(Grid(2000, 0.0));

    [Fact]
    public void Numeric_LargeUnchangedWindow_NoDriftByPsi()
    {
        var result = ColumnDrift.Numeric("age", Uniform, Grid(1500, 0.0));

        Assert.Equal(DriftVerdict.NoDrift, result.Verdict);
        Assert.Equal(DriftStatistic.PopulationStabilityIndex, result.DecidedBy);
        Assert.Equal(0.2, result.Threshold);
        Assert.NotNull(result.Numeric);
    }

    [Fact]
    public void Numeric_LargeShiftedWindow_DriftByPsi()
    {
        var result = ColumnDrift.Numeric("age", Uniform, Grid(1500, 0.3));

        Assert.Equal(DriftVerdict.Drift, result.Verdict);
        Assert.Equal(DriftStatistic.PopulationStabilityIndex, result.DecidedBy);
        Assert.True(result.DecidingValue > 0.2);
    }

    [Fact]
    public void Numeric_PsiExactlyAtThreshold_Passes()
    {
        var shifted = Grid(1500, 0.3);
        var psi = ColumnDrift.Numeric("age", Uniform, shifted).DecidingValue;

        var result = ColumnDrift.Numeric("age", Uniform, shifted, DriftThresholds.Default with { PsiThreshold = psi });

        Assert.Equal(DriftVerdict.NoDrift, result.Verdict);
    }

    [Fact]
    public void Numeric_EmptyWindowAndConstantReference_SerializeAsEvidence()
    {
        var constant = ReferenceProfile.Create([2.0, 2.0, 2.0]);

        var empty = JsonSerializer.Serialize(ColumnDrift.Numeric("age", Uniform, []));
        var infinite = JsonSerializer.Serialize(ColumnDrift.Numeric("age", constant, [3.0]));

        Assert.Contains("\"DecidingValue\":\"NaN\"", empty, StringComparison.Ordinal);
        Assert.Contains("\"NormalizedDistance\":\"Infinity\"", infinite, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_LargeWindowWithWassersteinPolicy_DecidedByNormalizedWasserstein()
    {
        var thresholds = DriftThresholds.Default with { LargeSampleNumeric = LargeSampleNumericStatistic.Wasserstein };

        var result = ColumnDrift.Numeric("age", Uniform, Grid(1500, 0.3), thresholds);

        Assert.Equal(DriftStatistic.Wasserstein, result.DecidedBy);
        Assert.Equal(result.Numeric!.Wasserstein!.NormalizedDistance, result.DecidingValue);
        Assert.Equal(DriftVerdict.Drift, result.Verdict);
    }

    [Fact]
    public void Numeric_SmallShiftedWindow_DriftByKsTest()
    {
        var result = ColumnDrift.Numeric("age", Uniform, Grid(200, 0.3));

        Assert.Equal(DriftStatistic.KolmogorovSmirnov, result.DecidedBy);
        Assert.Equal(DriftVerdict.Drift, result.Verdict);
        Assert.True(result.DecidingValue < 0.05);
    }

    [Fact]
    public void Numeric_SmallUnchangedWindow_NoDriftByKsTest()
    {
        var result = ColumnDrift.Numeric("age", Uniform, Grid(200, 0.0));

        Assert.Equal(DriftStatistic.KolmogorovSmirnov, result.DecidedBy);
        Assert.Equal(DriftVerdict.NoDrift, result.Verdict);
    }

    [Fact]
    public void Numeric_TinyWindow_InconclusiveWithStatisticsAndANote()
    {
        var result = ColumnDrift.Numeric("age", Uniform, [5.0, 6.0, 7.0]);

        Assert.Equal(DriftVerdict.Inconclusive, result.Verdict);
        Assert.NotNull(result.Numeric);
        Assert.Contains(result.Notes, note => note.Contains("only 3 values", StringComparison.Ordinal));
    }

    [Fact]
    public void Numeric_EmptyWindow_InconclusiveWithoutStatistics()
    {
        var result = ColumnDrift.Numeric("age", Uniform, []);

        Assert.Equal(DriftVerdict.Inconclusive, result.Verdict);
        Assert.Equal(DriftStatistic.None, result.DecidedBy);
        Assert.True(double.IsNaN(result.DecidingValue));
        Assert.Null(result.Numeric);
        Assert.Contains("the current window is empty", result.Notes);
    }

    [Fact]
    public void Numeric_NaNInWindow_Throws()
    {
        Assert.Throws<ArgumentException>(() => ColumnDrift.Numeric("age", Uniform, [1.0, double.NaN]));
    }

    [Fact]
    public void Numeric_TiedReference_NotesCollapsedBins()
    {
        var reference = ReferenceProfile.Create([.. Enumerable.Repeat(0.0, 90), .. Enumerable.Range(1, 10).Select(i => (double)i)]);

        var result = ColumnDrift.Numeric("clicks", reference, Enumerable.Repeat(0.0, 50).ToArray());

        Assert.Contains(result.Notes, note => note.Contains("collapsed 10 quantile bins into 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Categorical_LargeShift_DriftByJensenShannon()
    {
        var reference = Categories(("red", 1500), ("green", 1000), ("blue", 500));
        var current = Categories(("red", 500), ("green", 1000), ("blue", 1500));

        var result = ColumnDrift.Categorical("color", reference, current);

        Assert.Equal(DriftStatistic.JensenShannon, result.DecidedBy);
        Assert.Equal(DriftVerdict.Drift, result.Verdict);
    }

    [Fact]
    public void Categorical_SmallSamples_DecidedByChiSquare()
    {
        var reference = Categories(("no", 70), ("yes", 30));
        var current = Categories(("no", 68), ("yes", 32));

        var result = ColumnDrift.Categorical("churned", reference, current);

        Assert.Equal(DriftStatistic.ChiSquare, result.DecidedBy);
        Assert.Equal(DriftVerdict.NoDrift, result.Verdict);
        Assert.True(result.Categorical!.ChiSquare.YatesCorrected);
    }

    [Fact]
    public void Categorical_UnseenCategory_IsNoted()
    {
        var reference = Categories(("a", 50), ("b", 50));
        var current = Categories(("a", 40), ("b", 40), ("new", 20));

        var result = ColumnDrift.Categorical("plan", reference, current);

        Assert.Contains(result.Notes, note => note.Contains("1 categories unseen in the reference (20 values), e.g. 'new'", StringComparison.Ordinal));
        Assert.Equal(DriftVerdict.Drift, result.Verdict);
    }

    [Fact]
    public void Categorical_EmptyWindow_Inconclusive()
    {
        var result = ColumnDrift.Categorical("plan", Categories(("a", 5)), CategoryCounts.FromValues([]));

        Assert.Equal(DriftVerdict.Inconclusive, result.Verdict);
        Assert.Null(result.Categorical);
    }

    [Fact]
    public void Numeric_InvalidThresholds_Throw()
    {
        var thresholds = DriftThresholds.Default with { Significance = 1.5 };

        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnDrift.Numeric("age", Uniform, [1.0], thresholds));
    }

    /// <summary>n evenly spread values on [shift, 1 + shift): a deterministic stand-in for a uniform sample.</summary>
    private static double[] Grid(int n, double shift) => [.. Enumerable.Range(0, n).Select(i => shift + ((i + 0.5) / n))];

    private static CategoryCounts Categories(params (string Name, long Count)[] counts) =>
        CategoryCounts.FromCounts(counts.Select(item => new KeyValuePair<string, long>(item.Name, item.Count)));
}
