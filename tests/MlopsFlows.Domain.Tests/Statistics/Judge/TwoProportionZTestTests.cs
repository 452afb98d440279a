using System.Text.Json;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Domain.Tests.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Judge;

public class TwoProportionZTestTests(ITestOutputHelper output)
{
    private static readonly JsonElement Cases = Golden.Load("judge/two_proportion.json").GetProperty("cases");

    [Fact]
    public void Test_ScipyGoldens_MatchZAndPValue()
    {
        var z = new Agreement("two-proportion z", relative: 1e-9, absolute: 1e-15);
        var pooled = new Agreement("two-proportion pooled", relative: 1e-9, absolute: 0);
        var pValue = new Agreement("two-proportion p", relative: 1e-6, absolute: 1e-12);
        foreach (var c in Cases.EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var alternative = c.GetProperty("alternative").GetString() switch
            {
                "greater" => Alternative.Greater,
                "less" => Alternative.Less,
                _ => Alternative.TwoSided,
            };
            var result = TwoProportionZTest.Test(
                c.GetProperty("x1").GetInt64(), c.GetProperty("n1").GetInt64(), c.GetProperty("x2").GetInt64(), c.GetProperty("n2").GetInt64(), alternative);

            z.Check(name, c.Number("z"), result.Z);
            pooled.Check(name, c.Number("pooled"), result.PooledProportion);
            pValue.Check(name, c.Number("p"), result.PValue);
        }

        z.AssertAll(output);
        pooled.AssertAll(output);
        pValue.AssertAll(output);
    }

    [Fact]
    public void Test_NoErrorsOnEitherSide_IsNoEvidence()
    {
        var result = TwoProportionZTest.Test(0, 500, 0, 800);

        Assert.Equal(0, result.Z);
        Assert.Equal(1, result.PValue);
        Assert.Equal(0, result.Difference);
    }

    [Fact]
    public void Test_HandComputedCase_MatchesTheFormula()
    {
        // p₁ = 0.02, p₂ = 0.01, p̂ = 0.015; z = 0.01 / √(0.015 · 0.985 · 2/1000).
        var result = TwoProportionZTest.Test(20, 1000, 10, 1000, Alternative.Greater);

        Assert.Equal(0.01 / Math.Sqrt(0.015 * 0.985 * 0.002), result.Z, 1e-12);
        Assert.Equal(0.01, result.Difference, 1e-15);
    }

    [Theory]
    [InlineData(1, 0, 1, 10)]
    [InlineData(-1, 10, 1, 10)]
    [InlineData(11, 10, 1, 10)]
    public void Test_InvalidCounts_Throw(long x1, long n1, long x2, long n2)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoProportionZTest.Test(x1, n1, x2, n2));
    }
}
