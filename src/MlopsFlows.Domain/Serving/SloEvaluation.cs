using System.Text.Json.Serialization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Serving;

/// <summary>What telemetry said about one served version over one window.</summary>
/// <param name="P95LatencyMs">NaN when telemetry has no latency for the window; serialized as "NaN" so it survives JSON.</param>
public sealed record ServingMetrics(
    int Version,
    long RequestCount,
    long ErrorCount,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double P95LatencyMs)
{
    public double ErrorRate => RequestCount == 0 ? 0 : (double)ErrorCount / RequestCount;
}

public enum SloStatus
{
    Met,
    Breached,
    NoData,
}

public sealed record SloVerdict(SloStatus Status, IReadOnlyList<string> Reasons);

public static class SloEvaluation
{
    /// <summary>
    /// Compares one window of canary telemetry with the SLOs. A window without requests is <see cref="SloStatus.NoData"/>:
    /// it proves nothing either way.
    /// </summary>
    public static SloVerdict Evaluate(ServingMetrics metrics, ServiceLevelObjectives slo)
    {
        if (metrics.RequestCount <= 0)
        {
            return new SloVerdict(SloStatus.NoData, [$"no requests reached version {metrics.Version} in this window"]);
        }

        var breaches = new List<string>();
        if (double.IsNaN(metrics.P95LatencyMs) || metrics.P95LatencyMs > slo.MaxP95LatencyMs)
        {
            breaches.Add($"p95 latency {metrics.P95LatencyMs:F1} ms exceeds {slo.MaxP95LatencyMs:F1} ms");
        }

        if (metrics.ErrorRate > slo.MaxErrorRate)
        {
            breaches.Add($"error rate {metrics.ErrorRate:P2} exceeds {slo.MaxErrorRate:P2}");
        }

        return breaches.Count == 0
            ? new SloVerdict(SloStatus.Met, [$"p95 latency {metrics.P95LatencyMs:F1} ms and error rate {metrics.ErrorRate:P2} within objectives"])
            : new SloVerdict(SloStatus.Breached, breaches);
    }
}
