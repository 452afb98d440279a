using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Integrations.Prometheus;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Serving telemetry from the endpoint's Prometheus metrics export (<c>GET /api/2.0/serving-endpoints/{name}/metrics</c>),
/// per served entity (labels <c>served_entity_name</c>, <c>entity_version</c>): <c>request_count_total</c>,
/// <c>request_5xx_count_total</c> and the histogram <c>request_latency_ms_bucket</c>.
/// </summary>
/// <remarks>
/// The counters are cumulative since the served entity was created, so the numbers cover the entity's whole life, not
/// the requested window. For a canary that is what is wanted: each release deploys the candidate as a new served
/// entity, so its cumulative counts are exactly the canary's life so far. A version the endpoint does not serve (or
/// that has not been scraped yet) answers zero requests, which the SLO evaluation reads as "no data".
/// </remarks>
public sealed class DatabricksServingTelemetry(HttpClient http, ILogger<DatabricksServingTelemetry> logger) : IServingTelemetry
{
    public const string RequestCount = ServedVersionMetrics.RequestCount;
    public const string ServerErrorCount = ServedVersionMetrics.ServerErrorCount;
    public const string LatencyBucket = ServedVersionMetrics.LatencyBucket;
    public const string VersionLabel = ServedVersionMetrics.VersionLabel;
    public const string EntityLabel = "served_entity_name";

    public async Task<ServingMetrics> GetMetricsAsync(string endpoint, int version, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var text = await http.GetTextAsync($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}/metrics", cancellationToken).ConfigureAwait(false);
        var metrics = Summarise(ServedVersionMetrics.Parse(endpoint, text), version);
        Log.MetricsRead(logger, endpoint, version, metrics.RequestCount, metrics.ErrorCount, metrics.P95LatencyMs);
        return metrics;
    }

    /// <summary>
    /// Sums the version's series (a version is normally one served entity) and estimates p95 from the summed buckets.
    /// P95 is 0 when there were no requests and NaN when requests were counted without a latency histogram.
    /// </summary>
    internal static ServingMetrics Summarise(IReadOnlyList<PrometheusSample> samples, int version)
    {
        var (requests, errors, buckets) = ServedVersionMetrics.Of(samples, version);
        return requests <= 0
            ? new ServingMetrics(version, 0, 0, 0)
            : new ServingMetrics(version, requests, errors, HistogramQuantile.Estimate(0.95, buckets));
    }
}
