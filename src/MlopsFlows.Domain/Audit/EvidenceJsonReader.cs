using System.Globalization;
using System.Text.Json;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// Reads values out of evidence data without trusting its shape: a record written by an older version, or a field that
/// was redacted, gives null, never an exception. Paths are property names, outermost first.
/// </summary>
internal static class EvidenceJsonReader
{
    public static JsonElement? At(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
            {
                return null;
            }

            current = next;
        }

        return current.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : current;
    }

    public static string? Text(this JsonElement element, params string[] path) => element.At(path) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        }
        : null;

    public static double? Number(this JsonElement element, params string[] path)
    {
        if (element.At(path) is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        // NaN and infinities are written as strings in evidence; an auditor's packet shows them as absent numbers.
        return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
            ? parsed
            : null;
    }

    public static long? Whole(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var whole) ? whole : null;

    public static int? Int(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var whole) ? whole : null;

    public static bool Flag(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.True };

    public static DateTimeOffset? Time(this JsonElement element, params string[] path) =>
        element.Text(path) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static IReadOnlyList<string> Strings(this JsonElement element, params string[] path) =>
        [.. element.Items(path).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)];

    /// <summary>A JSON object of scalars as a sorted map of strings (numbers and booleans in their JSON spelling).</summary>
    public static IReadOnlyDictionary<string, string> Map(this JsonElement element, params string[] path)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (element.At(path) is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null)
                {
                    map[property.Name] = value;
                }
            }
        }

        return map;
    }

    /// <summary>A duration as System.Text.Json writes a TimeSpan (<c>d.hh:mm:ss</c>).</summary>
    public static TimeSpan? Duration(this JsonElement element, params string[] path) =>
        element.Text(path) is { } text && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) ? duration : null;
}
