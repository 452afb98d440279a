using MlopsFlows.Integrations.Prometheus;

namespace MlopsFlows.Integrations.Tests.Prometheus;

public sealed class HistogramQuantileTests
{
    private static readonly HistogramBucket[] Latency =
    [
        new(100, 50),
        new(200, 90),
        new(400, 100),
        new(double.PositiveInfinity, 100),
    ];

    [Theory]
    [InlineData(0.95, 300)] // rank 95 in (200, 400]: 200 + 200 × (95 − 90) / 10
    [InlineData(0.5, 100)] // rank 50 is exactly the top of the first bucket
    [InlineData(0.25, 50)] // the first bucket starts at 0: 0 + 100 × 25 / 50
    [InlineData(0.7, 150)] // rank 70 in (100, 200]: 100 + 100 × 20 / 40
    [InlineData(1.0, 400)]
    public void Estimate_Quantile_InterpolatesInsideTheBucket(double quantile, double expected)
    {
        Assert.Equal(expected, HistogramQuantile.Estimate(quantile, Latency), precision: 9);
    }

    [Fact]
    public void Estimate_BucketsInAnyOrder_GiveTheSameAnswer()
    {
        Assert.Equal(300, HistogramQuantile.Estimate(0.95, Latency.Reverse()), precision: 9);
    }

    [Fact]
    public void Estimate_RankInTheInfiniteBucket_AnswersTheHighestFiniteBound()
    {
        HistogramBucket[] slow = [new(100, 10), new(200, 20), new(double.PositiveInfinity, 100)];

        Assert.Equal(200, HistogramQuantile.Estimate(0.95, slow));
    }

    [Fact]
    public void Estimate_NoObservations_IsNaN()
    {
        HistogramBucket[] empty = [new(100, 0), new(double.PositiveInfinity, 0)];

        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.95, empty)));
    }

    [Fact]
    public void Estimate_NoInfiniteBucket_IsNaN()
    {
        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.95, [new(100, 5), new(200, 10)])));
    }

    [Fact]
    public void Estimate_CountThatFallsBetweenBuckets_IsTreatedAsMonotonic()
    {
        // A scrape taken mid-update: 200 reads 48 though 100 read 50. Prometheus clamps it, and so do we.
        HistogramBucket[] jittery = [new(100, 50), new(200, 48), new(400, 100), new(double.PositiveInfinity, 100)];

        Assert.Equal(200 + (200 * 45.0 / 50), HistogramQuantile.Estimate(0.95, jittery), precision: 9);
    }

    [Theory]
    [InlineData(-0.1, double.NegativeInfinity)]
    [InlineData(1.1, double.PositiveInfinity)]
    public void Estimate_QuantileOutOfRange_AnswersLikePrometheus(double quantile, double expected)
    {
        Assert.Equal(expected, HistogramQuantile.Estimate(quantile, Latency));
    }
}
