using System.Buffers;
using System.Text.Json.Serialization;
using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// The alternative of the two-sample KS test, with scipy's names and meanings (F₁, F₂ the CDFs of the first and second
/// sample). Note the direction: "less" says the first CDF lies below the second somewhere, i.e. the first sample tends
/// to be larger — the opposite reading from the rank tests' "less".
/// </summary>
public enum KsAlternative
{
    /// <summary>F₁ ≠ F₂: the statistic is max |F₁ − F₂|.</summary>
    TwoSided,

    /// <summary>F₁(x) &lt; F₂(x) for some x: the statistic is max (F₂ − F₁).</summary>
    Less,

    /// <summary>F₁(x) &gt; F₂(x) for some x: the statistic is max (F₁ − F₂).</summary>
    Greater,
}

/// <summary>How the KS p-value is computed (scipy's <c>method</c>).</summary>
public enum KsMethod
{
    /// <summary>Exact when both samples have at most 10,000 values, asymptotic otherwise (scipy's default).</summary>
    Auto,

    /// <summary>The exact distribution of the statistic, falling back to asymptotic where scipy does (see <see cref="KsResult.Method"/>).</summary>
    Exact,

    /// <summary>The Kolmogorov distribution for the effective size n₁n₂/(n₁ + n₂) (two-sided), Hodges' approximation (one-sided).</summary>
    Asymptotic,
}

/// <summary>The outcome of a two-sample Kolmogorov–Smirnov test.</summary>
/// <param name="Statistic">The largest gap between the two empirical CDFs (in the direction of the alternative).</param>
/// <param name="PValue">
/// The probability, under equal distributions, of a statistic at least this large. NaN only for the asymptotic method on
/// one value against one, where scipy's <c>kstwo</c> has no distribution (effective size rounds to 0).
/// </param>
/// <param name="Method">The method actually used: never <see cref="KsMethod.Auto"/>; asymptotic when exact failed.</param>
/// <param name="StatisticLocation">The value at which the gap is attained (the first such value, as scipy reports it).</param>
/// <param name="StatisticSign">+1 when the first sample's CDF is above the second's there, −1 when below.</param>
public sealed record KsResult(
    double Statistic,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double PValue,
    KsMethod Method,
    double StatisticLocation,
    int StatisticSign,
    int FirstCount,
    int SecondCount);

/// <summary>
/// The two-sample Kolmogorov–Smirnov test, computed as scipy 1.10's <c>scipy.stats.ks_2samp</c> computes it.
/// </summary>
/// <remarks>
/// The statistic compares the two empirical CDFs just after every pooled value (ties handled as in scipy's
/// <c>searchsorted(side='right')</c>), so it equals scipy's to the last bit. p-values: with <see cref="KsMethod.Auto"/>,
/// exact when max(n₁, n₂) ≤ 10,000, else asymptotic. The exact two-sided p-value uses Hodges' lattice-path counts
/// (equal sizes) or Viehmann's recursion (unequal sizes), and scipy's statistic becomes h / lcm(n₁, n₂). Where the
/// exact computation fails — overflow, or a value outside [0, 1], which happens when p is near 1 for equal sizes —
/// the asymptotic method is used instead, as in scipy. The asymptotic two-sided p-value is <c>kstwo.sf(D, round(n₁n₂/(n₁+n₂)))</c>;
/// one-sided, Hodges' formula exp(−2z² − 2z(m + 2n)/√(mn(m + n))/3) with z = D√(mn/(m + n)), m ≥ n.
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>scipy's <c>MAX_AUTO_N</c>: the largest sample for which <see cref="KsMethod.Auto"/> tries the exact distribution.</summary>
    public const int MaxAutoExactSize = 10000;

    /// <summary>Tests whether <paramref name="first"/> and <paramref name="second"/> come from the same continuous distribution.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN or ±infinity.</exception>
    public static KsResult TwoSample(
        ReadOnlySpan<double> first,
        ReadOnlySpan<double> second,
        KsAlternative alternative = KsAlternative.TwoSided,
        KsMethod method = KsMethod.Auto)
    {
        DriftArguments.RequireFiniteSample(first, nameof(first));
        DriftArguments.RequireFiniteSample(second, nameof(second));
        var sortedFirst = ArrayPool<double>.Shared.Rent(first.Length);
        var sortedSecond = ArrayPool<double>.Shared.Rent(second.Length);
        try
        {
            var a = SortInto(first, sortedFirst);
            var b = SortInto(second, sortedSecond);
            return FromSorted(a, b, alternative, method);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sortedFirst);
            ArrayPool<double>.Shared.Return(sortedSecond);
        }
    }

    /// <summary>Tests a current window against a reference profile (the reference is the first sample).</summary>
    /// <exception cref="ArgumentException">The current sample is empty or holds NaN or ±infinity.</exception>
    public static KsResult TwoSample(
        ReferenceProfile reference,
        ReadOnlySpan<double> current,
        KsAlternative alternative = KsAlternative.TwoSided,
        KsMethod method = KsMethod.Auto)
    {
        DriftArguments.RequireFiniteSample(current, nameof(current));
        var sortedCurrent = ArrayPool<double>.Shared.Rent(current.Length);
        try
        {
            return FromSorted(reference.SortedValues, SortInto(current, sortedCurrent), alternative, method);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sortedCurrent);
        }
    }

    internal static Span<double> SortInto(ReadOnlySpan<double> values, double[] buffer)
    {
        var span = buffer.AsSpan(0, values.Length);
        DoubleSort.Sort(values, span);
        return span;
    }

    /// <summary>The test on two ascending samples (checked by the callers).</summary>
    internal static KsResult FromSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b, KsAlternative alternative, KsMethod method) =>
        FromGaps(EmpiricalCdfWalk.Walk(a, b), a.Length, b.Length, alternative, method);

    /// <summary>The test from the extremes of F₁ − F₂ found by a walk over samples of <paramref name="n1"/> and <paramref name="n2"/> values.</summary>
    internal static KsResult FromGaps(CdfGaps gaps, int n1, int n2, KsAlternative alternative, KsMethod method)
    {
        var (maxGap, maxLocation, minGap, minLocation) = (gaps.Max, gaps.MaxLocation, gaps.Min, gaps.MinLocation);

        // scipy clips the negative side at zero before choosing the larger.
        var minS = Math.Clamp(-minGap, 0, 1);
        var maxS = maxGap;
        double d, location;
        int sign;
        if (alternative == KsAlternative.Less || (alternative == KsAlternative.TwoSided && minS > maxS))
        {
            (d, location, sign) = (minS, minLocation, -1);
        }
        else
        {
            (d, location, sign) = (maxS, maxLocation, 1);
        }

        var g = (int)GreatestCommonDivisor(n1, n2);
        var n1g = n1 / g;
        var n2g = n2 / g;
        var used = method;
        if (method == KsMethod.Auto)
        {
            used = Math.Max(n1, n2) <= MaxAutoExactSize ? KsMethod.Exact : KsMethod.Asymptotic;
        }
        else if (method == KsMethod.Exact && n1g >= int.MaxValue / (double)n2g)
        {
            // lcm(n1, n2) would not fit the lattice arithmetic.
            used = KsMethod.Asymptotic;
        }

        var p = double.NaN;
        if (used == KsMethod.Exact && !KolmogorovSmirnovExact.TryPValue(n1, n2, g, ref d, alternative, out p))
        {
            used = KsMethod.Asymptotic;
        }

        if (used == KsMethod.Asymptotic)
        {
            p = AsymptoticPValue(n1, n2, d, alternative);
        }

        return new KsResult(d, Math.Clamp(p, 0, 1), used, location, sign, n1, n2);
    }

    private static double AsymptoticPValue(int n1, int n2, double d, KsAlternative alternative)
    {
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var effective = m * n / (m + n);
        if (alternative == KsAlternative.TwoSided)
        {
            // Effective sizes below ½ round to 0, where scipy's kstwo is undefined (NaN) — only 1 vs 1 value.
            return KolmogorovDistribution.TwoSidedSfOrNaN((long)Math.Round(effective, MidpointRounding.ToEven), d);
        }

        var z = Math.Sqrt(effective) * d;
        var exponent = (-2 * z * z) - (2 * z * (m + (2 * n)) / Math.Sqrt(m * n * (m + n)) / 3.0);
        return Math.Exp(exponent);
    }

    private static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
