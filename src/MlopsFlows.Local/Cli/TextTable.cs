using System.Globalization;
using System.Text;

namespace MlopsFlows.Local.Cli;

/// <summary>Plain aligned columns for a terminal, and the few value formats the operator verbs print.</summary>
internal static class TextTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = header.Select((h, i) => all.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Append(text, header, widths);
        foreach (var row in all)
        {
            Append(text, row, widths);
        }

        return text.ToString();
    }

    /// <summary>UTC to the second, e.g. <c>2026-03-14 09:15:02Z</c>; <c>-</c> when there is none.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>A duration as people say it: <c>850 ms</c>, <c>12.3 s</c>, <c>4 min 05 s</c>, <c>2 h 10 min</c>; <c>-</c> when there is none.</summary>
    public static string Span(TimeSpan? span) => span switch
    {
        null => "-",
        { } s when s.Duration() < TimeSpan.FromSeconds(1) => string.Create(CultureInfo.InvariantCulture, $"{s.TotalMilliseconds:0} ms"),
        { } s when s.Duration() < TimeSpan.FromMinutes(1) => string.Create(CultureInfo.InvariantCulture, $"{s.TotalSeconds:0.0} s"),
        { } s when s.Duration() < TimeSpan.FromHours(1) => string.Create(CultureInfo.InvariantCulture, $"{(int)s.TotalMinutes} min {s.Seconds:00} s"),
        { } s => string.Create(CultureInfo.InvariantCulture, $"{(int)s.TotalHours} h {s.Minutes:00} min"),
    };

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    private static void Append(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            text.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.Append('\n');
    }
}
