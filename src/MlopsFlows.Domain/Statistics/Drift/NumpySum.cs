namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// numpy's pairwise summation (<c>np.sum</c> of a contiguous float64 array): blocks of at most 128 values summed with eight
/// interleaved accumulators, larger ranges split in halves. Using the same tree makes sums with cancellation (the
/// Jensen–Shannon divergence of two nearly equal distributions) agree with scipy bit for bit, and it is as accurate as
/// compensated summation for the positive sums elsewhere.
/// </summary>
internal static class NumpySum
{
    private const int BlockSize = 128;

    public static double Sum(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n < 8)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += values[i];
            }

            return sum;
        }

        if (n <= BlockSize)
        {
            double r0 = values[0], r1 = values[1], r2 = values[2], r3 = values[3];
            double r4 = values[4], r5 = values[5], r6 = values[6], r7 = values[7];
            var i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += values[i];
                r1 += values[i + 1];
                r2 += values[i + 2];
                r3 += values[i + 3];
                r4 += values[i + 4];
                r5 += values[i + 5];
                r6 += values[i + 6];
                r7 += values[i + 7];
            }

            var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                result += values[i];
            }

            return result;
        }

        var half = n / 2;
        half -= half % 8;
        return Sum(values[..half]) + Sum(values[half..]);
    }
}
