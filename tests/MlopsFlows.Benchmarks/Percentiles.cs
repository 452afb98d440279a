namespace MlopsFlows.Benchmarks;

/// <summary>Nearest-rank percentiles: the smallest sample with at least p% of the samples at or below it (no interpolation).</summary>
internal static class Percentiles
{
    public static double NearestRank(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

/// <summary>p50, p90, p99 and max of a set of durations in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0
            ? new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN)
            : new LatencySummary(
                sorted.Length,
                Percentiles.NearestRank(sorted, 50),
                Percentiles.NearestRank(sorted, 90),
                Percentiles.NearestRank(sorted, 99),
                sorted[^1]);
    }
}
