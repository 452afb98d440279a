using System.Globalization;
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
    public const string RequestCount = "request_count_total";
    public const string ServerErrorCount = "request_5xx_count_total";
    public const string LatencyBucket = "request_latency_ms_bucket";
    public const string VersionLabel = "entity_version";
    public const string EntityLabel = "served_entity_name";

    public async Task<ServingMetrics> GetMetricsAsync(string endpoint, int version, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var text = await http.GetTextAsync($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}/metrics", cancellationToken).ConfigureAwait(false);

        IReadOnlyList<PrometheusSample> samples;
        try
        {
            samples = PrometheusTextParser.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Serving endpoint '{endpoint}' exported metrics that are not Prometheus text: {ex.Message}", ex);
        }

        var metrics = Summarise(samples, version);
        Log.MetricsRead(logger, endpoint, version, metrics.RequestCount, metrics.ErrorCount, metrics.P95LatencyMs);
        return metrics;
    }

    /// <summary>
    /// Sums the version's series (a version is normally one served entity) and estimates p95 from the summed buckets.
    /// P95 is 0 when there were no requests and NaN when requests were counted without a latency histogram.
    /// </summary>
    internal static ServingMetrics Summarise(IReadOnlyList<PrometheusSample> samples, int version)
    {
        var versionText = version.ToString(CultureInfo.InvariantCulture);
        var ofVersion = samples.Where(s => s.Label(VersionLabel) == versionText).ToList();
        var requests = (long)Math.Round(ofVersion.Where(s => s.Name == RequestCount).Sum(s => s.Value));
        var errors = (long)Math.Round(ofVersion.Where(s => s.Name == ServerErrorCount).Sum(s => s.Value));
        if (requests <= 0)
        {
            return new ServingMetrics(version, 0, 0, 0);
        }

        var buckets = ofVersion
            .Where(s => s.Name == LatencyBucket)
            .GroupBy(s => ParseBound(s.Label("le")))
            .Where(g => !double.IsNaN(g.Key))
            .Select(g => new HistogramBucket(g.Key, g.Sum(s => s.Value)));
        return new ServingMetrics(version, requests, errors, HistogramQuantile.Estimate(0.95, buckets));
    }

    /// <summary>A bucket's upper bound; NaN (the bucket is ignored) when the <c>le</c> label is missing or not a number.</summary>
    private static double ParseBound(string? le) => le switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        _ when double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) => bound,
        _ => double.NaN,
    };
}
