using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class ReferenceProfileTests
{
    private const string File = "numeric.json";

    public static TheoryData<string> GoldenCases => GoldenData.CaseNames(File);

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Create_GoldenCase_MatchesNumpyEdgesMeanAndStd(string name)
    {
        var golden = GoldenData.Case(File, name);

        var profile = ReferenceProfile.Create(GoldenData.Sample(golden.GetProperty("reference")), golden.GetProperty("bins").GetInt32());

        Assert.Equal(GoldenData.Numbers(golden.GetProperty("edges")), profile.Edges);
        Assert.Equal(GoldenData.Longs(golden.GetProperty("reference_counts")), profile.BinCounts);
        GoldenData.AssertStatistic(golden.GetProperty("reference_mean").GetDouble(), profile.Mean, "mean");
        GoldenData.AssertStatistic(golden.GetProperty("reference_std").GetDouble(), profile.StandardDeviation, "std");
    }

    [Fact]
    public void Create_UnsortedInput_StoresSortedCopy()
    {
        double[] values = [3, 1, 2];

        var profile = ReferenceProfile.Create(values);

        Assert.Equal([1.0, 2.0, 3.0], profile.SortedValues.ToArray());
        Assert.Equal([3.0, 1.0, 2.0], values);
    }

    [Fact]
    public void Create_ConstantColumn_OneEdgeTwoBins()
    {
        var profile = ReferenceProfile.Create([4.0, 4.0, 4.0, 4.0]);

        Assert.Equal([4.0], profile.Edges);
        Assert.Equal(2, profile.BinCount);
        Assert.Equal(10, profile.RequestedBinCount);
        Assert.Equal(0, profile.StandardDeviation);
    }

    [Fact]
    public void Create_SingleValue_IsAllowed()
    {
        var profile = ReferenceProfile.Create([1.5]);

        Assert.Equal(1, profile.Count);
        Assert.Equal(1.5, profile.Mean);
    }

    [Fact]
    public void Create_Empty_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ReferenceProfile.Create([]));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Infinity_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProfile.Create([1.0, double.PositiveInfinity]));
    }

    [Fact]
    public void Create_OneBin_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceProfile.Create([1.0, 2.0], binCount: 1));
    }
}
