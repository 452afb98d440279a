namespace MlopsFlows.Domain.Statistics.Judge;

/// <summary>Sample quantiles as numpy's default <c>np.percentile(values, 100·q)</c> computes them (linear interpolation).</summary>
public static class SampleQuantile
{
    /// <summary>
    /// The q-quantile of <paramref name="values"/>: with the values sorted and h = (n − 1)·q, the value at ⌊h⌋ plus the
    /// fraction h − ⌊h⌋ of the step to the next one (Hyndman and Fan's type 7).
    /// </summary>
    /// <exception cref="ArgumentException">The sample is empty or holds NaN.</exception>
    public static double Linear(ReadOnlySpan<double> values, double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile must lie in [0, 1].");
        }

        if (values.IsEmpty)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (double.IsNaN(sorted[0]))
        {
            // Array.Sort puts NaN first.
            throw new ArgumentException("A quantile's sample must not hold NaN.", nameof(values));
        }

        var h = (sorted.Length - 1) * q;
        var lower = (int)Math.Floor(h);
        if (lower >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        var fraction = h - lower;
        var (low, high) = (sorted[lower], sorted[lower + 1]);
        var step = high - low;
        // numpy interpolates from whichever end is nearer, and so do we, to agree with it to the last bit.
        return fraction >= 0.5 ? high - (step * (1 - fraction)) : low + (step * fraction);
    }
}
