using System.Globalization;
using System.Text;

namespace MlopsFlows.Integrations.Prometheus;

/// <summary>One sample of the Prometheus text exposition format: a metric name, its labels and a value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4): one sample per line,
/// <c>name{label="value",…} value [timestamp]</c>; <c>#</c> lines (HELP, TYPE, comments) and blank lines are skipped.
/// Label values may escape <c>\\</c>, <c>\"</c> and <c>\n</c>; values may be <c>NaN</c>, <c>+Inf</c> or <c>-Inf</c>.
/// </summary>
public static class PrometheusTextParser
{
    /// <exception cref="FormatException">A line is not a valid sample; the message names the line.</exception>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim(' ', '\t');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            try
            {
                samples.Add(ParseSample(line));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"Prometheus text line {lineNumber}: {ex.Message} in '{Shorten(line)}'", ex);
            }
        }

        return samples;
    }

    private static PrometheusSample ParseSample(string line)
    {
        var position = 0;
        var name = ReadName(line, ref position, allowColon: true, "metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        SkipBlanks(line, ref position);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            ReadLabels(line, ref position, labels);
        }

        SkipBlanks(line, ref position);
        var value = ParseValue(ReadToken(line, ref position));
        SkipBlanks(line, ref position);
        if (position < line.Length)
        {
            // An optional timestamp in milliseconds; not needed, but it must be a number.
            var timestamp = ReadToken(line, ref position);
            if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException($"'{timestamp}' is not a timestamp");
            }

            SkipBlanks(line, ref position);
            if (position < line.Length)
            {
                throw new FormatException("unexpected text after the timestamp");
            }
        }

        return new PrometheusSample(name, labels, value);
    }

    private static void ReadLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        while (true)
        {
            SkipBlanks(line, ref position);
            if (position < line.Length && line[position] == '}')
            {
                position++;
                return;
            }

            var label = ReadName(line, ref position, allowColon: false, "label name");
            SkipBlanks(line, ref position);
            Expect(line, ref position, '=');
            SkipBlanks(line, ref position);
            Expect(line, ref position, '"');
            labels[label] = ReadLabelValue(line, ref position);
            SkipBlanks(line, ref position);
            if (position < line.Length && line[position] == ',')
            {
                position++;
                continue;
            }

            Expect(line, ref position, '}');
            return;
        }
    }

    private static string ReadLabelValue(string line, ref int position)
    {
        var value = new StringBuilder();
        while (position < line.Length)
        {
            var c = line[position++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (position >= line.Length)
            {
                break;
            }

            var escaped = line[position++];
            value.Append(escaped switch
            {
                'n' => '\n',
                '\\' => '\\',
                '"' => '"',
                _ => throw new FormatException($"unknown escape '\\{escaped}' in a label value"),
            });
        }

        throw new FormatException("unterminated label value");
    }

    private static string ReadName(string line, ref int position, bool allowColon, string what)
    {
        var start = position;
        while (position < line.Length && IsNameChar(line[position], position == start, allowColon))
        {
            position++;
        }

        return position > start ? line[start..position] : throw new FormatException($"expected a {what} at column {start + 1}");
    }

    private static bool IsNameChar(char c, bool first, bool allowColon) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (!first && c is >= '0' and <= '9');

    private static string ReadToken(string line, ref int position)
    {
        var start = position;
        while (position < line.Length && line[position] is not (' ' or '\t'))
        {
            position++;
        }

        return position > start ? line[start..position] : throw new FormatException("expected a value");
    }

    private static double ParseValue(string token) => token switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"'{token}' is not a sample value"),
    };

    private static void Expect(string line, ref int position, char expected)
    {
        if (position >= line.Length || line[position] != expected)
        {
            throw new FormatException($"expected '{expected}' at column {position + 1}");
        }

        position++;
    }

    private static void SkipBlanks(string line, ref int position)
    {
        while (position < line.Length && line[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static string Shorten(string line) => line.Length > 120 ? line[..120] + "…" : line;
}
