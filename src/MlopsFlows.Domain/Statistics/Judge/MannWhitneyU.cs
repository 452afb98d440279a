using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Statistics.Judge;

/// <summary>How the Mann-Whitney p-value is computed.</summary>
public enum MannWhitneyMethod
{
    /// <summary>scipy's rule: <see cref="Exact"/> when either sample has at most 8 values and there are no ties, else <see cref="Asymptotic"/>.</summary>
    Auto,

    /// <summary>The exact null distribution of U (no tie correction).</summary>
    Exact,

    /// <summary>The normal approximation with tie correction (and continuity correction unless switched off).</summary>
    Asymptotic,
}

/// <summary>The outcome of a Mann-Whitney U test of a first sample X against a second sample Y.</summary>
/// <param name="U1">U of the first sample: the number of pairs (x, y) with x &gt; y, ties counted one half (scipy's statistic).</param>
/// <param name="U2">U of the second sample, N1·N2 − U1.</param>
/// <param name="Method">The method actually used (never <see cref="MannWhitneyMethod.Auto"/>).</param>
/// <param name="Z">The standardized statistic of the asymptotic method; NaN for the exact method.</param>
/// <param name="TieTerm">Σ(t³ − t) over groups of t tied values in the pooled sample; zero when there are no ties.</param>
public sealed record MannWhitneyResult(
    double U1,
    double U2,
    double PValue,
    MannWhitneyMethod Method,
    double Z,
    int N1,
    int N2,
    double TieTerm)
{
    /// <summary>
    /// The common-language effect size P(X &gt; Y) + ½ P(X = Y) = U1 / (N1·N2): 0.5 means no shift, 1 means every x exceeds
    /// every y.
    /// </summary>
    public double CommonLanguageEffect => U1 / ((double)N1 * N2);

    /// <summary>The rank-biserial correlation (U1 − U2) / (N1·N2) = 2·CLES − 1, in [−1, 1].</summary>
    public double RankBiserial => (U1 - U2) / ((double)N1 * N2);
}

/// <summary>
/// The Mann-Whitney U rank test, computed as scipy 1.10's <c>scipy.stats.mannwhitneyu</c> computes it: average ranks for
/// ties; U1 = R1 − n1(n1+1)/2; two-sided p = 2·P(U ≥ max(U1, U2)) clipped to 1; the asymptotic z uses the tie-corrected
/// variance n1·n2/12·((n+1) − Σ(t³−t)/(n(n−1))) and subtracts ½ for continuity.
/// </summary>
public static class MannWhitneyU
{
    /// <summary>scipy uses the exact distribution (absent ties) unless both samples are larger than this.</summary>
    public const int ExactSampleLimit = 8;

    // Partition counts for the exact distribution are summed in doubles; past this smaller-sample size the polynomial
    // method's cancellation grows, so the slower all-positive recursion takes over.
    private const int PolynomialSampleLimit = 20;
    private const double MaxRecursionWork = 4e9;

    /// <summary>Tests whether <paramref name="x"/> and <paramref name="y"/> come from the same distribution.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN (infinities are ranked like any value).</exception>
    public static MannWhitneyResult Test(
        ReadOnlySpan<double> x,
        ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided,
        MannWhitneyMethod method = MannWhitneyMethod.Auto,
        bool useContinuity = true)
    {
        Validate(x, nameof(x));
        Validate(y, nameof(y));
        int n1 = x.Length, n2 = y.Length;
        var (rankSum1, tieTerm) = RankSumOfFirst(x, y);
        var u1 = rankSum1 - (n1 * (n1 + 1.0) / 2);
        var u2 = ((double)n1 * n2) - u1;

        if (method == MannWhitneyMethod.Auto)
        {
            method = (n1 > ExactSampleLimit && n2 > ExactSampleLimit) || tieTerm > 0
                ? MannWhitneyMethod.Asymptotic
                : MannWhitneyMethod.Exact;
        }

        // One upper tail serves every alternative: P(U1 ≤ u) = P(U2 ≥ n1·n2 − u) by symmetry.
        var (u, factor) = alternative switch
        {
            Alternative.Greater => (u1, 1.0),
            Alternative.Less => (u2, 1.0),
            _ => (Math.Max(u1, u2), 2.0),
        };

        double p, z;
        if (method == MannWhitneyMethod.Exact)
        {
            z = double.NaN;
            p = ExactUpperTail((long)u, n1, n2);
        }
        else
        {
            z = StandardizedU(u, n1, n2, tieTerm, useContinuity);
            // 0/0 only when every value is tied and there is no continuity correction: nothing separates the samples.
            p = double.IsNaN(z) ? 1 : Normal.Sf(z);
        }

        return new MannWhitneyResult(u1, u2, Math.Clamp(p * factor, 0, 1), method, z, n1, n2, tieTerm);
    }

    private static void Validate(ReadOnlySpan<double> sample, string name)
    {
        if (sample.IsEmpty)
        {
            throw new ArgumentException("A Mann-Whitney sample must hold at least one value.", name);
        }

        foreach (var value in sample)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("A Mann-Whitney sample must not hold NaN.", name);
            }
        }
    }

    // Sum of the first sample's average ranks in the pooled sample, and Σ(t³ − t) over tie groups.
    private static (double RankSum, double TieTerm) RankSumOfFirst(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length + y.Length;
        var values = new double[n];
        var fromFirst = new bool[n];
        x.CopyTo(values);
        y.CopyTo(values.AsSpan(x.Length));
        fromFirst.AsSpan(0, x.Length).Fill(true);
        Array.Sort(values, fromFirst);

        double rankSum = 0, tieTerm = 0;
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            var firstInGroup = fromFirst[start] ? 1 : 0;
            while (end < n && values[end] == values[start])
            {
                firstInGroup += fromFirst[end] ? 1 : 0;
                end++;
            }

            // Ranks start + 1 … end share their average; half-integers, so the sum stays exact.
            double size = end - start;
            rankSum += firstInGroup * ((start + 1.0 + end) / 2);
            tieTerm += (size * size * size) - size;
            start = end;
        }

        return (rankSum, tieTerm);
    }

    private static double StandardizedU(double u, int n1, int n2, double tieTerm, bool useContinuity)
    {
        var mean = (double)n1 * n2 / 2;
        double n = n1 + n2;
        var sd = Math.Sqrt((double)n1 * n2 / 12 * (n + 1 - (tieTerm / (n * (n - 1)))));
        var numerator = u - mean;
        if (useContinuity)
        {
            // The p-value is always an upper tail, so the correction always moves U half a step toward the mean.
            numerator -= 0.5;
        }

        return numerator / sd;
    }

    /// <summary>P(U ≥ u) under the null hypothesis for samples of sizes m and n, without ties.</summary>
    internal static double ExactUpperTail(long u, int m, int n)
    {
        // P(U ≥ u) = P(U ≤ m·n − u) by the symmetry of the distribution, and the lower tail sums the fewest terms.
        return ExactLowerTail(((long)m * n) - u, Math.Min(m, n), Math.Max(m, n));
    }

    // P(U ≤ k) with m ≤ n.
    private static double ExactLowerTail(long k, int m, int n)
    {
        if (k < 0)
        {
            return 0;
        }

        if (k >= (long)m * n)
        {
            return 1;
        }

        var kmax = (int)k;
        return m <= PolynomialSampleLimit ? PolynomialLowerTail(kmax, m, n) : RecursiveLowerTail(kmax, m, n);
    }

    // The number of ways to reach U = j is the coefficient of qʲ in the Gaussian binomial Π(1 − qⁿ⁺ⁱ)/(1 − qⁱ), i = 1..m:
    // divide by each (1 − qⁱ) (running sums, additions only), then multiply by each (1 − qⁿ⁺ⁱ). O(m·k) work.
    private static double PolynomialLowerTail(int kmax, int m, int n)
    {
        var counts = new double[kmax + 1];
        counts[0] = 1;
        for (var i = 1; i <= m; i++)
        {
            for (var j = i; j <= kmax; j++)
            {
                counts[j] += counts[j - i];
            }
        }

        for (var i = 1; i <= m; i++)
        {
            var shift = n + i;
            for (var j = kmax; j >= shift; j--)
            {
                counts[j] -= counts[j - shift];
            }
        }

        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        return Math.Min(1, total / BinomialCoefficient(m + n, m));
    }

    // The recursion of Mann and Whitney in probabilities: P(i, j, k) = [i·P(i−1, j, k−j) + j·P(i, j−1, k)] / (i + j).
    private static double RecursiveLowerTail(int kmax, int m, int n)
    {
        if ((double)m * n * (kmax + 1.0) > MaxRecursionWork)
        {
            throw new ArgumentException(
                $"The exact Mann-Whitney distribution for samples of {m} and {n} is too costly; use the asymptotic method.");
        }

        var rows = new double[m + 1][];
        for (var i = 0; i <= m; i++)
        {
            rows[i] = new double[kmax + 1];
            rows[i][0] = 1;
        }

        for (var j = 1; j <= n; j++)
        {
            for (var i = 1; i <= m; i++)
            {
                var row = rows[i];
                var previous = rows[i - 1];
                var weight = 1.0 / (i + j);
                for (var k = kmax; k >= 0; k--)
                {
                    var fromPrevious = k >= j ? previous[k - j] : 0;
                    row[k] = ((i * fromPrevious) + (j * row[k])) * weight;
                }
            }
        }

        var total = 0.0;
        foreach (var probability in rows[m])
        {
            total += probability;
        }

        return Math.Min(1, total);
    }

    // C(n, k) as a product of ratios; each factor is exact or one rounding, so the result is within k ulps.
    private static double BinomialCoefficient(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
