using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlopsFlows.Domain.Evidence;

/// <summary>What was removed from a record: where (e.g. <c>summary</c>, <c>data.vote.rationale</c>, <c>data.evidenceRefs[2]</c>) and by which rule; never the value.</summary>
public sealed record Redaction(string Field, string Rule);

/// <summary>
/// Removes personal data from an evidence record before it is written, as a policy's <see cref="RedactionSettings"/> say.
/// The summary and every string in the data go through the rules; a match becomes <c>[redacted:rule]</c>. Identity
/// values (the actor and the identity fields) and reference values are kept, also inside other text, because the audit must
/// say who decided; payload maps keep only allowed keys. Hashes and GUIDs are never touched; numbers, booleans and
/// property names are not text and pass as they are. Pure and deterministic: it runs inside orchestrations.
/// </summary>
public sealed class EvidenceRedactor
{
    private static readonly SearchValues<char> CanMatchBuiltIn = SearchValues.Create("0123456789@");

    private readonly RedactionSettings settings;
    private readonly RedactionRule[] builtIn;
    private readonly RedactionRule[] custom;
    private readonly HashSet<string> keptFields;
    private readonly HashSet<string> payloadPaths;
    private readonly Dictionary<string, int> precedence = new(StringComparer.Ordinal);

    public EvidenceRedactor(RedactionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        builtIn = [.. settings.Rules.Distinct(StringComparer.Ordinal).Select(RedactionRules.BuiltIn)];
        custom = [.. settings.Custom.Select(RedactionRules.Custom)];
        keptFields = new HashSet<string>(settings.IdentityFields.Concat(settings.ReferenceFields), StringComparer.OrdinalIgnoreCase);
        payloadPaths = new HashSet<string>(settings.PayloadFields.Paths, StringComparer.Ordinal);
        foreach (var rule in builtIn.Concat(custom))
        {
            precedence.TryAdd(rule.Name, precedence.Count);
        }
    }

    /// <summary>The placeholder a match is replaced with.</summary>
    public static string Placeholder(string rule) => $"[redacted:{rule}]";

    /// <summary>
    /// The record with personal data removed and <see cref="EvidenceRecord.Redactions"/> saying what was removed (added to
    /// any it already names, so redacting twice changes nothing). A record with nothing to remove keeps its data as it was.
    /// </summary>
    public EvidenceRecord Redact(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pass = new Pass(this, KeptValues(record));
        var summary = pass.Text(record.Summary, "summary");
        var data = record.Data;
        if (data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                pass.Element(writer, data, "data");
            }

            if (pass.Redactions.Count > 0)
            {
                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                data = document.RootElement.Clone();
            }
        }

        return record with
        {
            Summary = summary,
            Data = data,
            Redactions = [.. record.Redactions, .. pass.Redactions.Where(r => !record.Redactions.Contains(r))],
        };
    }

    /// <summary>
    /// Every match of every configured rule in a text, built-in rules first, hashes and GUIDs excepted; identity values are
    /// not excepted here (they belong to a record, not to a text). Ordered by position.
    /// </summary>
    /// <exception cref="RegexMatchTimeoutException">A rule ran out of time on this text.</exception>
    public IReadOnlyList<RedactionMatch> FindMatches(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Scan(text, failClosed: false).Matches;
    }

    /// <param name="failClosed">When a rule runs out of time, stop and name it instead of throwing.</param>
    private (IReadOnlyList<RedactionMatch> Matches, string? TimedOut) Scan(string text, bool failClosed)
    {
        var matches = new List<RedactionMatch>();

        // Every built-in rule needs a digit or an '@'; most evidence text (names, reasons, enums) has neither.
        var rules = text.AsSpan().IndexOfAny(CanMatchBuiltIn) < 0 ? custom : builtIn.Concat(custom);
        foreach (var rule in rules)
        {
            try
            {
                matches.AddRange(rule.Find(text).Select(span => new RedactionMatch(rule.Name, span.Start, span.Length)));
            }
            catch (RegexMatchTimeoutException) when (failClosed)
            {
                return ([], rule.Name);
            }
        }

        if (matches.Count == 0)
        {
            return (matches, null);
        }

        var untouchable = RedactionRules.Untouchable(text).ToList();
        return ([.. matches.Where(m => !untouchable.Any(u => u.Start < m.End && m.Start < u.Start + u.Length)).OrderBy(m => m.Start)], null);
    }

    /// <summary>The actor and every string under an identity or reference field: kept verbatim, and kept inside other text.</summary>
    private List<string> KeptValues(EvidenceRecord record)
    {
        var values = new HashSet<string>(StringComparer.Ordinal) { record.Actor };
        if (record.Data.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            CollectKept(record.Data, kept: false, values);
        }

        values.RemoveWhere(string.IsNullOrWhiteSpace);
        return [.. values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
    }

    private void CollectKept(JsonElement element, bool kept, HashSet<string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CollectKept(property.Value, kept || keptFields.Contains(property.Name), values);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectKept(item, kept, values);
                }

                break;
            case JsonValueKind.String when kept:
                values.Add(element.GetString()!);
                break;
        }
    }

    /// <summary>One record's redaction: the values it keeps and what it removed so far, in the order met.</summary>
    private sealed class Pass(EvidenceRedactor redactor, List<string> keptValues)
    {
        private readonly HashSet<Redaction> seen = [];

        public List<Redaction> Redactions { get; } = [];

        public void Element(Utf8JsonWriter writer, JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var payload = redactor.payloadPaths.Contains(path);
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        var field = path + "." + property.Name;
                        if (payload && !redactor.settings.PayloadFields.Allows(property.Name))
                        {
                            Add(field, RedactionRuleNames.PayloadAllowList);
                            continue;
                        }

                        writer.WritePropertyName(property.Name);
                        if (redactor.keptFields.Contains(property.Name))
                        {
                            property.Value.WriteTo(writer);
                        }
                        else
                        {
                            Element(writer, property.Value, field);
                        }
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Element(writer, item, $"{path}[{index++}]");
                    }

                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String:
                    writer.WriteStringValue(Text(element.GetString()!, path));
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }

        public string Text(string text, string field)
        {
            var (matches, timedOut) = redactor.Scan(text, failClosed: true);
            if (timedOut is not null)
            {
                // Fail closed: text a rule cannot finish reading is removed whole rather than written unread.
                Add(field, timedOut);
                return Placeholder(timedOut);
            }

            var removed = Merge(matches.Where(m => !IsKept(text, m)));
            if (removed.Count == 0)
            {
                return text;
            }

            var result = new StringBuilder(text.Length);
            var at = 0;
            foreach (var match in removed)
            {
                result.Append(text, at, match.Start - at).Append(Placeholder(match.Rule));
                at = match.End;
                Add(field, match.Rule);
            }

            return result.Append(text, at, text.Length - at).ToString();
        }

        /// <summary>A match that lies wholly inside an occurrence of a kept value (e.g. the approver's UPN in the summary).</summary>
        private bool IsKept(string text, RedactionMatch match)
        {
            foreach (var value in keptValues)
            {
                if (value.Length < match.Length)
                {
                    break;
                }

                var from = Math.Max(0, match.End - value.Length);
                var found = text.IndexOf(value, from, StringComparison.Ordinal);
                if (found >= 0 && found <= match.Start)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Overlapping matches become one removal, named after the rule that takes precedence (the first configured).</summary>
        private List<RedactionMatch> Merge(IEnumerable<RedactionMatch> matches)
        {
            var merged = new List<RedactionMatch>();
            foreach (var match in matches.OrderBy(m => m.Start).ThenByDescending(m => m.Length))
            {
                if (merged.Count > 0 && match.Start < merged[^1].End)
                {
                    var last = merged[^1];
                    var rule = redactor.precedence[match.Rule] < redactor.precedence[last.Rule] ? match.Rule : last.Rule;
                    merged[^1] = new RedactionMatch(rule, last.Start, Math.Max(last.End, match.End) - last.Start);
                }
                else
                {
                    merged.Add(match);
                }
            }

            return merged;
        }

        private void Add(string field, string rule)
        {
            var redaction = new Redaction(field, rule);
            if (seen.Add(redaction))
            {
                Redactions.Add(redaction);
            }
        }
    }
}
