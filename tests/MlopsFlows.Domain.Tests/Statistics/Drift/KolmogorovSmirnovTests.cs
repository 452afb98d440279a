using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class KolmogorovSmirnovTests
{
    private const string File = "ks.json";

    public static TheoryData<string> GoldenCases => GoldenData.CaseNames(File);

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void TwoSample_GoldenCase_MatchesScipy(string name)
    {
        var golden = GoldenData.Case(File, name);
        var first = GoldenData.Sample(golden.GetProperty("first"));
        var second = GoldenData.Sample(golden.GetProperty("second"));

        var result = KolmogorovSmirnov.TwoSample(first, second, Alternative(golden.GetProperty("alternative").GetString()!), Method(golden.GetProperty("method").GetString()!));

        GoldenData.AssertStatistic(GoldenData.Number(golden.GetProperty("statistic")), result.Statistic, "D");
        GoldenData.AssertPValue(GoldenData.Number(golden.GetProperty("pvalue")), result.PValue, "p-value");
        Assert.Equal(Method(golden.GetProperty("method_used").GetString()!), result.Method);
        Assert.Equal(GoldenData.Number(golden.GetProperty("statistic_location")), result.StatisticLocation);
        Assert.Equal(golden.GetProperty("statistic_sign").GetInt32(), result.StatisticSign);
    }

    [Fact]
    public void TwoSample_ReferenceProfileOverload_EqualsRawSamples()
    {
        var golden = GoldenData.Case(File, "normal vs shifted normal, 200 vs 300");
        var first = GoldenData.Sample(golden.GetProperty("first"));
        var second = GoldenData.Sample(golden.GetProperty("second"));

        var fromProfile = KolmogorovSmirnov.TwoSample(ReferenceProfile.Create(first), second);

        Assert.Equal(KolmogorovSmirnov.TwoSample(first, second), fromProfile);
    }

    [Fact]
    public void TwoSample_SwappedSamples_SameTwoSidedPValueOppositeSign()
    {
        double[] a = [0.1, 0.4, 0.9, 1.3, 2.2];
        double[] b = [0.5, 1.1, 1.7, 2.5, 2.9, 3.3];

        var forward = KolmogorovSmirnov.TwoSample(a, b);
        var backward = KolmogorovSmirnov.TwoSample(b, a);

        Assert.Equal(forward.Statistic, backward.Statistic);
        Assert.Equal(forward.PValue, backward.PValue, 15);
        Assert.Equal(-forward.StatisticSign, backward.StatisticSign);
    }

    [Fact]
    public void TwoSample_AllValuesTied_StatisticZeroPValueOne()
    {
        var result = KolmogorovSmirnov.TwoSample([7.0, 7.0, 7.0], [7.0, 7.0]);

        Assert.Equal(0, result.Statistic);
        Assert.Equal(1, result.PValue);
    }

    [Fact]
    public void TwoSample_InputOrder_DoesNotMatterAndInputIsNotModified()
    {
        double[] a = [3, 1, 2, 5, 4];
        double[] b = [2.5, 0.5, 9];

        var result = KolmogorovSmirnov.TwoSample(a, b);

        Assert.Equal(KolmogorovSmirnov.TwoSample([1, 2, 3, 4, 5], [0.5, 2.5, 9]), result);
        Assert.Equal([3, 1, 2, 5, 4], a);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void TwoSample_NonFiniteValue_ThrowsNamingTheIndex(double bad)
    {
        var error = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0, 2.0], [1.0, bad, 3.0]));

        Assert.Equal("second", error.ParamName);
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoSample_EmptySample_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], [1.0]));

        Assert.Equal("first", error.ParamName);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoSample_EmptyCurrentAgainstProfile_Throws()
    {
        var profile = ReferenceProfile.Create([1.0, 2.0, 3.0]);

        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample(profile, []));
    }

    [Fact]
    public void TwoSample_ExplicitExactOnHugeCoprimeSizes_SwitchesToAsymptoticLikeScipy()
    {
        // lcm(50001, 50000) > int.MaxValue: scipy warns and uses the asymptotic distribution.
        var a = Enumerable.Range(0, 50001).Select(i => i / 50001.0).ToArray();
        var b = Enumerable.Range(0, 50000).Select(i => (i / 50000.0) + 0.01).ToArray();

        var result = KolmogorovSmirnov.TwoSample(a, b, method: KsMethod.Exact);

        Assert.Equal(KsMethod.Asymptotic, result.Method);
    }

    private static KsAlternative Alternative(string name) => name switch
    {
        "two-sided" => KsAlternative.TwoSided,
        "less" => KsAlternative.Less,
        "greater" => KsAlternative.Greater,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static KsMethod Method(string name) => name switch
    {
        "auto" => KsMethod.Auto,
        "exact" => KsMethod.Exact,
        "asymp" => KsMethod.Asymptotic,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
