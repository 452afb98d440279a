namespace MlopsFlows.Integrations.Prometheus;

/// <summary>One cumulative histogram bucket: how many observations were at most <see cref="UpperBound"/>.</summary>
public readonly record struct HistogramBucket(double UpperBound, double CumulativeCount);

/// <summary>
/// A quantile estimated from cumulative histogram buckets the way Prometheus' <c>histogram_quantile</c> does:
/// find the bucket holding the rank and interpolate linearly inside it, assuming observations spread evenly.
/// </summary>
public static class HistogramQuantile
{
    /// <returns>
    /// The estimate; NaN when there are no observations, no <c>+Inf</c> bucket or fewer than two buckets. A rank that
    /// falls into the <c>+Inf</c> bucket answers the highest finite bound, as Prometheus does. The lowest bucket is
    /// taken to start at 0 (latencies are not negative) unless its bound is not positive.
    /// </returns>
    public static double Estimate(double quantile, IEnumerable<HistogramBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (double.IsNaN(quantile))
        {
            return double.NaN;
        }

        if (quantile < 0)
        {
            return double.NegativeInfinity;
        }

        if (quantile > 1)
        {
            return double.PositiveInfinity;
        }

        var sorted = buckets.OrderBy(b => b.UpperBound).ToList();
        if (sorted.Count < 2 || !double.IsPositiveInfinity(sorted[^1].UpperBound))
        {
            return double.NaN;
        }

        // Scrapes taken mid-update can be slightly non-monotonic; a cumulative count never falls, so clamp it.
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].CumulativeCount < sorted[i - 1].CumulativeCount)
            {
                sorted[i] = sorted[i] with { CumulativeCount = sorted[i - 1].CumulativeCount };
            }
        }

        var total = sorted[^1].CumulativeCount;
        if (total <= 0)
        {
            return double.NaN;
        }

        var rank = quantile * total;
        var index = sorted.FindIndex(b => b.CumulativeCount >= rank);
        if (index == sorted.Count - 1)
        {
            return sorted[^2].UpperBound;
        }

        var bucket = sorted[index];
        if (index == 0 && bucket.UpperBound <= 0)
        {
            return bucket.UpperBound;
        }

        var lowerBound = index == 0 ? 0 : sorted[index - 1].UpperBound;
        var countBelow = index == 0 ? 0 : sorted[index - 1].CumulativeCount;
        var countInside = bucket.CumulativeCount - countBelow;
        return countInside <= 0
            ? lowerBound
            : lowerBound + ((bucket.UpperBound - lowerBound) * ((rank - countBelow) / countInside));
    }
}
