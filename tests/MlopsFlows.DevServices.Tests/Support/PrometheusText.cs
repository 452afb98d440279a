using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MlopsFlows.DevServices.Tests.Support;

internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A strict reader of the Prometheus text format, independent of the simulator's writer, plus histogram quantiles.</summary>
internal static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: '{line}'");
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new PrometheusSample(match.Groups["name"].Value, ParseLabels(match.Groups["labels"].Value), value));
        }

        return samples;
    }

    public static double Value(IEnumerable<PrometheusSample> samples, string name, string servedEntity, string? le = null) =>
        samples.Single(s => s.Name == name && s.Labels["served_entity_name"] == servedEntity && (le is null || s.Labels["le"] == le)).Value;

    /// <summary>The quantile of a cumulative latency histogram, interpolated linearly inside the bucket as Prometheus does.</summary>
    public static double Quantile(IEnumerable<PrometheusSample> samples, string servedEntity, double quantile)
    {
        var buckets = samples
            .Where(s => s.Name == "request_latency_ms_bucket" && s.Labels["served_entity_name"] == servedEntity)
            .Select(s => (UpperBound: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture), Count: s.Value))
            .OrderBy(b => b.UpperBound)
            .ToList();
        var rank = quantile * buckets[^1].Count;
        double lowerBound = 0, countBelow = 0;
        foreach (var (upperBound, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(upperBound)
                    ? lowerBound
                    : lowerBound + ((upperBound - lowerBound) * (rank - countBelow) / (count - countBelow));
            }

            (lowerBound, countBelow) = (upperBound, count);
        }

        return lowerBound;
    }

    private static Dictionary<string, string> ParseLabels(string labels)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < labels.Length)
        {
            var equals = labels.IndexOf('=', i);
            var name = labels[i..equals];
            Assert.Equal('"', labels[equals + 1]);
            var value = new StringBuilder();
            var j = equals + 2;
            for (; labels[j] != '"'; j++)
            {
                if (labels[j] == '\\')
                {
                    j++;
                    value.Append(labels[j] == 'n' ? '\n' : labels[j]);
                }
                else
                {
                    value.Append(labels[j]);
                }
            }

            parsed.Add(name, value.ToString());
            i = j + 1;
            if (i < labels.Length)
            {
                Assert.Equal(',', labels[i]);
                i++;
            }
        }

        return parsed;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();
}
