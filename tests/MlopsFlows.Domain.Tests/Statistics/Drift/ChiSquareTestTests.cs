using System.Text.Json;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class ChiSquareTestTests
{
    private const string File = "chisquare.json";

    public static TheoryData<string> GoodnessOfFitCases => Names("goodness_of_fit");

    public static TheoryData<string> ContingencyCases => Names("contingency");

    [Theory]
    [MemberData(nameof(GoodnessOfFitCases))]
    public void GoodnessOfFit_GoldenCase_MatchesScipy(string name)
    {
        var golden = Find("goodness_of_fit", name);
        var observed = GoldenData.Numbers(golden.GetProperty("observed"));
        var expected = golden.GetProperty("expected");

        var result = expected.ValueKind == JsonValueKind.Null
            ? ChiSquareTest.GoodnessOfFit(observed)
            : ChiSquareTest.GoodnessOfFit(observed, GoldenData.Numbers(expected), golden.GetProperty("ddof").GetInt32());

        GoldenData.AssertStatistic(golden.GetProperty("statistic").GetDouble(), result.Statistic, "chi-square");
        GoldenData.AssertPValue(golden.GetProperty("pvalue").GetDouble(), result.PValue, "p-value");
        Assert.Equal(golden.GetProperty("dof").GetInt32(), result.DegreesOfFreedom);
    }

    [Theory]
    [MemberData(nameof(ContingencyCases))]
    public void Contingency_GoldenCase_MatchesScipy(string name)
    {
        var golden = Find("contingency", name);
        var rows = golden.GetProperty("table").EnumerateArray().Select(GoldenData.Numbers).ToArray();

        var result = ChiSquareTest.Contingency(rows.SelectMany(row => row).ToArray(), rows[0].Length, golden.GetProperty("correction").GetBoolean());

        GoldenData.AssertStatistic(golden.GetProperty("statistic").GetDouble(), result.Statistic, "chi-square");
        GoldenData.AssertPValue(golden.GetProperty("pvalue").GetDouble(), result.PValue, "p-value");
        Assert.Equal(golden.GetProperty("dof").GetInt32(), result.DegreesOfFreedom);
        var expected = GoldenData.Numbers(golden.GetProperty("expected"));
        for (var i = 0; i < expected.Length; i++)
        {
            GoldenData.AssertStatistic(expected[i], result.Expected[i], $"expected count {i}");
        }
    }

    [Fact]
    public void Contingency_TwoByTwo_AppliesYatesOnlyWhenAsked()
    {
        double[] table = [12, 5, 7, 19];

        Assert.True(ChiSquareTest.Contingency(table, 2).YatesCorrected);
        Assert.False(ChiSquareTest.Contingency(table, 2, correction: false).YatesCorrected);
        Assert.False(ChiSquareTest.Contingency([1, 2, 3, 4, 5, 6], 3).YatesCorrected);
    }

    [Fact]
    public void Contingency_EmptyColumn_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => ChiSquareTest.Contingency([1, 0, 2, 2, 0, 3], 3));

        Assert.Contains("column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Contingency_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareTest.Contingency([1, -2, 3, 4], 2));
    }

    [Fact]
    public void Contingency_RaggedShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareTest.Contingency([1, 2, 3, 4, 5], 2));
    }

    [Fact]
    public void GoodnessOfFit_ZeroExpected_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ChiSquareTest.GoodnessOfFit([1, 2], [3, 0]));

        Assert.Contains("Expected count at index 1 is zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodnessOfFit_TotalsDisagree_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ChiSquareTest.GoodnessOfFit([10, 10], [5, 5]));

        Assert.Contains("must agree", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodnessOfFit_SingleCategory_ThrowsNoDegreesOfFreedom()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareTest.GoodnessOfFit([10.0]));
    }

    [Fact]
    public void GoodnessOfFit_InfiniteCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareTest.GoodnessOfFit([1, double.PositiveInfinity]));
    }

    private static JsonElement Find(string kind, string name) =>
        GoldenData.Cases(File).Single().GetProperty(kind).EnumerateArray().Single(item => item.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string kind)
    {
        var names = new TheoryData<string>();
        foreach (var item in GoldenData.Cases(File).Single().GetProperty(kind).EnumerateArray())
        {
            names.Add(item.GetProperty("name").GetString()!);
        }

        return names;
    }
}
