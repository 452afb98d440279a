namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// The exact null distribution of the two-sample KS statistic as scipy 1.10's <c>_attempt_exact_2kssamp</c> computes it:
/// lattice paths from (0, 0) to (n1, n2) that leave the band |x/n1 − y/n2| &lt; d (Hodges 1958), with Viehmann's
/// recursion for 1 − p when the sizes differ. Like scipy it reports failure (NaN, overflow, or a "probability" outside
/// [0, 1]) so that the caller falls back to the asymptotic distribution exactly when scipy does.
/// </summary>
internal static class KolmogorovSmirnovExact
{
    /// <summary>Attempts the exact p-value.</summary>
    /// <param name="d">The observed statistic; replaced by h / lcm(n1, n2), the lattice value it stands for (as scipy does).</param>
    /// <returns>False when the computation failed and the asymptotic method must be used.</returns>
    public static bool TryPValue(int n1, int n2, int g, ref double d, KsAlternative alternative, out double probability)
    {
        var lcm = (long)(n1 / g) * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        d = h * 1.0 / lcm;
        if (h == 0)
        {
            probability = 1.0;
            return true;
        }

        if (alternative == KsAlternative.TwoSided)
        {
            probability = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : ProbabilityOutsideBand(n1, n2, g, h);
        }
        else if (n1 == n2)
        {
            // binom(2n, n − h) / binom(2n, n) as a product, which avoids the binomials' rounding.
            probability = 1.0;
            for (long j = 0; j < h; j++)
            {
                probability *= (n1 - j) / (n1 + j + 1.0);
            }
        }
        else
        {
            var total = Binomial(n1 + n2, n1);
            if (double.IsInfinity(total))
            {
                probability = double.NaN;
                return false;
            }

            var paths = CountPathsOutside(n1, n2, g, h);
            if (!double.IsFinite(paths) || paths > total)
            {
                probability = double.NaN;
                return false;
            }

            probability = paths / total;
        }

        return probability is >= 0 and <= 1;
    }

    /// <summary>P(D ≥ h/n) for equal sizes: 2 Σ (−1)^(k+1) binom(2n, n − kh) / binom(2n, n), nested Horner-style to avoid cancellation.</summary>
    private static double ProbabilityOutsideSquare(long n, long h)
    {
        var p = 0.0;
        var k = (long)Math.Floor(n / (double)h);
        while (k >= 0)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    /// <summary>
    /// The proportion of lattice paths that do not stay strictly inside |n·x/g − m·y/g| &lt; h, computed directly as
    /// 1 − (inside share) by Viehmann's recursion (arXiv:2102.08037) over one sliding column.
    /// </summary>
    private static double ProbabilityOutsideBand(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;
        long minJ = 0;
        var maxJ = Math.Min((long)Math.Ceiling(h / (double)mg), n + 1);
        var currentLength = maxJ - minJ;
        var arrayLength = Math.Min((2 * maxJ) + 2, n + 1);
        var a = new double[arrayLength];
        Array.Fill(a, 1.0);
        for (var j = minJ; j < maxJ; j++)
        {
            a[j] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            var lastMinJ = minJ;
            var lastLength = currentLength;
            minJ = Math.Max((long)Math.Floor(((ng * i) - h) / (double)mg) + 1, 0);
            minJ = Math.Min(minJ, n);
            maxJ = Math.Min((long)Math.Ceiling(((ng * i) + h) / (double)mg), n + 1);
            if (maxJ <= minJ)
            {
                return 1.0;
            }

            var value = minJ == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxJ - minJ; jj++)
            {
                var j = jj + minJ;
                value = ((a[jj + minJ - lastMinJ] * i) + (value * j)) / (i + j);
                a[jj] = value;
            }

            currentLength = maxJ - minJ;
            if (lastLength > currentLength)
            {
                var end = Math.Min(maxJ - minJ + (lastLength - currentLength), arrayLength);
                for (var j = maxJ - minJ; j < end; j++)
                {
                    a[j] = 1;
                }
            }
        }

        return a[maxJ - minJ - 1];
    }

    /// <summary>The number of lattice paths from (0, 0) to (m, n) that reach m·y ≤ n·x − h·g (one-sided, Hodges' outside method).</summary>
    private static double CountPathsOutside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;
        var xjCount = n + FloorDivide(mg - h, mg);
        if (xjCount <= 0)
        {
            return Binomial(m + n, n);
        }

        var xj = new long[xjCount];
        for (long j = 0; j < xjCount; j++)
        {
            xj[j] = (h + (mg * j) + ng - 1) / ng;
        }

        var b = new double[xjCount];
        b[0] = 1;
        for (long j = 1; j < xjCount; j++)
        {
            var bj = Binomial(xj[j] + j, j);
            for (long i = 0; i < j; i++)
            {
                bj -= Binomial(xj[j] - xj[i] + j - i, j - i) * b[i];
            }

            if (!double.IsFinite(bj))
            {
                // numpy raises on the overflow; scipy then falls back to the asymptotic formula.
                return double.NaN;
            }

            b[j] = bj;
        }

        var paths = 0.0;
        for (long j = 0; j < xjCount; j++)
        {
            paths += b[j] * Binomial(m - xj[j] + (n - j), n - j);
        }

        return paths;
    }

    private static long FloorDivide(long a, long b)
    {
        var quotient = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? quotient - 1 : quotient;
    }

    /// <summary>
    /// binom(n, k) in doubles, as <c>scipy.special.binom</c> evaluates integer arguments: a product for k &lt; 20 (after
    /// symmetry) and ln Γ beyond, where a relative error near 1e-13 is far inside the tolerance of the p-value.
    /// </summary>
    internal static double Binomial(long n, long k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        if (k > n / 2.0)
        {
            k = n - k;
        }

        if (k < 20)
        {
            double numerator = 1.0, denominator = 1.0;
            for (long i = 1; i <= k; i++)
            {
                numerator *= i + n - k;
                denominator *= i;
                if (Math.Abs(numerator) > 1e50)
                {
                    numerator /= denominator;
                    denominator = 1.0;
                }
            }

            return numerator / denominator;
        }

        return Math.Exp(
            Numerics.Gamma.LogGamma(n + 1.0) - Numerics.Gamma.LogGamma(k + 1.0) - Numerics.Gamma.LogGamma(n - k + 1.0));
    }
}
