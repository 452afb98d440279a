using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class PopulationStabilityIndexTests
{
    private const string File = "numeric.json";

    public static TheoryData<string> GoldenCases => GoldenData.CaseNames(File);

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Compute_GoldenCase_MatchesNumpyDefinition(string name)
    {
        var golden = GoldenData.Case(File, name);
        var reference = GoldenData.Sample(golden.GetProperty("reference"));
        var current = GoldenData.Sample(golden.GetProperty("current"));

        var result = PopulationStabilityIndex.Compute(
            reference, current, golden.GetProperty("bins").GetInt32(), golden.GetProperty("epsilon").GetDouble());

        // Edges and counts must be identical (a value on an edge decides its bin), the sum within tolerance.
        Assert.Equal(GoldenData.Numbers(golden.GetProperty("edges")), result.Edges);
        Assert.Equal(GoldenData.Longs(golden.GetProperty("reference_counts")), result.ReferenceCounts);
        Assert.Equal(GoldenData.Longs(golden.GetProperty("current_counts")), result.CurrentCounts);
        GoldenData.AssertStatistic(golden.GetProperty("psi").GetDouble(), result.Value, "PSI");
        var contributions = GoldenData.Numbers(golden.GetProperty("contributions"));
        for (var i = 0; i < contributions.Length; i++)
        {
            GoldenData.AssertStatistic(contributions[i], result.Contributions[i], $"contribution of bin {i}");
        }
    }

    [Fact]
    public void Compute_SameSample_IsZero()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(0, PopulationStabilityIndex.Compute(values, values).Value);
    }

    [Fact]
    public void Compute_CurrentAboveEveryEdge_LandsInTheOpenTopBin()
    {
        var result = PopulationStabilityIndex.Compute([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1e6, 2e6]);

        Assert.Equal(2, result.CurrentCounts[^1]);
        Assert.Equal(1.0, result.CurrentProportions[^1]);
    }

    [Fact]
    public void Compute_EmptyBin_UsesEpsilonInsteadOfInfinity()
    {
        // Two bins: (-inf, 2.5] and (2.5, inf); the current window leaves the lower one empty.
        var result = PopulationStabilityIndex.Compute([1, 2, 3, 4], [3.5, 4.5], binCount: 2, epsilon: 1e-4);

        var expected = ((1e-4 - 0.5) * Math.Log(1e-4 / 0.5)) + ((1 - 0.5) * Math.Log(1 / 0.5));
        Assert.Equal(expected, result.Value, 14);
        Assert.Equal(0.0, result.CurrentProportions[0]);
    }

    [Fact]
    public void Compute_TiesOnAnEdge_CountBelowIt()
    {
        // 19 zeros and a one: every decile is 0, so one edge remains and the bins are (-inf, 0] and (0, inf).
        var reference = Enumerable.Repeat(0.0, 19).Append(1.0).ToArray();

        var result = PopulationStabilityIndex.Compute(reference, [0, 0, 1, 1]);

        Assert.Equal([0.0], result.Edges);
        Assert.Equal([19L, 1L], result.ReferenceCounts);
        Assert.Equal([2L, 2L], result.CurrentCounts);
    }

    [Fact]
    public void FromCounts_NegativeCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromCounts([1, 2], [3, -1]));

        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCounts_DifferentBinCounts_Throws()
    {
        Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromCounts([1, 2], [1, 2, 3]));
    }

    [Fact]
    public void FromCounts_AllZeroSide_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromCounts([0, 0], [1, 2]));

        Assert.Contains("zero", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-4)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Compute_EpsilonOutsideUnitInterval_Throws(double epsilon)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PopulationStabilityIndex.Compute([1.0, 2.0], [1.0], epsilon: epsilon));
    }

    [Fact]
    public void Compute_EmptyCurrent_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([1.0, 2.0], []));

        Assert.Equal("current", error.ParamName);
    }

    [Fact]
    public void Compute_NaNInCurrent_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([1.0, 2.0], [double.NaN]));

        Assert.Contains("not a finite number", error.Message, StringComparison.Ordinal);
    }
}
