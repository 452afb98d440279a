using System.Globalization;
using System.Text;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>Writes served-entity telemetry in the Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<(string ServedEntityName, int EntityVersion, EntityTelemetry Telemetry)> entities)
    {
        var list = entities.ToList();
        var text = new StringBuilder();
        Counter(text, list, "request_count_total", "Requests answered, cumulative since the served entity was created.", t => t.Requests);
        Counter(text, list, "request_4xx_count_total", "Requests answered with a 4xx status.", t => t.ClientErrors);
        Counter(text, list, "request_5xx_count_total", "Requests answered with a 5xx status.", t => t.ServerErrors);

        text.Append("# HELP request_latency_ms Request latency in milliseconds.\n");
        text.Append("# TYPE request_latency_ms histogram\n");
        foreach (var (name, version, telemetry) in list)
        {
            var labels = Labels(name, version);
            var bounds = ServedEntityCounters.LatencyBucketBoundsMs;
            for (var i = 0; i < bounds.Count; i++)
            {
                Sample(text, "request_latency_ms_bucket", $"{labels},le=\"{Number(bounds[i])}\"", telemetry.RequestsWithin[i]);
            }

            Sample(text, "request_latency_ms_bucket", $"{labels},le=\"+Inf\"", telemetry.Requests);
            text.Append(CultureInfo.InvariantCulture, $"request_latency_ms_sum{{{labels}}} {Number(telemetry.LatencySumMs)}\n");
            Sample(text, "request_latency_ms_count", labels, telemetry.Requests);
        }

        return text.ToString();
    }

    private static void Counter(
        StringBuilder text,
        List<(string ServedEntityName, int EntityVersion, EntityTelemetry Telemetry)> entities,
        string metric,
        string help,
        Func<EntityTelemetry, long> value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {metric} {help}\n# TYPE {metric} counter\n");
        foreach (var (name, version, telemetry) in entities)
        {
            Sample(text, metric, Labels(name, version), value(telemetry));
        }
    }

    private static void Sample(StringBuilder text, string metric, string labels, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{metric}{{{labels}}} {value}\n");

    private static string Labels(string servedEntityName, int entityVersion) =>
        string.Create(CultureInfo.InvariantCulture, $"served_entity_name=\"{Escape(servedEntityName)}\",entity_version=\"{entityVersion}\"");

    /// <summary>Label values escape backslash, double quote and line feed, as the format requires.</summary>
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
