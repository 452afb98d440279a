using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MlopsFlows.Domain.Policies;

/// <summary>
/// A policy file read from YAML into JSON (what the schema validates), with the YAML line and column of every key and
/// value kept by JSON pointer so that any error found on the JSON can be reported where the author wrote it.
/// </summary>
internal sealed partial class PolicySource
{
    private readonly Dictionary<string, Location> locations = new(StringComparer.Ordinal);
    private readonly List<PolicyError> errors = [];

    private PolicySource(string fileName) => FileName = fileName;

    public string FileName { get; }

    /// <summary>The document as JSON; null when the YAML could not be read.</summary>
    public JsonNode? Root { get; private set; }

    public IReadOnlyList<PolicyError> Errors => errors;

    public static PolicySource Read(string fileName, string text)
    {
        var source = new PolicySource(fileName);
        var scanner = new Scanner(new StringReader(text));
        var parser = new FlowTrackingParser(new Parser(scanner));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e) when (e.Message.StartsWith("Duplicate key", StringComparison.Ordinal))
        {
            source.Add(PositionOf(e.Start), $"duplicate key '{KeyText(text, e)}': a key may appear only once in a mapping");
            return source;
        }
        catch (AnchorNotFoundException e)
        {
            // YamlDotNet marks this error at the start of the file; the alias itself is where the author must look.
            var anchor = QuotedName().Match(e.Message).Groups[1].Value;
            var alias = text.IndexOf("*" + anchor, StringComparison.Ordinal);
            source.Add(alias < 0 ? PositionOf(e.Start) : PositionAt(text, alias), $"YAML syntax error: the alias *{anchor} refers to no anchor &{anchor}");
            return source;
        }
        catch (YamlException e)
        {
            source.Add(PositionOf(e.Start), $"YAML syntax error: {Sentence(e.Message)}");
            return source;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way at the end of a file with an unclosed flow collection; point at its opening.
            var (at, bracket) = parser.InnermostOpenFlow is { } open ? (open, "an unclosed '[' or '{' opened here") : (PositionOf(scanner.CurrentPosition), "unexpected end of file");
            source.Add(at, $"YAML syntax error: {bracket}");
            return source;
        }

        switch (stream.Documents.Count)
        {
            case 0:
                source.Add(new Position(1, 1), "the file is empty: a policy file needs id, version, tierTag, defaultTier, allowRequestedTier and tiers");
                return source;
            case > 1:
                source.Add(PositionOf(stream.Documents[1].RootNode.Start), "a policy file holds one YAML document: remove the second one (after '---')");
                return source;
        }

        var root = stream.Documents[0].RootNode;
        var start = PositionOf(root.Start);
        source.Root = source.Convert(root, string.Empty, string.Empty, start);
        return source;
    }

    /// <summary>How a JSON pointer reads to a person: <c>tiers.high.approval.rules[1].role</c>; the root is "the file".</summary>
    public string PathOf(string pointer) =>
        locations.TryGetValue(pointer, out var location) ? location.Path : Display(pointer);

    /// <summary>The node at a JSON pointer, or null.</summary>
    public JsonNode? NodeAt(string pointer)
    {
        var node = Root;
        foreach (var segment in Segments(pointer))
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }

        return node;
    }

    /// <summary>Reports an error at a key (where the author looks for a missing or unknown key) or at its value.</summary>
    public void Error(string pointer, string reason, bool atKey = false)
    {
        var location = Locate(pointer);
        errors.Add(new PolicyError(FileName, atKey ? location.Key.Line : location.Value.Line, atKey ? location.Key.Column : location.Value.Column, reason));
    }

    public PolicyError ErrorAt(string pointer, string reason)
    {
        var at = Locate(pointer).Key;
        return new PolicyError(FileName, at.Line, at.Column, reason);
    }

    public static string Pointer(string parent, string segment) =>
        parent + "/" + segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static IEnumerable<string> Segments(string pointer) =>
        pointer.Length == 0
            ? []
            : pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    private Location Locate(string pointer)
    {
        // The nearest located ancestor; every node read from the YAML is located, so this only matters for pointers made up by callers.
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (locations.TryGetValue(p, out var location))
            {
                return location;
            }

            if (p.Length == 0)
            {
                return new Location(new Position(1, 1), new Position(1, 1), "the file");
            }
        }
    }

    private JsonNode? Convert(YamlNode node, string pointer, string path, Position key)
    {
        locations[pointer] = new Location(key, PositionOf(node.Start), path.Length == 0 ? "the file" : path);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: var name })
                    {
                        Add(PositionOf(keyNode.Start), $"{Display(pointer)}: keys must be plain names, not lists or mappings");
                        continue;
                    }

                    name ??= string.Empty;
                    var childPath = path.Length == 0 ? name : path + "." + name;
                    obj[name] = Convert(valueNode, Pointer(pointer, name), childPath, PositionOf(keyNode.Start));
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    var item = sequence.Children[i];
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    array.Add(Convert(item, Pointer(pointer, index), $"{path}[{index}]", PositionOf(item.Start)));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                Add(PositionOf(node.Start), $"{Display(pointer)}: unsupported YAML node");
                return null;
        }
    }

    /// <summary>YAML 1.2 core schema: plain null, booleans and numbers become JSON values; quoted scalars and the rest text.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && (scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific);
        if (!plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }

        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private void Add(Position at, string reason) => errors.Add(new PolicyError(FileName, at.Line, at.Column, reason));

    private static string Display(string pointer) =>
        pointer.Length == 0 ? "the file" : string.Join('.', Segments(pointer));

    private static Position PositionOf(Mark mark) => new(checked((int)mark.Line), checked((int)mark.Column));

    private static Position PositionAt(string text, int index) =>
        new(text.AsSpan(0, index).Count('\n') + 1, index - text.LastIndexOf('\n', Math.Max(0, index - 1)));

    private static string KeyText(string text, YamlException e)
    {
        var (start, end) = (checked((int)e.Start.Index), checked((int)e.End.Index));
        return start >= 0 && end > start && end <= text.Length ? text[start..end].Trim() : e.Message["Duplicate key".Length..].Trim();
    }

    /// <summary>YamlDotNet's messages as a clause: "While scanning …, found …." → "while scanning …, found …".</summary>
    private static string Sentence(string message)
    {
        var trimmed = message.Trim().TrimEnd('.');
        return trimmed.Length == 0 ? "unreadable YAML" : char.ToLowerInvariant(trimmed[0]) + trimmed[1..];
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedName();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private readonly record struct Position(int Line, int Column);

    private sealed record Location(Position Key, Position Value, string Path);

    /// <summary>Passes events through, remembering where unclosed flow collections (<c>[</c>, <c>{</c>) began.</summary>
    private sealed class FlowTrackingParser(IParser inner) : IParser
    {
        private readonly Stack<(bool Flow, Position At)> open = new();

        public ParsingEvent? Current => inner.Current;

        public Position? InnermostOpenFlow => open.Where(o => o.Flow).Select(o => (Position?)o.At).FirstOrDefault();

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            switch (inner.Current)
            {
                case SequenceStart start:
                    open.Push((start.Style == SequenceStyle.Flow, PositionOf(start.Start)));
                    break;
                case MappingStart start:
                    open.Push((start.Style == MappingStyle.Flow, PositionOf(start.Start)));
                    break;
                case SequenceEnd or MappingEnd when open.Count > 0:
                    open.Pop();
                    break;
            }

            return moved;
        }
    }
}
