using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace MlopsFlows.Domain.Evidence;

/// <summary>Where a rule matched in a text.</summary>
public readonly record struct RedactionMatch(string Rule, int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>One rule: a name and how it finds what it removes in a text.</summary>
internal sealed record RedactionRule(string Name, Func<string, IEnumerable<(int Start, int Length)>> Find);

/// <summary>
/// The rules redaction applies. Every pattern is a .NET regular expression with a match timeout, ASCII digits only
/// (<c>\d</c> would match any Unicode digit) and culture-invariant; checksums (Luhn, mod 97, the DNI letter) keep
/// numbers that merely look like card numbers, IBANs or identity numbers.
/// </summary>
internal static partial class RedactionRules
{
    /// <summary>
    /// The built-in patterns read evidence text in microseconds, so a second is only ever reached by a policy's own pattern
    /// that backtracks without end, or a host stalled for that long; either way the text fails closed (see <see cref="EvidenceRedactor"/>).
    /// </summary>
    public const int TimeoutMilliseconds = 1000;

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(TimeoutMilliseconds);

    // Patterns come from policy files, so each is parsed once per process, not once per record.
    private static readonly ConcurrentDictionary<string, Regex> CustomPatterns = new(StringComparer.Ordinal);

    // Each built-in rule first asks what it needs at the least (an '@', so many digits, the head of an IBAN): most evidence
    // text has numbers in it but nothing that could be personal data, and a count is cheaper than a pattern.
    private static readonly RedactionRule Email = new(RedactionRuleNames.Email, text => text.Contains('@', StringComparison.Ordinal) ? Spans(EmailPattern(), text) : []);

    private static readonly RedactionRule NationalId = new(
        RedactionRuleNames.NationalId,
        text => DigitCount(text) < 6
            ? []
            : Spans(SocialSecurityPattern(), text)
                .Concat(Spans(NationalInsurancePattern(), text))
                .Concat(SpanishIdentityPattern().Matches(text).Where(IsSpanishIdentity).Select(m => (m.Index, m.Length))));

    private static readonly RedactionRule Iban = new(RedactionRuleNames.Iban, text => DigitCount(text) >= 2 && IbanHeadPattern().IsMatch(text) ? FindIbans(text) : []);

    private static readonly RedactionRule CardNumber = new(RedactionRuleNames.CardNumber, text => DigitCount(text) >= 13 ? FindCardNumbers(text) : []);

    private static readonly RedactionRule AccountNumber = new(
        RedactionRuleNames.AccountNumber,
        text => DigitCount(text) < 4 ? [] : Spans(StandaloneDigitsPattern(), text).Concat(Spans(LabelledAccountPattern(), text)));

    /// <summary>The built-in rule of that name (names as in <see cref="RedactionSettings.BuiltInRules"/>).</summary>
    public static RedactionRule BuiltIn(string name) => name switch
    {
        RedactionRuleNames.Email => Email,
        RedactionRuleNames.NationalId => NationalId,
        RedactionRuleNames.Iban => Iban,
        RedactionRuleNames.CardNumber => CardNumber,
        RedactionRuleNames.AccountNumber => AccountNumber,
        _ => throw new ArgumentException($"'{name}' is not a built-in redaction rule ({string.Join(", ", RedactionSettings.BuiltInRules)}).", nameof(name)),
    };

    public static RedactionRule Custom(CustomRedactionRule rule)
    {
        var pattern = CustomPatterns.GetOrAdd(rule.Pattern, static p => new Regex(p, RegexOptions.CultureInvariant, Timeout));
        return new RedactionRule(rule.Name, text => Spans(pattern, text));
    }

    /// <summary>Parses a policy's pattern as redaction will; the reason it cannot be used, or null.</summary>
    public static string? ProblemWith(string pattern)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException invalid)
        {
            return $"is not a valid .NET regular expression: {invalid.Message}";
        }

        return regex.IsMatch(string.Empty) ? "matches empty text, so it would redact nothing but mark every field" : null;
    }

    /// <summary>
    /// Text no rule may touch: hex strings of 32 or more characters (SHA-256 and SHA-1 hashes, MD5s, run ids) and GUIDs.
    /// Hashes are what evidence is made of; a digest that happened to pass a checksum must never be replaced.
    /// </summary>
    public static IEnumerable<(int Start, int Length)> Untouchable(string text) =>
        Spans(LongHexPattern(), text).Concat(Spans(GuidPattern(), text));

    /// <summary>The match, or its named group <c>value</c> when the pattern has one (a label is not removed, the number is).</summary>
    private static IEnumerable<(int Start, int Length)> Spans(Regex pattern, string text)
    {
        foreach (Match match in pattern.Matches(text))
        {
            var value = match.Groups["value"];
            var (start, length) = value.Success ? (value.Index, value.Length) : (match.Index, match.Length);
            if (length > 0)
            {
                yield return (start, length);
            }
        }
    }

    private static bool IsSpanishIdentity(Match match)
    {
        // NIE numbers start X, Y or Z for 0, 1 or 2; the letter is the number mod 23 in this table.
        const string Letters = "TRWAGMYFPDXBNJZSQVHLCKE";
        var number = match.Groups["number"].Value.ToUpperInvariant();
        var digits = number[0] switch
        {
            'X' => "0" + number[1..],
            'Y' => "1" + number[1..],
            'Z' => "2" + number[1..],
            _ => number,
        };
        var remainder = digits.Aggregate(0, (r, c) => ((r * 10) + (c - '0')) % 23);
        return char.ToUpperInvariant(match.Groups["letter"].Value[0]) == Letters[remainder];
    }

    /// <summary>
    /// Card numbers are written whole (13 to 19 digits) or as printed: groups of four with a shorter last group, or 4-6-5
    /// and 4-6-4. Every such run of groups that passes the Luhn check is removed, so a number written just before a card
    /// number can make the removal longer but never hide part of the card.
    /// </summary>
    private static IEnumerable<(int Start, int Length)> FindCardNumbers(string text) =>
        Windows(text, DigitGroupsPattern(), static c => c is ' ' or '-', maxLength: 19, opens: static _ => true, accept: static window =>
        {
            var lengths = window.Select(g => g.Length).ToArray();
            var printed = lengths.Length == 1
                || (lengths[..^1].All(l => l == 4) && lengths[^1] <= 4)
                || lengths is [4, 6, 5] or [4, 6, 4];
            var digits = string.Concat(window);
            return printed && digits.Length >= 13 && PassesLuhn(digits);
        });

    /// <summary>
    /// IBANs are written whole (15 to 34 letters and digits) or in groups of four with a shorter last group; each starts
    /// with a country code and two check digits, and the whole must pass the ISO 13616 mod-97 check.
    /// </summary>
    private static IEnumerable<(int Start, int Length)> FindIbans(string text) =>
        Windows(
            text,
            WordGroupsPattern(),
            static c => c == ' ',
            maxLength: 34,
            opens: static head => head.Length >= 4 && char.IsAsciiLetter(head[0]) && char.IsAsciiLetter(head[1]) && char.IsAsciiDigit(head[2]) && char.IsAsciiDigit(head[3]),
            accept: static window =>
            {
                var printed = window.Count == 1 || (window.Take(window.Count - 1).All(g => g.Length == 4) && window[^1].Length <= 4);
                var iban = string.Concat(window);
                return printed && iban.Length >= 15 && PassesMod97(iban);
            });

    /// <summary>
    /// Every run of whole groups (a group is what lies between separators in a sequence the pattern finds) that begins
    /// with a group <paramref name="opens"/> takes, holds at most <paramref name="maxLength"/> characters and that
    /// <paramref name="accept"/> takes; runs may overlap.
    /// </summary>
    private static IEnumerable<(int Start, int Length)> Windows(
        string text, Regex sequences, Func<char, bool> isSeparator, int maxLength, Func<string, bool> opens, Func<IReadOnlyList<string>, bool> accept)
    {
        foreach (Match sequence in sequences.Matches(text))
        {
            var groups = Groups(sequence, isSeparator);
            for (var first = 0; first < groups.Count; first++)
            {
                if (groups[first].Length > maxLength || !opens(text.Substring(groups[first].Start, groups[first].Length)))
                {
                    continue;
                }

                var window = new List<string>();
                var length = 0;
                for (var last = first; last < groups.Count && length + groups[last].Length <= maxLength; last++)
                {
                    window.Add(text.Substring(groups[last].Start, groups[last].Length));
                    length += groups[last].Length;
                    if (accept(window))
                    {
                        yield return (groups[first].Start, groups[last].Start + groups[last].Length - groups[first].Start);
                    }
                }
            }
        }
    }

    private static List<(int Start, int Length)> Groups(Match sequence, Func<char, bool> isSeparator)
    {
        var groups = new List<(int Start, int Length)>();
        var start = sequence.Index;
        for (var i = sequence.Index; i <= sequence.Index + sequence.Length; i++)
        {
            if (i == sequence.Index + sequence.Length || isSeparator(sequence.Value[i - sequence.Index]))
            {
                groups.Add((start, i - start));
                start = i + 1;
            }
        }

        return groups;
    }

    private static int DigitCount(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }

        return count;
    }

    internal static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616: the first four characters moved to the end, letters as 10 to 35, the number mod 97 is 1.</summary>
    internal static bool PassesMod97(string iban)
    {
        var rearranged = string.Concat(iban.AsSpan(4), iban.AsSpan(0, 4)).ToUpperInvariant();
        var remainder = 0;
        foreach (var c in rearranged)
        {
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    // A local part, '@', one or more domain labels and a top-level domain of letters.
    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex EmailPattern();

    // US SSN or ITIN: 3-2-4 digits with one separator (dash or space) used twice; never-issued blocks (000, 666, 00, 0000) are not numbers.
    [GeneratedRegex(@"(?<![0-9-])(?!000|666)[0-9]{3}([- ])(?!00)[0-9]{2}\1(?!0000)[0-9]{4}(?![0-9-])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex SocialSecurityPattern();

    // UK National Insurance number: two prefix letters (HMRC's allowed letters, never the unallocated pairs), six digits, A to D.
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeoutMilliseconds)]
    private static partial Regex NationalInsurancePattern();

    // Spanish DNI (8 digits) or NIE (X, Y or Z and 7 digits) and a check letter; the letter is checked in code.
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<number>[XYZxyz][0-9]{7}|[0-9]{8})-?(?<letter>[A-Za-z])(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex SpanishIdentityPattern();

    // 8 to 17 digits standing alone: not glued to letters, digits, '_' or '-', nor joined to them by '.', '/', ':' or ','
    // (decimals, versions, paths and references such as run:12345678 are tokens of their own).
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<![A-Za-z0-9][./:,])[0-9]{8,17}(?![A-Za-z0-9_-])(?![./:,][A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex StandaloneDigitsPattern();

    // "acct", "account", "account no/nr/number/id", then the number (4 digits or more, spaces or dashes allowed) up to the end of a token.
    [GeneratedRegex(@"\b(?:acct|account)(?:[ _-]?(?:number|num|no|nr|id))?\.?[ \t]*[:#=]?[ \t]*(?<value>[0-9](?:[ -]?[0-9]){3,33})(?![A-Za-z0-9]|[-./:,][A-Za-z0-9])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeoutMilliseconds)]
    private static partial Regex LabelledAccountPattern();

    // Digit groups separated by one space or dash, standing alone as the 8-to-17-digit runs do: a date or a time is
    // not cut into groups.
    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?<![A-Za-z0-9][./:,])[0-9]+(?:[ -][0-9]+)*(?![A-Za-z0-9_])(?![-./:,][A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex DigitGroupsPattern();

    // Where an IBAN could begin: two letters and two digits at the start of a token.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex IbanHeadPattern();

    // Letter-and-digit groups separated by one space.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z0-9]+(?: [A-Za-z0-9]+)*(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex WordGroupsPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[0-9A-Fa-f]{32,}(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex LongHexPattern();

    [GeneratedRegex(@"(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex GuidPattern();
}
