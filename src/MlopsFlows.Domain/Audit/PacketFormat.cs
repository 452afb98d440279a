using System.Globalization;
using System.Text;

namespace MlopsFlows.Domain.Audit;

/// <summary>How the packet writes numbers, times, verdicts and hashes: invariantly, so the same manifest gives the same bytes.</summary>
internal static class PacketFormat
{
    /// <summary>What a cell shows for a value the manifest does not have.</summary>
    public const string Missing = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double? value) => value switch
    {
        null => Missing,
        double.NaN => "NaN",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        var finite => finite.Value.ToString("G6", Invariant),
    };

    public static string Count(long? value) => value?.ToString("N0", Invariant) ?? Missing;

    /// <summary>A fraction as a percentage, e.g. 0.0123 as <c>1.23%</c> (error rates, confidence levels).</summary>
    public static string Percent(double? fraction) =>
        fraction is double value && double.IsFinite(value) ? (value * 100).ToString("0.###", Invariant) + "%" : Number(fraction);

    public static string Milliseconds(double? value) => value is null ? Missing : Number(value) + " ms";

    /// <summary><c>[lower, upper] @ 95% (method)</c>.</summary>
    public static string Interval(IntervalEntry? interval) => interval is null
        ? Missing
        : $"[{Number(interval.Lower)}, {Number(interval.Upper)}] @ {Percent(interval.Level)} ({interval.Method})";

    public static string TimeText(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);

    public static Markup Time(DateTimeOffset? at) => at is DateTimeOffset value
        ? Markup.Of($"<time datetime=\"{value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant)}\">{TimeText(value)}</time>")
        : Markup.Of($"{Missing}");

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string OrMissing(string? text) => string.IsNullOrWhiteSpace(text) ? Missing : text;

    /// <summary>The first twelve characters of a hash and an ellipsis; the full value goes in a title beside it.</summary>
    public static string Abbreviate(string hash) => hash.Length <= 14 ? hash : string.Concat(hash.AsSpan(0, 12), "…");

    /// <summary>AtLeast / at_least / &gt;= as ≥, and the mirror for at most; anything else as written.</summary>
    public static string Comparison(string? comparison) => Squash(comparison) switch
    {
        "" => Missing,
        "atleast" or ">=" or "≥" or "ge" or "gte" => "≥",
        "atmost" or "<=" or "≤" or "le" or "lte" => "≤",
        _ => comparison!,
    };

    /// <summary>A verdict or outcome in words: <c>InsufficientData</c> as "insufficient data", <c>rolled-back</c> as "rolled back".</summary>
    public static string Words(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Missing;
        }

        var words = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var character = value[i];
            if (character is '-' or '_')
            {
                words.Append(' ');
            }
            else if (char.IsUpper(character) && i > 0 && char.IsLower(value[i - 1]))
            {
                words.Append(' ').Append(char.ToLowerInvariant(character));
            }
            else
            {
                words.Append(char.ToLowerInvariant(character));
            }
        }

        return words.ToString();
    }

    /// <summary>
    /// The colour family of a verdict. Several vocabularies meet in one packet (gates, SLO watches, the judge,
    /// approvals, the release outcome), so they are matched by their letters alone.
    /// </summary>
    public static Tone ToneOf(string? verdict) => Squash(verdict) switch
    {
        "pass" or "passed" or "met" or "counted" or "approved" or "approve" or "promoted" or "promote" or "ok" or "verified"
            or "succeeded" or "independent" or "clear" => Tone.Pass,
        "fail" or "failed" or "breached" or "rejected" or "reject" or "rolledback" or "rollback" or "gatefailed"
            or "violated" or "conflict" => Tone.Fail,
        "inconclusive" or "insufficientdata" or "nodata" or "expired" or "pending" or "held" or "hold" or "escalated" => Tone.Warn,
        _ => Tone.Neutral,
    };

    public static string CssClass(Tone tone) => tone switch
    {
        Tone.Pass => "tone-pass",
        Tone.Fail => "tone-fail",
        Tone.Warn => "tone-warn",
        _ => "tone-neutral",
    };

    /// <summary>A verdict as a coloured badge that also says it in words (colour is never the only signal).</summary>
    public static Markup Badge(string? verdict, Tone? tone = null, string? extraClass = null)
    {
        var css = CssClass(tone ?? ToneOf(verdict)) + (extraClass is null ? string.Empty : " " + extraClass);
        return Markup.Of($"<span class=\"badge {css}\" title=\"{verdict}\">{Words(verdict)}</span>");
    }

    /// <summary>An SVG coordinate, rounded to a tenth so the output is short and stable.</summary>
    public static string Coordinate(double value) => Math.Round(value, 1).ToString("0.#", Invariant);

    private static string Squash(string? value) =>
        value is null ? string.Empty : new string([.. value.Where(c => !char.IsWhiteSpace(c) && c is not '-' and not '_').Select(char.ToLowerInvariant)]);
}

internal enum Tone
{
    Neutral,
    Pass,
    Fail,
    Warn,
}
