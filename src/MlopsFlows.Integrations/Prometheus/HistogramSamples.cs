namespace MlopsFlows.Integrations.Prometheus;

/// <summary>
/// Turns cumulative histogram buckets back into a sample of observations, for tests that need values rather than a
/// quantile (the canary judge's Mann-Whitney U): every observation of a bucket becomes the bucket's midpoint.
/// </summary>
/// <remarks>
/// The values are binned, so a sample holds many ties; the rank test handles ties (mid-ranks and the tie correction),
/// at some loss of power next to raw latencies. The lowest bucket starts at 0 (latencies are not negative); the
/// <c>+Inf</c> bucket has no midpoint and stands at the highest finite bound, which understates how slow those
/// requests were. When there are more observations than <c>cap</c>, each bucket keeps its share of the cap (largest
/// remainders round), so the distribution's shape survives and the sample stays small enough to travel through an
/// orchestration's history.
/// </remarks>
public static class HistogramSamples
{
    /// <returns>The representative values in ascending order; empty without observations or buckets.</returns>
    public static IReadOnlyList<double> Expand(IEnumerable<HistogramBucket> buckets, int cap)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        var sorted = buckets.Where(b => !double.IsNaN(b.UpperBound)).OrderBy(b => b.UpperBound).ToList();
        if (sorted.Count == 0)
        {
            return [];
        }

        var highestFinite = sorted.LastOrDefault(b => !double.IsPositiveInfinity(b.UpperBound)).UpperBound;
        var values = new double[sorted.Count];
        var counts = new double[sorted.Count];
        double below = 0, lowerBound = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            var (upper, cumulative) = sorted[i];

            // Scrapes taken mid-update can be slightly non-monotonic; a cumulative count never falls.
            var inside = Math.Max(0, Math.Round(cumulative) - below);
            counts[i] = inside;
            below += inside;
            values[i] = double.IsPositiveInfinity(upper) ? highestFinite
                : i == 0 && upper <= 0 ? upper
                : (lowerBound + upper) / 2;
            lowerBound = double.IsPositiveInfinity(upper) ? lowerBound : upper;
        }

        var total = counts.Sum();
        var kept = total <= cap ? counts.Select(c => (long)c).ToArray() : Apportion(counts, total, cap);
        var sample = new List<double>((int)Math.Min(total, cap));
        for (var i = 0; i < kept.Length; i++)
        {
            for (var n = 0L; n < kept[i]; n++)
            {
                sample.Add(values[i]);
            }
        }

        return sample;
    }

    /// <summary>Largest-remainder apportionment of <paramref name="cap"/> seats by bucket count: the kept counts sum to the cap exactly.</summary>
    private static long[] Apportion(double[] counts, double total, int cap)
    {
        var kept = new long[counts.Length];
        var remainders = new (double Remainder, int Index)[counts.Length];
        long seated = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var quota = counts[i] * cap / total;
            kept[i] = (long)Math.Floor(quota);
            seated += kept[i];
            remainders[i] = (quota - kept[i], i);
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take((int)(cap - seated)))
        {
            kept[index]++;
        }

        return kept;
    }
}
