using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class JensenShannonTests
{
    public static TheoryData<string> NumericCases => GoldenData.CaseNames("numeric.json");

    public static TheoryData<string> CategoricalCases => GoldenData.CaseNames("categorical.json");

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Distance_OverPsiBins_MatchesScipy(string name)
    {
        var golden = GoldenData.Case("numeric.json", name);

        var distance = JensenShannon.Distance(
            GoldenData.Longs(golden.GetProperty("reference_counts")), GoldenData.Longs(golden.GetProperty("current_counts")));

        GoldenData.AssertStatistic(golden.GetProperty("jensenshannon").GetDouble(), distance, "JS");
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Distance_OverCategoryCounts_MatchesScipy(string name)
    {
        var golden = GoldenData.Case("categorical.json", name);

        var distance = JensenShannon.Distance(
            GoldenData.Longs(golden.GetProperty("reference_counts")), GoldenData.Longs(golden.GetProperty("current_counts")));

        GoldenData.AssertStatistic(golden.GetProperty("jensenshannon").GetDouble(), distance, "JS");
    }

    [Fact]
    public void Distance_DisjointDistributions_IsOne()
    {
        Assert.Equal(1.0, JensenShannon.Distance([3.0, 0.0], [0.0, 5.0]), 15);
    }

    [Fact]
    public void Distance_ProportionalWeights_IsZero()
    {
        Assert.Equal(0.0, JensenShannon.Distance([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]));
    }

    [Fact]
    public void Distance_NegativeWeight_Throws()
    {
        Assert.Throws<ArgumentException>(() => JensenShannon.Distance([1.0, -1.0], [1.0, 1.0]));
    }

    [Fact]
    public void Distance_AllZero_Throws()
    {
        Assert.Throws<ArgumentException>(() => JensenShannon.Distance([0.0, 0.0], [1.0, 1.0]));
    }

    [Fact]
    public void Distance_DifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => JensenShannon.Distance([1.0, 1.0], [1.0, 1.0, 1.0]));
    }

    [Fact]
    public void Distance_NaNWeight_Throws()
    {
        Assert.Throws<ArgumentException>(() => JensenShannon.Distance([1.0, double.NaN], [1.0, 1.0]));
    }
}
