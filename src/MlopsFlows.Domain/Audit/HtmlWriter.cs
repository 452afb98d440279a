using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// Builds an HTML document from interpolated strings whose holes are encoded by default: a <see cref="string"/> hole is
/// always HTML-encoded, only a <see cref="Markup"/> hole is written as is, and other types do not compile. The packet
/// carries user text (rationales, reasons, names), so forgetting to encode one must not be possible.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder builder = new(64 * 1024);

    public void Append(ref HtmlInterpolation html) => builder.Append(html.Written);

    public void Append(Markup markup) => builder.Append(markup.Html);

    public override string ToString() => builder.ToString();
}

/// <summary>A fragment of HTML that is already safe: produced by the packet's own helpers, never from raw manifest text.</summary>
internal readonly record struct Markup(string Html)
{
    public static Markup Empty { get; } = new(string.Empty);

    public static Markup Of(ref HtmlInterpolation html) => new(html.Written);

    public static Markup Join(IEnumerable<Markup> parts, string separator = "") => new(string.Join(separator, parts.Select(p => p.Html)));

    public override string ToString() => Html;
}

[InterpolatedStringHandler]
internal readonly ref struct HtmlInterpolation
{
    private readonly StringBuilder builder;

    public HtmlInterpolation(int literalLength, int formattedCount) => builder = new StringBuilder(literalLength + (formattedCount * 16));

    internal string Written => builder.ToString();

    public void AppendLiteral(string literal) => builder.Append(literal);

    public void AppendFormatted(string? text) => HtmlText.Encode(builder, text);

    public void AppendFormatted(Markup markup) => builder.Append(markup.Html);

    public void AppendFormatted(int number) => builder.Append(number.ToString(CultureInfo.InvariantCulture));

    public void AppendFormatted(long number) => builder.Append(number.ToString(CultureInfo.InvariantCulture));
}

internal static class HtmlText
{
    /// <summary>
    /// Encodes text for element content and quoted attribute values alike. Control characters other than tab and line
    /// breaks become U+FFFD: they are invalid in HTML and could hide text from a reader.
    /// </summary>
    public static void Encode(StringBuilder builder, string? text)
    {
        if (text is null)
        {
            return;
        }

        foreach (var character in text)
        {
            switch (character)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '"':
                    builder.Append("&quot;");
                    break;
                case '\'':
                    builder.Append("&#39;");
                    break;
                case '\t' or '\n' or '\r':
                    builder.Append(character);
                    break;
                default:
                    builder.Append(char.IsControl(character) ? '\uFFFD' : character);
                    break;
            }
        }
    }

    public static string Encode(string? text)
    {
        var builder = new StringBuilder(text?.Length ?? 0);
        Encode(builder, text);
        return builder.ToString();
    }
}
