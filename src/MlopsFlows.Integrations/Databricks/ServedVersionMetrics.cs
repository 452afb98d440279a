using System.Globalization;
using MlopsFlows.Integrations.Prometheus;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// One model version's series in a serving endpoint's Prometheus export (labels <c>served_entity_name</c>,
/// <c>entity_version</c>), summed over its served entities (normally one): requests, 5xx answers and latency buckets.
/// </summary>
internal sealed record ServedVersionMetrics(long Requests, long ServerErrors, IReadOnlyList<HistogramBucket> LatencyBuckets)
{
    public const string RequestCount = "request_count_total";
    public const string ServerErrorCount = "request_5xx_count_total";
    public const string LatencyBucket = "request_latency_ms_bucket";
    public const string VersionLabel = "entity_version";

    /// <summary>Reads the export of <paramref name="endpoint"/>.</summary>
    /// <exception cref="FormatException">The text is not the Prometheus exposition format.</exception>
    public static IReadOnlyList<PrometheusSample> Parse(string endpoint, string text)
    {
        try
        {
            return PrometheusTextParser.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Serving endpoint '{endpoint}' exported metrics that are not Prometheus text: {ex.Message}", ex);
        }
    }

    /// <summary>The version's totals; buckets whose <c>le</c> label is missing or not a number are ignored.</summary>
    public static ServedVersionMetrics Of(IReadOnlyList<PrometheusSample> samples, int version)
    {
        var versionText = version.ToString(CultureInfo.InvariantCulture);
        var ofVersion = samples.Where(s => s.Label(VersionLabel) == versionText).ToList();
        var requests = (long)Math.Round(ofVersion.Where(s => s.Name == RequestCount).Sum(s => s.Value));
        var errors = (long)Math.Round(ofVersion.Where(s => s.Name == ServerErrorCount).Sum(s => s.Value));
        var buckets = ofVersion
            .Where(s => s.Name == LatencyBucket)
            .GroupBy(s => ParseBound(s.Label("le")))
            .Where(g => !double.IsNaN(g.Key))
            .Select(g => new HistogramBucket(g.Key, g.Sum(s => s.Value)))
            .ToList();
        return new ServedVersionMetrics(Math.Max(0, requests), Math.Max(0, errors), buckets);
    }

    private static double ParseBound(string? le) => le switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        _ when double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) => bound,
        _ => double.NaN,
    };
}
