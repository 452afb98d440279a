using MlopsFlows.DevServices.Databricks;

namespace MlopsFlows.DevServices.Tests.Databricks;

public sealed class ServedEntityCountersTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(60, 0.50)]
    [InlineData(120, 0.95)]
    [InlineData(15, 0)]
    [InlineData(400, 1)]
    public void ShareWithin_Healthy_HasMedian60AndP95Of120(double latencyMs, double share) =>
        Assert.Equal(share, LatencyProfile.Healthy.ShareWithin(latencyMs), precision: 9);

    [Fact]
    public void ShareWithin_AddedLatency_ShiftsTheWholeDistribution()
    {
        var slow = new LatencyProfile(AddedLatencyMs: 400, ServerErrorRate: 0);

        Assert.Equal(0, slow.ShareWithin(400));
        Assert.Equal(0.5, slow.ShareWithin(460), precision: 9);
        Assert.Equal(LatencyProfile.Healthy.MeanMs + 400, slow.MeanMs, precision: 9);
    }

    [Theory]
    [InlineData(0, 15)]
    [InlineData(0.5, 60)]
    [InlineData(0.95, 120)]
    [InlineData(1, 400)]
    [InlineData(0.3, 46.6666666667)]
    public void LatencyAt_Healthy_IsTheInverseOfShareWithin(double share, double latencyMs)
    {
        Assert.Equal(latencyMs, LatencyProfile.Healthy.LatencyAt(share), precision: 6);
        Assert.Equal(share, LatencyProfile.Healthy.ShareWithin(LatencyProfile.Healthy.LatencyAt(share)), precision: 9);
    }

    [Fact]
    public void LatencyAt_AddedLatency_ShiftsEveryQuantile() =>
        Assert.Equal(460, new LatencyProfile(AddedLatencyMs: 400, ServerErrorRate: 0).LatencyAt(0.5), precision: 9);

    [Fact]
    public void Read_AtCreation_HoldsExactlyTheWarmup()
    {
        var counters = new ServedEntityCounters(Start, warmupRequests: 200, requestsPerSecond: 5, LatencyProfile.Healthy);

        var telemetry = counters.Read(Start);

        // Median 60 ms: 35% of requests answer within 50 ms and 67.5% within 75 ms.
        Assert.Equal(200, telemetry.Requests);
        Assert.Equal(70, Within(telemetry, 50));
        Assert.Equal(135, Within(telemetry, 75));
        Assert.Equal(200, Within(telemetry, 5000));
    }

    [Fact]
    public void Read_AsTimePassesAndRatesChange_NeverDecreasesAnyCounter()
    {
        var counters = new ServedEntityCounters(Start, warmupRequests: 200, requestsPerSecond: 5, LatencyProfile.Healthy);
        counters.ChangeAt(Start.AddSeconds(7), requestsPerSecond: 45, new LatencyProfile(400, 0.05));
        counters.ChangeAt(Start.AddSeconds(19), requestsPerSecond: 0, LatencyProfile.Healthy);
        counters.ChangeAt(Start.AddSeconds(23), requestsPerSecond: 12.5, LatencyProfile.Healthy);

        var previous = counters.Read(Start);
        for (var ms = 0; ms <= 40_000; ms += 333)
        {
            var current = counters.Read(Start.AddMilliseconds(ms));
            Assert.True(current.Requests >= previous.Requests);
            Assert.True(current.ServerErrors >= previous.ServerErrors);
            Assert.True(current.ClientErrors >= previous.ClientErrors);
            Assert.True(current.LatencySumMs >= previous.LatencySumMs);
            Assert.All(current.RequestsWithin.Zip(previous.RequestsWithin), pair => Assert.True(pair.First >= pair.Second));
            Assert.Equal(current.RequestsWithin.Order(), current.RequestsWithin);
            Assert.True(current.RequestsWithin[^1] <= current.Requests);
            previous = current;
        }
    }

    [Fact]
    public void ChangeAt_Regression_LeavesEarlierRequestsHealthy()
    {
        var counters = new ServedEntityCounters(Start, warmupRequests: 200, requestsPerSecond: 10, LatencyProfile.Healthy);
        var before = counters.Read(Start.AddSeconds(10));

        counters.ChangeAt(Start.AddSeconds(10), requestsPerSecond: 10, new LatencyProfile(400, 0));
        var after = counters.Read(Start.AddSeconds(20));

        Assert.Equal(300, before.Requests);
        Assert.Equal(400, after.Requests);
        Assert.Equal(Within(before, 250), Within(after, 250));
    }

    private static long Within(EntityTelemetry telemetry, double boundMs) =>
        telemetry.RequestsWithin[ServedEntityCounters.LatencyBucketBoundsMs.ToList().IndexOf(boundMs)];
}
