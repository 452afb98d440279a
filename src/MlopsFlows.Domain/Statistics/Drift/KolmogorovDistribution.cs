namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// The distribution of the one-sample Kolmogorov–Smirnov statistic Dₙ, computed as scipy 1.10 computes
/// <c>scipy.stats.kstwo.sf</c> (<c>scipy/stats/_ksstats.py</c>, after Simard and L'Ecuyer 2011): the same choice among
/// Ruben–Gambino closed forms, the Durbin matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion, the Pelz–Good expansion
/// and twice the one-sided Smirnov tail. The algorithms differ in accuracy (Pelz–Good is an approximation), so matching
/// scipy means choosing as it chooses, with the same thresholds.
/// </summary>
/// <remarks>
/// One departure: where scipy's Durbin matrix power overflows (it warns "overflow encountered in matmul" and answers 0
/// for a statistic whose tail probability is 1, around n ≈ 94,000), this implementation rescales and answers 1.
/// </remarks>
public static class KolmogorovDistribution
{
    private const int MaxExactN = 140;
    private const double Scale = 3.402823669209385e38; // 2^128: rescaling keeps long products off the underflow edge.
    private const double InverseScale = 2.938735877055719e-39;
    private const double MinLog = -708;
    private const double MachineEpsilon = 2.220446049250313e-16; // DBL_EPSILON, not double.Epsilon (the smallest denormal)

    // Computed as numpy computes them (np.log(2π), np.pi ** 4, ...), so the last bits agree too.
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);
    private static readonly double SqrtTwoPi = Math.Sqrt(2 * Math.PI);
    private static readonly double SqrtThree = Math.Sqrt(3);
    private static readonly double PiSquared = Math.Pow(Math.PI, 2);
    private static readonly double PiFour = Math.Pow(Math.PI, 4);
    private static readonly double PiSix = Math.Pow(Math.PI, 6);

    // Stirling series coefficients B₂ⱼ/(2j(2j−1)) for j = 8..1, highest order first (numpy's polyval order).
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(Dₙ &gt; x): scipy's <c>kstwo.sf(x, n)</c>, including its support rule (1 at or below 1/(2n), 0 from 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1 or x is NaN.</exception>
    public static double TwoSidedSf(long n, double x)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (double.IsNaN(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The statistic is NaN.");
        }

        return TwoSidedSfOrNaN(n, x);
    }

    /// <summary>As <see cref="TwoSidedSf"/>, but NaN for n &lt; 1 as scipy answers (the KS test reports it rather than throwing).</summary>
    internal static double TwoSidedSfOrNaN(long n, double x)
    {
        if (n < 1)
        {
            return double.NaN;
        }

        if (x <= 0.5 / n)
        {
            return 1.0;
        }

        return x >= 1.0 ? 0.0 : Kolmogn(n, x);
    }

    /// <summary>scipy's <c>_kolmogn(n, x, cdf=False)</c> for 1/(2n) &lt; x &lt; 1.</summary>
    private static double Kolmogn(long n, double x)
    {
        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
            if (t <= 0.5)
            {
                return 1.0;
            }

            double cdf;
            if (n <= MaxExactN)
            {
                cdf = 1.0;
                var inverse = 1.0 / n;
                for (var i = 1; i <= n; i++)
                {
                    cdf *= i * inverse * ((2 * t) - 1);
                }
            }
            else
            {
                cdf = Math.Exp(LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        var nxSquared = t * x;
        if (n <= MaxExactN)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - DurbinMatrixCdf((int)n, x));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - PomeranzCdf((int)n, x));
            }

            return Clip(2 * SmirnovSf(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        var cdfProbability = n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4
            ? DurbinMatrixCdf((int)n, x)
            : PelzGoodCdf(n, x);
        return Clip(1.0 - cdfProbability);
    }

    /// <summary>ln(n!/nⁿ) by Stirling's series with n ln n removed up front (scipy's <c>_log_nfactorial_div_n_pow_n</c>).</summary>
    private static double LogFactorialOverPower(long n)
    {
        var rn = 1.0 / n;
        var polynomial = 0.0;
        foreach (var coefficient in StirlingCoefficients)
        {
            polynomial = (polynomial * (rn / n)) + coefficient;
        }

        return (Math.Log(n) / 2) - n + (LogTwoPi / 2) + (rn * polynomial);
    }

    /// <summary>P(Dₙ ≤ d) by the Durbin matrix: the k-th diagonal entry of Hⁿ times n!/nⁿ, with explicit exponents.</summary>
    private static double DurbinMatrixCdf(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;

        var v = new double[m];
        var w = new double[m];
        var factor = 1.0;
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = factor;
            factor /= j;
            v[j - 1] *= factor;
        }

        var tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * factor;

        var matrix = new double[m * m];
        for (var column = 1; column < m; column++)
        {
            for (var row = column - 1; row < m; row++)
            {
                matrix[(row * m) + column] = w[row - (column - 1)];
            }
        }

        for (var row = 0; row < m; row++)
        {
            matrix[row * m] = v[row];
        }

        for (var column = 0; column < m; column++)
        {
            matrix[((m - 1) * m) + column] = v[m - 1 - column];
        }

        var power = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            power[(i * m) + i] = 1.0;
        }

        var scratch = new double[m * m];
        var remaining = n;
        var exponent = 0;
        var matrixExponent = 0;
        while (remaining > 0)
        {
            if (remaining % 2 == 1)
            {
                Multiply(power, matrix, scratch, m);
                (power, scratch) = (scratch, power);
                exponent += matrixExponent;

                // Deliberate departure from scipy 1.10, which rescales only H: its product overflows (n ≈ 94,000 with
                // n·x ≈ 20–25 returns sf = 0 instead of 1). Power-of-two scaling is exact, so elsewhere nothing changes.
                if (MaxAbs(power) > Scale)
                {
                    for (var i = 0; i < power.Length; i++)
                    {
                        power[i] /= Scale;
                    }

                    exponent += 128;
                }
            }

            Multiply(matrix, matrix, scratch, m);
            (matrix, scratch) = (scratch, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[((k - 1) * m) + k - 1]) > Scale)
            {
                for (var i = 0; i < matrix.Length; i++)
                {
                    matrix[i] /= Scale;
                }

                matrixExponent += 128;
            }

            remaining /= 2;
        }

        var p = power[((k - 1) * m) + k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < InverseScale)
            {
                p *= Scale;
                exponent -= 128;
            }
        }

        if (exponent != 0)
        {
            p = Math.ScaleB(p, exponent);
        }

        return Clip(p);
    }

    private static double MaxAbs(double[] values)
    {
        var max = 0.0;
        foreach (var value in values)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    private static void Multiply(double[] left, double[] right, double[] result, int m)
    {
        Array.Clear(result);
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var a = left[(i * m) + k];
                if (a == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[(i * m) + j] += a * right[(k * m) + j];
                }
            }
        }
    }

    /// <summary>P(Dₙ ≤ x) by Pomeranz's recursion (rows are convolutions with Poisson-like weights), rescaled as it goes.</summary>
    private static double PomeranzCdf(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powerCount = 2 * (ll + 1);
        var gPower = new double[powerCount];
        var twoGPower = new double[powerCount];
        var oneMinusTwoGPower = new double[powerCount];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - (2 * g)) / n;
        for (var m = 1; m < powerCount; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[powerCount];
        var v1 = new double[powerCount];
        var convolution = new double[2 * powerCount];
        v1[0] = 1;
        int v0Start = 0, v1Start = 0;
        var exponent = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilF, roundF);
        for (var i = 1; i < (2 * n) + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilF, roundF);
            var powers = i == 1 || i == (2 * n) + 1 ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower);
            var length = j2 - k1 + 1;
            if (length > 0)
            {
                // numpy slices stop at the end of the array, so the operands may be shorter than asked.
                var offset = k1 - v0Start;
                var aLength = Math.Min(length, powerCount - offset);
                var bLength = Math.Min(length, powerCount);
                var convolutionLength = aLength + bLength - 1;
                for (var c = 0; c < convolutionLength; c++)
                {
                    var sum = 0.0;
                    var from = Math.Max(0, c - bLength + 1);
                    var to = Math.Min(c, aLength - 1);
                    for (var a = from; a <= to; a++)
                    {
                        sum += v0[offset + a] * powers[c - a];
                    }

                    convolution[c] = sum;
                }

                var start = j1 - k1;
                var count = j2 - j1 + 1;
                var max = 0.0;
                for (var c = 0; c < count; c++)
                {
                    v1[c] = convolution[start + c];
                    max = Math.Max(max, v1[c]);
                }

                if (max > 0 && max < InverseScale)
                {
                    for (var c = 0; c < v1.Length; c++)
                    {
                        v1[c] *= Scale;
                    }

                    exponent -= 128;
                }

                v1Start = v0Start + j1 - k1;
            }
        }

        var answer = v1[n - v1Start];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > Scale)
            {
                answer *= InverseScale;
                exponent += 128;
            }

            answer *= m;
        }

        if (exponent != 0)
        {
            answer = Math.ScaleB(answer, exponent);
        }

        return Clip(answer);
    }

    private static (int J1, int J2) PomeranzBounds(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilF - 1;
            j2 = ll + ceilF - 1;
        }
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilF - 1;
                    j2 = n + ll + ceilF - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundF - 1;
                    j2 = half + ll - 1 + ceilF - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundF - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>The Pelz–Good asymptotic expansion of P(Dₙ ≤ x) in powers of n^(−1/2), through the n^(−3/2) term.</summary>
    private static double PelzGoodCdf(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        var z = Math.Sqrt(n) * x;
        double zSquared = Math.Pow(z, 2), zThree = Math.Pow(z, 3), zFour = Math.Pow(z, 4), zSix = Math.Pow(z, 6);
        var qLog = -PiSquared / 8 / zSquared;
        if (qLog < MinLog)
        {
            return 0.0;
        }

        var q = Math.Exp(qLog);
        var k1a = -zSquared;
        var k1b = PiSquared / 4;
        var k2a = (6 * zSix) + (2 * zFour);
        var k2b = ((2 * zFour) - (5 * zSquared)) * PiSquared / 4;
        var k2c = PiFour * (1 - (2 * zSquared)) / 16;
        var k3d = PiSix * (5 - (30 * zSquared)) / 64;
        var k3c = PiFour * ((-60 * zSquared) + (212 * zFour)) / 16;
        var k3b = PiSquared * ((135 * zFour) - (96 * zSix)) / 4;
        var k3a = (-30 * zSix) - (90 * Math.Pow(z, 8));

        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double mSquared = m * m, mFour = Math.Pow(m, 4), mSix = Math.Pow(m, 6);
            var qPower = Math.Pow(q, 8 * k);
            s0 = (s0 * qPower) + 1.0;
            s1 = (s1 * qPower) + (k1a + (k1b * mSquared));
            s2 = (s2 * qPower) + (k2a + (k2b * mSquared) + (k2c * mFour));
            s3 = (s3 * qPower) + (k3a + (k3b * mSquared) + (k3c * mFour) + (k3d * mSix));
        }

        s0 = s0 * q * SqrtTwoPi / z;
        s1 = s1 * q * SqrtTwoPi / (6 * zFour);
        s2 = s2 * q * SqrtTwoPi / (72 * Math.Pow(z, 7));
        s3 = s3 * q * SqrtTwoPi / (6480 * Math.Pow(z, 10));

        var qOther = Math.Exp(-PiSquared / 2 / zSquared);
        var sqrt3z = SqrtThree * z;
        var k2Terms = new double[maxK];
        var k3Terms = new double[maxK];
        for (var index = 0; index < maxK; index++)
        {
            long k = maxK - index;
            var kSquared = k * k;
            var kPi = Math.PI * k;
            var qPowers = Math.Pow(qOther, kSquared);
            k2Terms[index] = kSquared * qPowers;
            k3Terms[index] = (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPowers;
        }

        s2 += NumpySum.Sum(k2Terms) * (PiSquared * SqrtTwoPi / (-36 * zThree));
        s3 += NumpySum.Sum(k3Terms) * (PiSquared * SqrtTwoPi / (216 * zSix));
        s1 /= Math.Pow(n, 0.5);
        s2 /= n;
        s3 /= Math.Pow(n, 1.5);
        return 0 + s0 + s1 + s2 + s3;
    }

    /// <summary>
    /// The one-sided Smirnov tail P(Dₙ⁺ ≥ x) = x Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
    /// (Birnbaum–Tingey), the role of <c>scipy.special.smirnov</c>. Terms are all positive and are summed from their
    /// logarithms; with n x computed exactly, the relative error stays near n·ε, far inside the p-value tolerance.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1, or x outside [0, 1].</exception>
    public static double SmirnovSf(long n, double x)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(x >= 0.0 && x <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The one-sided statistic lies in [0, 1].");
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0.0)
        {
            return 1.0;
        }

        if (x == 1.0)
        {
            return 0.0;
        }

        // ⌊n x⌋ and the remainder α exactly, since (x + v/n) and (1 − x − v/n) are rebuilt from them.
        var nx = n * x;
        var rounding = Math.FusedMultiplyAdd(n, x, -nx);
        var floor = Math.Floor(nx);
        var alpha = (nx - floor) + rounding;
        if (alpha < 0)
        {
            floor -= 1;
            alpha += 1;
        }

        if (alpha >= 1)
        {
            floor += 1;
            alpha = 0;
        }

        var nxFloor = (long)floor;
        if (nxFloor == 0 || (nxFloor == 1 && alpha == 0))
        {
            return 1 - (x * Math.Pow(1 + x, n - 1));
        }

        // cephes' MINLOG (with denormals, ln 2^-1075): beyond it the tail underflows.
        if (-2 * n * x * x < -7.451332191019412076235E2)
        {
            return 0.0;
        }

        if (nxFloor >= n - 1)
        {
            return Math.Pow(1 - x, n);
        }

        if (n > 1_000_000)
        {
            // scipy stops summing here and uses Miller's approximation p ≈ exp(−(6nx + 1)² / 18n).
            var logP = -Math.Pow((6.0 * n * x) + 1, 2) / 18.0 / n;
            return logP < -Math.Log(2) ? Math.Exp(logP) : 1 - (-double.ExpM1(logP));
        }

        // v runs to ⌊n(1 − x)⌋, leaving out v = n(1 − x) itself when it is an integer (its term is 0^(n−v) = 0).
        var lastV = n - nxFloor - 1;
        var termCount = lastV + 1;
        var middle = n / 2;
        var logN = Math.Log(n);
        var logBinomial = 0.0;
        var sum = 0.0;
        for (long v = 0; v <= lastV; v++)
        {
            var above = nxFloor + v + alpha;        // n (x + v/n)
            var below = (n - nxFloor - v) - alpha;  // n (1 − x − v/n)
            var logTerm = logBinomial + ((v - 1) * (Math.Log(above) - logN)) + ((n - v) * (Math.Log(below) - logN));
            var term = Math.Exp(logTerm);
            sum += term;

            // Terms rise then fall; stop once the rest cannot reach the last bit (scipy's rule).
            if (term != 0)
            {
                if (4 * (termCount - v) * term < MachineEpsilon * sum && v != termCount - 1)
                {
                    break;
                }
            }
            else if (v > middle)
            {
                break;
            }

            logBinomial += Math.Log((double)(n - v) / (v + 1));
        }

        return Math.Clamp(x * sum, 0.0, 1.0);
    }

    private static double Clip(double probability) => Math.Clamp(probability, 0.0, 1.0);
}
