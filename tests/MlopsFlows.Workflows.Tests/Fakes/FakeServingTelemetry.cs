using System.Collections.Concurrent;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Serving telemetry whose answer per endpoint is set by the test; healthy traffic unless told otherwise.</summary>
public sealed class FakeServingTelemetry : IServingTelemetry
{
    private readonly ConcurrentDictionary<string, Func<int, ServingMetrics>> answers = new();
    private readonly ConcurrentDictionary<string, int> reads = new();

    public static ServingMetrics Healthy(int version) => new(version, RequestCount: 1_000, ErrorCount: 2, P95LatencyMs: 120);

    public static ServingMetrics SlowP95(int version) => new(version, RequestCount: 1_000, ErrorCount: 0, P95LatencyMs: 900);

    public static ServingMetrics NoTraffic(int version) => new(version, RequestCount: 0, ErrorCount: 0, P95LatencyMs: double.NaN);

    public void Answer(string endpoint, Func<int, ServingMetrics> metrics) => answers[endpoint] = metrics;

    public int ReadsOf(string endpoint) => reads.TryGetValue(endpoint, out var count) ? count : 0;

    public Task<ServingMetrics> GetMetricsAsync(string endpoint, int version, TimeSpan window, CancellationToken cancellationToken)
    {
        reads.AddOrUpdate(endpoint, 1, (_, count) => count + 1);
        var answer = answers.TryGetValue(endpoint, out var metrics) ? metrics : Healthy;
        return Task.FromResult(answer(version));
    }
}
