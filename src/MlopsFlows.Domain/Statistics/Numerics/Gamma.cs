namespace MlopsFlows.Domain.Statistics.Numerics;

/// <summary>
/// The log-gamma function and the regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x),
/// the base of chi-square p-values (and, with a = ½, of the normal tails).
/// </summary>
/// <remarks>
/// P is summed as a power series when x &lt; a + 1 and Q as a continued fraction (modified Lentz) otherwise, so the
/// function computed directly is always the smaller one and the other is 1 minus it without cancellation. The common
/// factor xᵃe⁻ˣ/Γ(a) is computed in the form that keeps its relative error near the conditioning of the problem
/// (|x − a| ulps): a plain power and exponential when both are representable, otherwise Loader's saddle-point form.
/// </remarks>
public static class Gamma
{
    private const double Epsilon = 1e-17;
    private const double TinyFloat = 1e-300;
    private const double SqrtPi = 1.7724538509055160272981674833411;
    private const double LogSqrtPi = 0.57236494292470008707;
    private const double HalfLogTwoPi = 0.91893853320467274178032973640562;

    // ζ(k) for k = 2..26: coefficients of the Taylor series of ln Γ(1 + z), which keeps relative accuracy near the zeros at 1 and 2.
    private static readonly double[] ZetaValues =
    [
        1.6449340668482264, 1.2020569031595942, 1.0823232337111381, 1.03692775514337, 1.0173430619844492,
        1.008349277381923, 1.0040773561979444, 1.0020083928260821, 1.000994575127818, 1.0004941886041194,
        1.000246086553308, 1.0001227133475785, 1.0000612481350588, 1.000030588236307, 1.0000152822594086,
        1.0000076371976379, 1.000003817293265, 1.0000019082127165, 1.0000009539620338, 1.0000004769329869,
        1.0000002384505027, 1.000000119219926, 1.000000059608189, 1.0000000298035034, 1.0000000149015549,
    ];

    private const double EulerGamma = 0.57721566490153286060651209008240;

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }

        if (x >= 10)
        {
            return StirlingBase(x) + StirlingError(x);
        }

        if (x < 0.5)
        {
            // Γ(x) = Γ(1 + x) / x.
            return LogGammaOnePlus(x) - Math.Log(x);
        }

        if (x <= 1.5)
        {
            return LogGammaOnePlus(x - 1);
        }

        if (x <= 2.5)
        {
            // Γ(2 + z) = (1 + z) Γ(1 + z), with ln(1 + z) exact near the zero at 2.
            var z = x - 2;
            return Log1p(z) + LogGammaOnePlus(z);
        }

        // Down to (1.5, 2.5] rather than up to 10: the product and the small ln Γ keep their relative accuracy.
        var product = 1.0;
        var shifted = x;
        while (shifted > 2.5)
        {
            shifted -= 1;
            product *= shifted;
        }

        return Math.Log(product) + Log1p(shifted - 2) + LogGammaOnePlus(shifted - 2);
    }

    /// <summary>The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a &gt; 0 and x ≥ 0.</summary>
    public static double RegularizedLower(double a, double x)
    {
        if (!Validate(a, x))
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 1;
        }

        return x < a + 1 ? LowerSeries(a, x) : 1 - UpperFraction(a, x);
    }

    /// <summary>
    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a &gt; 0 and x ≥ 0, accurate in the
    /// far upper tail (it is never computed as 1 − P there).
    /// </summary>
    public static double RegularizedUpper(double a, double x)
    {
        if (!Validate(a, x))
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        return x < a + 1 ? 1 - LowerSeries(a, x) : UpperFraction(a, x);
    }

    private static bool Validate(double a, double x)
    {
        if (double.IsNaN(a) || double.IsNaN(x))
        {
            return false;
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (double.IsPositiveInfinity(a))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "The shape must be finite.");
        }

        return true;
    }

    // P(a, x) = xᵃe⁻ˣ/Γ(a) · Σₙ xⁿ / (a (a+1) … (a+n)); every term is positive, so the sum is as accurate as its terms.
    private static double LowerSeries(double a, double x)
    {
        var term = 1 / a;
        var sum = term;
        var denominator = a;
        var limit = IterationLimit(a);
        for (var n = 1; n <= limit; n++)
        {
            denominator += 1;
            term *= x / denominator;
            sum += term;
            if (term < sum * Epsilon)
            {
                return Math.Min(1, sum * Prefix(a, x));
            }
        }

        throw new InvalidOperationException($"The incomplete gamma series did not converge for a = {a}, x = {x}.");
    }

    // Q(a, x) = xᵃe⁻ˣ/Γ(a) · 1/(x+1−a − 1(1−a)/(x+3−a − 2(2−a)/(x+5−a − …))), evaluated by the modified Lentz method.
    private static double UpperFraction(double a, double x)
    {
        var b = x + 1 - a;
        var c = 1 / TinyFloat;
        var d = 1 / b;
        var h = d;
        var limit = IterationLimit(a);
        for (var i = 1; i <= limit; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            if (Math.Abs(d) < TinyFloat)
            {
                d = TinyFloat;
            }

            c = b + (an / c);
            if (Math.Abs(c) < TinyFloat)
            {
                c = TinyFloat;
            }

            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon * 4)
            {
                return Math.Min(1, h * Prefix(a, x));
            }
        }

        throw new InvalidOperationException($"The incomplete gamma continued fraction did not converge for a = {a}, x = {x}.");
    }

    // Both expansions need about 9√a terms where x is near a (terms fall like exp(−n²/2a)); far from a they stop much sooner.
    private static int IterationLimit(double a) => (int)Math.Min(int.MaxValue / 2, 1000 + (20 * Math.Sqrt(a)));

    // xᵃe⁻ˣ/Γ(a).
    private static double Prefix(double a, double x)
    {
        if (a < 10 && x < 700)
        {
            // A power and an exponential of the exact inputs are each correctly rounded to an ulp or two.
            var power = Math.Pow(x, a);
            if (power > 0 && !double.IsInfinity(power))
            {
                return power * Math.Exp(-x) / GammaOfSmall(a);
            }
        }

        if (a < 10)
        {
            return Math.Exp((a * Math.Log(x)) - x - LogGammaOfSmall(a));
        }

        // Loader's form: xᵃe⁻ˣ/Γ(a) = √(a/2π) · exp(−[a ln(a/x) + x − a] − stirlerr(a)), with the bracket summed without cancellation.
        return Math.Sqrt(a / (2 * Math.PI)) * Math.Exp(-DevianceTerm(a, x) - StirlingError(a));
    }

    // a = ½ is every normal tail; its Γ is a constant rather than a series.
    private static double GammaOfSmall(double a) => a == 0.5 ? SqrtPi : Math.Exp(LogGamma(a));

    private static double LogGammaOfSmall(double a) => a == 0.5 ? LogSqrtPi : LogGamma(a);

    // a ln(a/x) + x − a ≥ 0, computed by the series of Loader (2000) when a and x are close, where the direct form cancels.
    private static double DevianceTerm(double a, double x)
    {
        var difference = a - x;
        if (Math.Abs(difference) < 0.1 * (a + x))
        {
            var v = difference / (a + x);
            var sum = difference * v;
            var term = 2 * a * v;
            var vv = v * v;
            for (var j = 1; j < 1000; j++)
            {
                term *= vv;
                var next = sum + (term / ((2 * j) + 1));
                if (next == sum)
                {
                    return sum;
                }

                sum = next;
            }

            return sum;
        }

        return (a * Math.Log(a / x)) + x - a;
    }

    // (x − ½) ln x − x + ½ ln 2π: Stirling's formula without its correction.
    private static double StirlingBase(double x) => ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi;

    // ln Γ(x) − StirlingBase(x) for x ≥ 10, by the asymptotic series (its next term is below 3·10⁻¹⁷ at x = 10).
    private static double StirlingError(double x)
    {
        var inverse = 1 / x;
        var inverseSquared = inverse * inverse;
        var series = 1.0 / 156;
        series = (series * inverseSquared) - (691.0 / 360360);
        series = (series * inverseSquared) + (1.0 / 1188);
        series = (series * inverseSquared) - (1.0 / 1680);
        series = (series * inverseSquared) + (1.0 / 1260);
        series = (series * inverseSquared) - (1.0 / 360);
        series = (series * inverseSquared) + (1.0 / 12);
        return series * inverse;
    }

    // ln Γ(1 + z) = −γz + Σₖ₌₂ ζ(k)(−z)ᵏ/k for |z| ≤ ½; terms fall like 2⁻ᵏ/k, so about 55 of them reach double precision.
    private static double LogGammaOnePlus(double z)
    {
        var sum = 0.0;
        var power = -z;
        for (var k = 2; k <= 80; k++)
        {
            power *= -z;
            var term = power * Zeta(k) / k;
            sum += term;
            if (Math.Abs(term) < 1e-18 * Math.Abs(sum))
            {
                break;
            }
        }

        return (-EulerGamma * z) + sum;
    }

    // ζ(k) from the table, or past it as 1 + 2⁻ᵏ + 3⁻ᵏ + … (5⁻²⁷ is already below 10⁻¹⁸).
    private static double Zeta(int k)
    {
        if (k - 2 < ZetaValues.Length)
        {
            return ZetaValues[k - 2];
        }

        var sum = 1.0;
        for (var n = 6; n >= 2; n--)
        {
            sum += Math.Pow(n, -k);
        }

        return sum;
    }

    /// <summary>ln(1 + x) without the cancellation of <c>Math.Log(1 + x)</c> for small x.</summary>
    internal static double Log1p(double x)
    {
        var u = 1 + x;
        if (u == 1)
        {
            return x;
        }

        // Goldberg's correction: the rounding error of 1 + x cancels in the ratio.
        return Math.Abs(x) < 0.5 ? Math.Log(u) * x / (u - 1) : Math.Log(u);
    }
}
