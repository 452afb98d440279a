using MlopsFlows.Integrations.Prometheus;

namespace MlopsFlows.Integrations.Tests.Prometheus;

public sealed class HistogramSamplesTests
{
    [Fact]
    public void Expand_FewObservations_EachAtItsBucketMidpoint()
    {
        var buckets = new[] { new HistogramBucket(50, 2), new HistogramBucket(100, 5), new HistogramBucket(double.PositiveInfinity, 6) };

        var sample = HistogramSamples.Expand(buckets, cap: 100);

        // (0, 50] → 25; (50, 100] → 75; +Inf stands at the highest finite bound.
        Assert.Equal([25, 25, 75, 75, 75, 100], sample);
    }

    [Fact]
    public void Expand_MoreThanCap_KeepsEachBucketsShareAndExactlyTheCap()
    {
        var buckets = new[] { new HistogramBucket(10, 500), new HistogramBucket(20, 800), new HistogramBucket(40, 1000), new HistogramBucket(double.PositiveInfinity, 1000) };

        var sample = HistogramSamples.Expand(buckets, cap: 7);

        // Quotas 3.5, 2.1, 1.4, 0 → floors 3, 2, 1 plus one seat for the largest remainder (0.5).
        Assert.Equal([5, 5, 5, 5, 15, 15, 30], sample);
    }

    [Fact]
    public void Expand_UnsortedNonMonotonicBuckets_ClampsAndSorts()
    {
        var buckets = new[] { new HistogramBucket(double.PositiveInfinity, 4), new HistogramBucket(20, 3), new HistogramBucket(10, 4) };

        var sample = HistogramSamples.Expand(buckets, cap: 100);

        // The (10, 20] bucket would be negative: a scrape taken mid-update; it holds nothing.
        Assert.Equal([5, 5, 5, 5], sample);
    }

    [Fact]
    public void Expand_NoObservationsOrBuckets_IsEmpty()
    {
        Assert.Empty(HistogramSamples.Expand([], cap: 10));
        Assert.Empty(HistogramSamples.Expand([new HistogramBucket(10, 0), new HistogramBucket(double.PositiveInfinity, 0)], cap: 10));
    }

    [Fact]
    public void Expand_CapBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramSamples.Expand([], cap: 0));
}
