using System.Text.Json;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class KolmogorovDistributionTests
{
    private const string File = "kolmogorov.json";

    public static TheoryData<string> Branches => new(Grid("kstwo_sf").Select(point => point.GetProperty("branch").GetString()!).Distinct());

    [Theory]
    [MemberData(nameof(Branches))]
    public void TwoSidedSf_ScipyGridPointsOfOneBranch_MatchKstwoSf(string branch)
    {
        foreach (var point in Grid("kstwo_sf").Where(point => point.GetProperty("branch").GetString() == branch))
        {
            var n = point.GetProperty("n").GetInt64();
            var x = point.GetProperty("x").GetDouble();

            GoldenData.AssertPValue(point.GetProperty("sf").GetDouble(), KolmogorovDistribution.TwoSidedSf(n, x), $"kstwo.sf({x:R}, {n})");
        }
    }

    [Fact]
    public void TwoSidedSf_WhereScipysDurbinMatrixOverflows_IsOneNotScipysZero()
    {
        var points = Grid("kstwo_sf").Where(point => point.TryGetProperty("scipy_overflow", out _)).ToList();

        Assert.NotEmpty(points);
        foreach (var point in points)
        {
            Assert.Equal(0.0, point.GetProperty("scipy_sf").GetDouble());
            Assert.Equal(1.0, KolmogorovDistribution.TwoSidedSf(point.GetProperty("n").GetInt64(), point.GetProperty("x").GetDouble()));
        }
    }

    [Fact]
    public void SmirnovSf_ScipyGrid_MatchesSpecialSmirnov()
    {
        foreach (var point in Grid("smirnov"))
        {
            var n = point.GetProperty("n").GetInt64();
            var x = point.GetProperty("x").GetDouble();

            GoldenData.AssertPValue(point.GetProperty("sf").GetDouble(), KolmogorovDistribution.SmirnovSf(n, x), $"smirnov({n}, {x:R})");
        }
    }

    [Theory]
    [InlineData(0L, 0.5)]
    [InlineData(5L, double.NaN)]
    public void TwoSidedSf_OutsideDomain_Throws(long n, double x)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovDistribution.TwoSidedSf(n, x));
    }

    [Theory]
    [InlineData(0L, 0.5)]
    [InlineData(5L, -0.1)]
    [InlineData(5L, 1.1)]
    [InlineData(5L, double.NaN)]
    public void SmirnovSf_OutsideDomain_Throws(long n, double x)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovDistribution.SmirnovSf(n, x));
    }

    [Theory]
    [InlineData(10L, 0.0, 1.0)]
    [InlineData(10L, 0.05, 1.0)]
    [InlineData(10L, 1.0, 0.0)]
    [InlineData(10L, 1.5, 0.0)]
    public void TwoSidedSf_AtTheSupportEnds_IsOneOrZero(long n, double x, double expected)
    {
        Assert.Equal(expected, KolmogorovDistribution.TwoSidedSf(n, x));
    }

    private static JsonElement.ArrayEnumerator Grid(string name) => GoldenData.Cases(File).Single().GetProperty(name).EnumerateArray();
}
