using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

/// <summary>
/// KS and Wasserstein share one branch-free walk over both sorted samples. These tests hold it to the definitions as
/// scipy writes them (every pooled value, searchsorted 'right', argmax over the concatenated sorted samples), on data
/// with and without ties, signed zeros, unequal sizes, and samples that are equal or do not overlap at all.
/// </summary>
public sealed class EmpiricalCdfWalkTests
{
    public static TheoryData<string, int, int, int> Cases => new()
    {
        { "continuous", 1, 1, 1 },
        { "continuous", 2, 1, 2 },
        { "continuous", 3, 50, 37 },
        { "continuous", 4, 1000, 1000 },
        { "continuous", 5, 4096, 3000 },
        { "ties", 6, 1, 3 },
        { "ties", 7, 40, 60 },
        { "ties", 8, 1000, 999 },
        { "ties", 9, 5000, 5000 },
        { "zeros", 10, 200, 300 },
        { "constant", 11, 30, 20 },
        { "disjoint", 12, 100, 80 },
        { "identical", 13, 500, 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSample_AnyData_StatisticAndLocationAsScipyDefinesThem(string kind, int seed, int n1, int n2)
    {
        var (a, b) = Samples(kind, seed, n1, n2);
        var expected = ScipyDefinition(a, b);

        var twoSided = KolmogorovSmirnov.TwoSample(a, b, KsAlternative.TwoSided, KsMethod.Asymptotic);
        var greater = KolmogorovSmirnov.TwoSample(a, b, KsAlternative.Greater, KsMethod.Asymptotic);
        var less = KolmogorovSmirnov.TwoSample(a, b, KsAlternative.Less, KsMethod.Asymptotic);

        Assert.Equal(expected.MaxS, greater.Statistic);
        Assert.Equal(expected.MaxLocation, greater.StatisticLocation);
        Assert.Equal(expected.MinS, less.Statistic);
        Assert.Equal(expected.MinLocation, less.StatisticLocation);
        var (d, location, sign) = expected.MinS > expected.MaxS ? (expected.MinS, expected.MinLocation, -1) : (expected.MaxS, expected.MaxLocation, 1);
        Assert.Equal(d, twoSided.Statistic);
        Assert.Equal(location, twoSided.StatisticLocation);
        Assert.Equal(sign, twoSided.StatisticSign);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Distance_AnyData_AreaBetweenTheCdfs(string kind, int seed, int n1, int n2)
    {
        var (a, b) = Samples(kind, seed, n1, n2);

        var distance = Wasserstein.Distance(a, b);

        var expected = AreaByDefinition(a, b);
        Assert.Equal(expected, distance, Math.Max(Math.Abs(expected), 1e-300) * 1e-12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compare_OneWalkForBoth_SameAsEachAlone(string kind, int seed, int n1, int n2)
    {
        var (a, b) = Samples(kind, seed, n1, n2);
        var profile = ReferenceProfile.Create(a);

        var statistics = NumericDrift.Compare(profile, b);

        Assert.Equal(KolmogorovSmirnov.TwoSample(a, b), statistics.KolmogorovSmirnov);
        Assert.Equal(Wasserstein.Distance(a, b), statistics.Wasserstein!.Distance);
        Assert.Equal(Wasserstein.Distance(b, a), statistics.Wasserstein.Distance);
    }

    private static (double[] A, double[] B) Samples(string kind, int seed, int n1, int n2)
    {
        var random = new Random(seed);
        double Draw(double shift) => kind switch
        {
            "continuous" or "identical" => random.NextDouble() + shift,
            "ties" => Math.Round((random.NextDouble() + shift) * 8) / 8,
            "zeros" => random.Next(5) switch { 0 => 0.0, 1 => -0.0, 2 => -1.0, 3 => 1.0, _ => shift },
            "constant" => 2.5,
            "disjoint" => random.NextDouble() + (shift * 10),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var a = Enumerable.Range(0, n1).Select(_ => Draw(0)).ToArray();
        var b = kind == "identical"
            ? [.. a.Reverse()]
            : Enumerable.Range(0, n2).Select(_ => Draw(0.1)).ToArray();
        return (a, b);
    }

    /// <summary>scipy 1.10's ks_2samp: the CDF gaps at every value of [sorted a, sorted b], argmax/argmin taking the first.</summary>
    private static (double MaxS, double MaxLocation, double MinS, double MinLocation) ScipyDefinition(double[] a, double[] b)
    {
        var sortedA = a.Order().ToArray();
        var sortedB = b.Order().ToArray();
        double[] pooled = [.. sortedA, .. sortedB];
        var gaps = pooled.Select(x => ((double)sortedA.Count(v => v <= x) / a.Length) - ((double)sortedB.Count(v => v <= x) / b.Length)).ToArray();
        var argMax = Array.IndexOf(gaps, gaps.Max());
        var argMin = Array.IndexOf(gaps, gaps.Min());
        return (gaps[argMax], pooled[argMax], Math.Clamp(-gaps[argMin], 0, 1), pooled[argMin]);
    }

    private static double AreaByDefinition(double[] a, double[] b)
    {
        var distinct = a.Concat(b).Distinct().Order().ToArray();
        var area = 0.0;
        for (var k = 0; k + 1 < distinct.Length; k++)
        {
            var x = distinct[k];
            var gap = ((double)a.Count(v => v <= x) / a.Length) - ((double)b.Count(v => v <= x) / b.Length);
            area += Math.Abs(gap) * (distinct[k + 1] - x);
        }

        return area;
    }
}
