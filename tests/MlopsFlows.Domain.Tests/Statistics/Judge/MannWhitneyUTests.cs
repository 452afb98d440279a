using System.Text.Json;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Domain.Tests.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Judge;

public class MannWhitneyUTests(ITestOutputHelper output)
{
    private static readonly JsonElement Cases = Golden.Load("judge/mannwhitneyu.json").GetProperty("cases");

    [Fact]
    public void Test_ScipyGoldens_MatchStatisticPValueAndMethod()
    {
        var statistic = new Agreement("mannwhitneyu U1", relative: 1e-9, absolute: 0);
        var pValue = new Agreement("mannwhitneyu p", relative: 1e-6, absolute: 1e-12);
        var exactP = new Agreement("mannwhitneyu p (exact cases)", relative: 1e-6, absolute: 1e-12);
        foreach (var c in Cases.EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var result = MannWhitneyU.Test(
                c.Numbers("x"),
                c.Numbers("y"),
                ParseAlternative(c.GetProperty("alternative").GetString()!),
                ParseMethod(c.GetProperty("method").GetString()!),
                c.GetProperty("use_continuity").GetBoolean());

            Assert.True(ParseMethod(c.GetProperty("method_used").GetString()!) == result.Method, $"{name}: scipy used {c.GetProperty("method_used")}, we used {result.Method}");
            statistic.Check(name, c.Number("u1"), result.U1);
            (result.Method == MannWhitneyMethod.Exact ? exactP : pValue).Check(name, c.Number("p"), result.PValue);
        }

        statistic.AssertAll(output);
        pValue.AssertAll(output);
        exactP.AssertAll(output);
    }

    [Fact]
    public void Test_ScipyDocumentedExample_IsExactWithPOneNinth()
    {
        var result = MannWhitneyU.Test([19, 22, 16, 29, 24], [20, 11, 17, 12]);

        Assert.Equal(MannWhitneyMethod.Exact, result.Method);
        Assert.Equal(17, result.U1);
        Assert.Equal(3, result.U2);
        Assert.Equal(1.0 / 9, result.PValue, 1e-15);
        Assert.Equal(0.85, result.CommonLanguageEffect, 1e-15);
        Assert.Equal(0.7, result.RankBiserial, 1e-15);
    }

    [Fact]
    public void Test_IdenticalConstantSamples_HasNoEvidenceOfDifference()
    {
        // Zero variance: every value tied, so the tie-corrected variance is zero and U sits at its mean.
        var result = MannWhitneyU.Test([5, 5, 5, 5], [5, 5, 5]);

        Assert.Equal(MannWhitneyMethod.Asymptotic, result.Method);
        Assert.Equal(1.0, result.PValue);
        Assert.Equal(0.5, result.CommonLanguageEffect);
        Assert.Equal(0.0, result.RankBiserial);
    }

    [Fact]
    public void Test_AllTiedWithoutContinuity_IsOneRatherThanNaN()
    {
        // scipy divides 0 by 0 here and returns NaN; no separation at all is p = 1.
        var result = MannWhitneyU.Test([2, 2], [2, 2, 2], method: MannWhitneyMethod.Asymptotic, useContinuity: false);

        Assert.Equal(1.0, result.PValue);
    }

    [Fact]
    public void Test_ConstantButDifferentSamples_IsSignificantWithFullEffect()
    {
        var result = MannWhitneyU.Test(Enumerable.Repeat(200.0, 10).ToArray(), Enumerable.Repeat(100.0, 10).ToArray());

        Assert.Equal(1.0, result.CommonLanguageEffect);
        Assert.True(result.PValue < 1e-4);
    }

    [Fact]
    public void Test_Infinities_RankLikeExtremeFiniteValues()
    {
        var withInfinities = MannWhitneyU.Test([1, double.PositiveInfinity, 3], [double.NegativeInfinity, 2, 0.5, 4]);
        var withFinite = MannWhitneyU.Test([1, 1e300, 3], [-1e300, 2, 0.5, 4]);

        Assert.Equal(withFinite, withInfinities);
    }

    [Fact]
    public void Test_SwappedSamples_SwapsUAndKeepsTwoSidedP()
    {
        double[] a = [1.2, 3.4, 0.7, 5.5, 2.2, 9.1];
        double[] b = [4.4, 6.1, 7.3, 8.8, 0.3];

        var forward = MannWhitneyU.Test(a, b);
        var backward = MannWhitneyU.Test(b, a);

        Assert.Equal(forward.U1, backward.U2);
        Assert.Equal(forward.PValue, backward.PValue);
    }

    [Fact]
    public void Test_ExactBoundary_UsesExactUpToEightInEitherSample()
    {
        var eightVersusMany = MannWhitneyU.Test(Sequence(8, 0), Sequence(50, 0.01));
        var nineVersusNine = MannWhitneyU.Test(Sequence(9, 0), Sequence(9, 0.01));

        Assert.Equal(MannWhitneyMethod.Exact, eightVersusMany.Method);
        Assert.Equal(MannWhitneyMethod.Asymptotic, nineVersusNine.Method);
    }

    [Fact]
    public void Test_ExactTailsOfBothAlternatives_SumToOnePlusTheMassAtU()
    {
        double[] a = [0.1, 0.9, 2.5, 3.3];
        double[] b = [0.4, 1.7, 2.0, 4.1, 5.0];

        var greater = MannWhitneyU.Test(a, b, Alternative.Greater);
        var less = MannWhitneyU.Test(a, b, Alternative.Less);

        // P(U ≥ u) + P(U ≤ u) = 1 + P(U = u) > 1 for a discrete statistic.
        Assert.True(greater.PValue + less.PValue > 1);
    }

    [Fact]
    public void Test_EmptyOrNaNSample_Throws()
    {
        Assert.Throws<ArgumentException>(() => MannWhitneyU.Test([], [1.0]));
        Assert.Throws<ArgumentException>(() => MannWhitneyU.Test([1.0], [double.NaN]));
    }

    private static double[] Sequence(int count, double offset) => [.. Enumerable.Range(0, count).Select(i => i + offset)];

    private static Alternative ParseAlternative(string value) => value switch
    {
        "two-sided" => Alternative.TwoSided,
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    private static MannWhitneyMethod ParseMethod(string value) => value switch
    {
        "auto" => MannWhitneyMethod.Auto,
        "exact" => MannWhitneyMethod.Exact,
        "asymptotic" => MannWhitneyMethod.Asymptotic,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };
}
