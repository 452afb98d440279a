using System.Globalization;
using MlopsFlows.Domain.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Numerics;

public class ChiSquaredTests(ITestOutputHelper output)
{
    private static readonly System.Text.Json.JsonElement Numerics = Golden.Load("judge/numerics.json");

    [Fact]
    public void SfAndCdf_ScipyGoldens_AgreeIncludingTinyPValues()
    {
        // Relative 1e-12: scipy's chdtrc is off by 4e-13 at x = 1500, df = 999 (40-digit reference 8.513135655491612e-23).
        var sf = new Agreement("chi2.sf", relative: 1e-12, absolute: 1e-300);
        var cdf = new Agreement("chi2.cdf", relative: 1e-12, absolute: 1e-300);
        foreach (var c in Numerics.GetProperty("chi_squared").EnumerateArray())
        {
            var (x, df) = (c.Number("x"), c.Number("df"));
            var label = string.Create(CultureInfo.InvariantCulture, $"x={x:R} df={df:R}");
            sf.Check(label, c.Number("sf"), ChiSquared.Sf(x, df));
            cdf.Check(label, c.Number("cdf"), ChiSquared.Cdf(x, df));
        }

        sf.AssertAll(output);
        cdf.AssertAll(output);
    }

    [Fact]
    public void Sf_TwoDegreesOfFreedom_IsTheClosedForm()
    {
        // χ²₂ is exponential with mean 2: P(X > x) = e^(−x/2).
        foreach (var x in new[] { 0.01, 1, 10, 100, 1000 })
        {
            Assert.Equal(Math.Exp(-x / 2), ChiSquared.Sf(x, 2), Math.Exp(-x / 2) * 1e-14);
        }
    }

    [Fact]
    public void Sf_NonPositiveStatistic_IsOne()
    {
        Assert.Equal(1.0, ChiSquared.Sf(0, 3));
        Assert.Equal(1.0, ChiSquared.Sf(-1, 3));
        Assert.Equal(0.0, ChiSquared.Cdf(0, 3));
    }

    [Fact]
    public void Sf_NonPositiveDegreesOfFreedom_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChiSquared.Sf(1, 0));
    }
}
