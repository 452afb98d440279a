using System.Globalization;
using System.Text;

namespace MlopsFlows.Integrations.Storage;

/// <summary>
/// Makes any string usable as a table PartitionKey or RowKey, reversibly: the characters tables refuse in keys
/// (<c>/ \ # ?</c> and control characters) and the escape character itself become <c>!XX</c> (hex of the UTF-16 unit).
/// </summary>
public static class TableKeys
{
    private const char EscapeChar = '!';

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                escaped.Append(EscapeChar).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == EscapeChar && i + 2 < key.Length && int.TryParse(key.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                value.Append((char)code);
                i += 2;
            }
            else
            {
                value.Append(key[i]);
            }
        }

        return value.ToString();
    }

    /// <summary>A row key that sorts in sequence order (table rows come back ordered by key, as strings).</summary>
    public static string ForSequence(int sequence) => sequence.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Row key of one record of one run: <c>{runId}.{sequence:D6}</c>, so a run's rows form one key range.</summary>
    public static string ForRunSequence(string runId, int sequence) => $"{runId}.{ForSequence(sequence)}";

    /// <summary>Exclusive bounds of a run's key range: '.' separates, and '/' is the character after '.'.</summary>
    public static string RunRangeStart(string runId) => runId + ".";

    public static string RunRangeEnd(string runId) => runId + "/";

    public static (string RunId, int Sequence) ParseRunSequence(string rowKey)
    {
        var dot = rowKey.LastIndexOf('.');
        return dot <= 0
            ? throw new FormatException($"'{rowKey}' is not an evidence row key ({{run}}.{{sequence}}).")
            : (rowKey[..dot], int.Parse(rowKey.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture));
    }

    /// <summary>Run ids are letters, digits and '-' (1 to 64): safe in row keys and sorting before the '.' separator.</summary>
    public static void ThrowIfNotRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!Domain.Evidence.EvidenceRecord.IsValidRunId(runId))
        {
            throw new ArgumentException($"'{runId}' is not a run id: letters, digits and '-' only, at most 64.", nameof(runId));
        }
    }

    // Every escaped character is below U+00A0, so two hex digits are enough.
    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or EscapeChar || char.IsControl(c);
}
