using System.Globalization;
using MlopsFlows.Domain.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Numerics;

public class NormalTests(ITestOutputHelper output)
{
    private static readonly System.Text.Json.JsonElement Numerics = Golden.Load("judge/numerics.json");

    [Fact]
    public void CdfAndSf_ScipyGoldens_AgreeDownToTheSmallestTails()
    {
        // Absolute floor 1e-300: scipy's ndtr underflows to 0 below about -37.5 while we return the subnormal value.
        // Relative 1e-12: scipy itself is off by 6e-14 at x = -30 (see the 40-digit checks below).
        var cdf = new Agreement("norm.cdf", relative: 1e-12, absolute: 1e-300);
        var sf = new Agreement("norm.sf", relative: 1e-12, absolute: 1e-300);
        foreach (var c in Numerics.GetProperty("normal").EnumerateArray())
        {
            var x = c.Number("x");
            cdf.Check(Label(x), c.Number("cdf"), Normal.Cdf(x));
            sf.Check(Label(x), c.Number("sf"), Normal.Sf(x));
        }

        cdf.AssertAll(output);
        sf.AssertAll(output);
    }

    [Fact]
    public void PpfAndIsf_ScipyGoldens_Agree()
    {
        var ppf = new Agreement("norm.ppf", relative: 1e-12, absolute: 1e-15);
        var isf = new Agreement("norm.isf", relative: 1e-12, absolute: 1e-15);
        foreach (var c in Numerics.GetProperty("normal_quantiles").EnumerateArray())
        {
            var p = c.Number("p");
            ppf.Check(Label(p), c.Number("ppf"), Normal.Ppf(p));
            isf.Check(Label(p), c.Number("isf"), Normal.Isf(p));
        }

        ppf.AssertAll(output);
        isf.AssertAll(output);
    }

    // References to 17 digits from 40-digit arithmetic (mpmath).
    [Theory]
    [InlineData(-30, 4.9067139271481871e-198)]
    [InlineData(-37, 5.7255712225245768e-300)]
    [InlineData(-8.5, 9.4795348222033184e-18)]
    [InlineData(-1.5, 0.066807201268858066)]
    public void Cdf_HighPrecisionReference_AgreesTo1e14(double x, double expected)
    {
        Assert.Equal(expected, Normal.Cdf(x), expected * 1e-14);
        Assert.Equal(expected, Normal.Sf(-x), expected * 1e-14);
    }

    [Theory]
    [InlineData(1e-300, -37.047096299361199)]
    [InlineData(1e-20, -9.2623400897984076)]
    [InlineData(0.01, -2.3263478740408411)]
    [InlineData(0.3, -0.52440051270804078)]
    public void Ppf_HighPrecisionReference_AgreesTo1e14(double p, double expected)
    {
        Assert.Equal(expected, Normal.Ppf(p), Math.Abs(expected) * 1e-14);
        Assert.Equal(-expected, Normal.Isf(p), Math.Abs(expected) * 1e-14);
    }

    [Fact]
    public void Ppf_RoundTripsThroughCdf_InTheLowerTail()
    {
        foreach (var p in new[] { 1e-250, 1e-30, 1e-7, 0.003, 0.2, 0.5 })
        {
            Assert.Equal(p, Normal.Cdf(Normal.Ppf(p)), p * 1e-13);
        }
    }

    [Fact]
    public void Ppf_Ends_AreInfinite()
    {
        Assert.Equal(double.NegativeInfinity, Normal.Ppf(0));
        Assert.Equal(double.PositiveInfinity, Normal.Ppf(1));
        Assert.Equal(double.PositiveInfinity, Normal.Isf(0));
        Assert.Equal(0.0, Normal.Ppf(0.5));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Ppf_OutsideUnitInterval_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Normal.Ppf(p));
    }

    [Fact]
    public void Sf_LargeArgument_KeepsTheTailThatOneMinusCdfLoses()
    {
        Assert.Equal(0.0, 1 - Normal.Cdf(10));
        Assert.Equal(7.61985302416047e-24, Normal.Sf(10), 1e-36);
    }

    [Fact]
    public void CdfAndSf_Infinities_AreZeroAndOne()
    {
        Assert.Equal(0.0, Normal.Cdf(double.NegativeInfinity));
        Assert.Equal(1.0, Normal.Cdf(double.PositiveInfinity));
        Assert.Equal(0.0, Normal.Sf(double.PositiveInfinity));
        Assert.True(double.IsNaN(Normal.Cdf(double.NaN)));
    }

    private static string Label(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:R}");
}
