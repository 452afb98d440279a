namespace MlopsFlows.Domain.Statistics.Numerics;

/// <summary>The standard normal distribution: density, both tails without cancellation, and their inverses.</summary>
/// <remarks>
/// The tails are Φ(−|x|) = ½ Q(½, x²/2), so each tail is computed directly (never as 1 minus the other) and keeps its
/// relative accuracy down to the smallest doubles, as scipy's <c>norm.cdf</c> / <c>norm.sf</c> do.
/// </remarks>
public static class Normal
{
    private const double InverseSqrtTwoPi = 0.39894228040143267793994605993438;
    private const double SqrtTwoPi = 2.5066282746310005024157652848110;

    // Acklam's coefficients, highest power first.
    private static readonly double[] CentralNumerator = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] CentralDenominator = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01, 1];
    private static readonly double[] TailNumerator = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549671800184169e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] TailDenominator = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00, 1];

    /// <summary>The density φ(x).</summary>
    public static double Pdf(double x) => InverseSqrtTwoPi * Math.Exp(-0.5 * x * x);

    /// <summary>The lower tail Φ(x) = P(Z ≤ x).</summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var tail = LowerTailOfNegative(-Math.Abs(x));
        return x <= 0 ? tail : 1 - tail;
    }

    /// <summary>The upper tail 1 − Φ(x) = P(Z &gt; x), accurate for large x where 1 − Cdf(x) would round to zero.</summary>
    public static double Sf(double x) => double.IsNaN(x) ? double.NaN : Cdf(-x);

    /// <summary>The quantile Φ⁻¹(p) for p in [0, 1]; ±∞ at the ends.</summary>
    public static double Ppf(double p)
    {
        CheckProbability(p, nameof(p));
        // 1 − p is exact for p ≥ ½ (Sterbenz), so only the lower half needs solving.
        return p > 0.5 ? -LowerQuantile(1 - p) : LowerQuantile(p);
    }

    /// <summary>The upper quantile: the x with P(Z &gt; x) = q, accurate for tiny q where Ppf(1 − q) would lose it.</summary>
    public static double Isf(double q)
    {
        CheckProbability(q, nameof(q));
        return q > 0.5 ? LowerQuantile(1 - q) : -LowerQuantile(q);
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, "A probability must lie in [0, 1].");
        }
    }

    // Φ(x) for x ≤ 0.
    private static double LowerTailOfNegative(double x)
    {
        if (double.IsNegativeInfinity(x))
        {
            return 0;
        }

        return 0.5 * Gamma.RegularizedUpper(0.5, 0.5 * x * x);
    }

    // Φ⁻¹(p) for p in [0, ½]: Acklam's rational start (relative error about 1e−9), then Halley steps on the accurate tail.
    private static double LowerQuantile(double p)
    {
        if (p == 0)
        {
            return double.NegativeInfinity;
        }

        if (p == 0.5)
        {
            return 0;
        }

        var x = AcklamStart(p);
        var logP = Math.Log(p);
        for (var i = 0; i < 4; i++)
        {
            // (Φ(x) − p)/φ(x) written as (Φ(x)/p − 1)·p/φ(x), with p/φ(x) in logs so that neither overflows deep in the tail.
            var ratio = (LowerTailOfNegative(Math.Min(x, 0)) / p) - 1;
            var step = ratio * Math.Exp(logP + (0.5 * x * x)) * SqrtTwoPi;
            var next = x - (step / (1 + (0.5 * x * step)));
            var converged = Math.Abs(next - x) <= 1e-16 * Math.Abs(next);
            x = next;
            if (converged)
            {
                break;
            }
        }

        return x;
    }

    private static double AcklamStart(double p)
    {
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Horner(TailNumerator, q) / Horner(TailDenominator, q);
        }

        var r = p - 0.5;
        var s = r * r;
        return r * Horner(CentralNumerator, s) / Horner(CentralDenominator, s);
    }

    private static double Horner(double[] coefficients, double x)
    {
        var sum = 0.0;
        foreach (var c in coefficients)
        {
            sum = (sum * x) + c;
        }

        return sum;
    }
}
