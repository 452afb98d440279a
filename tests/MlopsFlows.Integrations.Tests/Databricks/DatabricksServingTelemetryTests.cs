using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Prometheus;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksServingTelemetryTests
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task GetMetricsAsync_HealthyVersion_ReadsItsCountersAndLatency()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { WarmupRequests = 1000, RequestsPerSecond = 0 });
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        var before = harness.Simulator.RequestLog.Count;

        var metrics = await harness.Get<IServingTelemetry>().GetMetricsAsync(Endpoint, 11, Window, CancellationToken.None);

        Assert.Equal(11, metrics.Version);
        Assert.Equal(1000, metrics.RequestCount);
        Assert.InRange(metrics.ErrorRate, 0, 0.01);

        // The simulator's healthy latency has p95 120 ms; its buckets (100, 150] make interpolation land inside them.
        Assert.InRange(metrics.P95LatencyMs, 100, 150);
        var get = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("GET", "/api/2.0/serving-endpoints/scorer/metrics", true), (get.Method, get.Path, get.HasAuthorization));
    }

    [Fact]
    public async Task GetMetricsAsync_RegressedCanary_ShowsItsErrorsAndLatency()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { WarmupRequests = 1000, RequestsPerSecond = 0 });
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);
        harness.Simulator.InjectRegression(Endpoint, 12, addedLatencyMs: 500, errorRate: 0.2);
        await harness.Get<IServingEndpoints>().SetTrafficAsync(Endpoint, Model, TrafficSplit.Canary(11, 12, 10), CancellationToken.None);
        var telemetry = harness.Get<IServingTelemetry>();

        var canary = await telemetry.GetMetricsAsync(Endpoint, 12, Window, CancellationToken.None);
        var champion = await telemetry.GetMetricsAsync(Endpoint, 11, Window, CancellationToken.None);

        Assert.Equal(1000, canary.RequestCount);
        Assert.InRange(canary.ErrorRate, 0.15, 0.25);
        Assert.InRange(canary.P95LatencyMs, 500, 750);
        Assert.InRange(champion.P95LatencyMs, 100, 150);
    }

    [Fact]
    public async Task GetMetricsAsync_VersionNotServed_ReturnsNoRequests()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddServingEndpoint(Endpoint, Model, 11);

        var metrics = await harness.Get<IServingTelemetry>().GetMetricsAsync(Endpoint, 99, Window, CancellationToken.None);

        Assert.Equal(new ServingMetrics(99, 0, 0, 0), metrics);
    }

    [Fact]
    public async Task GetMetricsAsync_UnknownEndpoint_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => harness.Get<IServingTelemetry>().GetMetricsAsync("nowhere", 1, Window, CancellationToken.None));
    }

    [Fact]
    public void Summarise_TwoEntities_CountsOnlyTheRequestedVersion()
    {
        var samples = PrometheusTextParser.Parse("""
            # TYPE request_count_total counter
            request_count_total{served_entity_name="scorer-11",entity_version="11"} 900
            request_count_total{served_entity_name="scorer-12",entity_version="12"} 100
            request_5xx_count_total{served_entity_name="scorer-11",entity_version="11"} 1
            request_5xx_count_total{served_entity_name="scorer-12",entity_version="12"} 7
            request_latency_ms_bucket{served_entity_name="scorer-12",entity_version="12",le="100"} 50
            request_latency_ms_bucket{served_entity_name="scorer-12",entity_version="12",le="200"} 90
            request_latency_ms_bucket{served_entity_name="scorer-12",entity_version="12",le="400"} 100
            request_latency_ms_bucket{served_entity_name="scorer-12",entity_version="12",le="+Inf"} 100
            request_latency_ms_bucket{served_entity_name="scorer-11",entity_version="11",le="100"} 900
            request_latency_ms_bucket{served_entity_name="scorer-11",entity_version="11",le="+Inf"} 900
            """);

        var metrics = DatabricksServingTelemetry.Summarise(samples, 12);

        // Rank 95 of 100 falls in (200, 400] holding observations 91..100: 200 + 200 × 5/10.
        Assert.Equal(new ServingMetrics(12, 100, 7, 300), metrics);
    }

    [Fact]
    public void Summarise_RequestsWithoutHistogram_ReportsUnknownLatency()
    {
        var samples = PrometheusTextParser.Parse("""request_count_total{served_entity_name="scorer-12",entity_version="12"} 10""");

        var metrics = DatabricksServingTelemetry.Summarise(samples, 12);

        Assert.Equal(10, metrics.RequestCount);
        Assert.True(double.IsNaN(metrics.P95LatencyMs));
    }
}
