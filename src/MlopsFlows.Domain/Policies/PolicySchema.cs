using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MlopsFlows.Domain.Policies;

/// <summary>
/// Validates a policy document against policies/policy.schema.json (embedded) and words each failure for a person,
/// reading the failing keyword's own value (allowed keys, enum values, bounds) from the schema.
/// </summary>
internal static class PolicySchema
{
    public const string ResourceName = "MlopsFlows.Domain.Policies.policy.schema.json";

    private static readonly Lazy<(JsonSchema Schema, JsonObject Document)> Loaded = new(Load);

    public static void Validate(PolicySource source)
    {
        var (schema, document) = Loaded.Value;
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(source.Root), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        foreach (var detail in (results.Details ?? []).Prepend(results))
        {
            if (detail.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            var evaluation = PolicySource.Segments(detail.EvaluationPath.ToString()).ToList();
            if (evaluation.Contains("if"))
            {
                // A failed `if` only chooses whether `then` applies; it is not an error of the file.
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            var fromThen = evaluation.Count > 0 && evaluation[^1] == "then";
            foreach (var (keyword, message) in errors)
            {
                Report(source, document, pointer, keyword, message, fromThen);
            }
        }
    }

    private static void Report(PolicySource source, JsonObject document, string pointer, string keyword, string message, bool fromThen)
    {
        var path = source.PathOf(pointer);
        var node = source.NodeAt(pointer);
        var layers = SchemaAt(document, pointer);
        switch (keyword)
        {
            case "":
                // additionalProperties: false fails on the unknown key itself.
                var parent = pointer[..pointer.LastIndexOf('/')];
                var known = (Keyword(SchemaAt(document, parent), "properties") as JsonObject)?.Select(p => p.Key).ToList() ?? [];
                source.Error(pointer, $"{path} is not a known key{Suggestion(PolicySource.Segments(pointer).Last(), known)}", atKey: true);
                break;
            case "required":
                var schema = fromThen ? Keyword(layers, "then") as JsonObject : null;
                var required = (schema?["required"] ?? Keyword(layers, "required")) as JsonArray ?? [];
                var present = node as JsonObject;
                var missing = required.Select(r => r!.GetValue<string>()).Where(r => present?.ContainsKey(r) != true).ToList();
                var condition = fromThen ? Condition(Keyword(layers, "if") as JsonObject) : string.Empty;
                source.Error(pointer, missing.Count == 0 ? $"{path}: {message}" : $"{path} is missing {List(missing.Select(m => $"'{m}'"), "and")}{condition}", atKey: true);
                break;
            case "type":
                var types = Keyword(layers, "type") switch
                {
                    JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
                    JsonNode one => [one.GetValue<string>()],
                    null => [],
                };
                var quote = types.Contains("string") && node is JsonValue { } value && value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    ? "; quote it to keep it as text"
                    : string.Empty;
                source.Error(pointer, $"{path} must be {List(types.Select(TypeName), "or")} (found {Describe(node)}){quote}");
                break;
            case "enum":
                var allowed = (Keyword(layers, "enum") as JsonArray ?? []).Select(v => v!.ToJsonString().Trim('"'));
                source.Error(pointer, $"{path} must be one of {string.Join(", ", allowed)} (found {Describe(node)})");
                break;
            case "pattern":
                var pattern = Keyword(layers, "pattern")?.GetValue<string>();
                string? PatternOf(string definition) => document["$defs"]?[definition]?["pattern"]?.GetValue<string>();
                var shape = pattern switch
                {
                    _ when pattern == PatternOf("duration") => "a duration: a whole number from 1 to 9999 and a unit s, m, h, d or y, e.g. 30s, 10m, 2h, 7d, 7y",
                    _ when pattern == PatternOf("ruleName") => "a rule name: lower-case letters, digits or '-', starting with a letter",
                    _ when pattern == PatternOf("payloadPath") => "a dot path into a record's data, e.g. data.tags",
                    _ when pattern == PatternOf("payloadKey") => "a key, or a prefix of keys ending in *, e.g. model_card.*",
                    _ when pointer == "/id" => "lower-case letters, digits, '.', '_' or '-'",
                    _ => $"text matching {pattern}",
                };
                source.Error(pointer, $"{path} must be {shape} (found {Describe(node)})");
                break;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                var bound = Keyword(layers, keyword)?.ToJsonString();
                var relation = keyword switch
                {
                    "minimum" => "at least",
                    "maximum" => "at most",
                    "exclusiveMinimum" => "greater than",
                    _ => "less than",
                };
                source.Error(pointer, $"{path} must be {relation} {bound} (found {Describe(node)}){BoundHint(pointer, layers, keyword)}");
                break;
            case "minItems":
                var least = Keyword(layers, "minItems")?.ToJsonString();
                source.Error(pointer, least == "1" ? $"{path} must not be empty" : $"{path} must list at least {least} items");
                break;
            case "uniqueItems":
                var twice = (node as JsonArray ?? []).GroupBy(n => n?.ToJsonString()).FirstOrDefault(g => g.Count() > 1)?.Key;
                source.Error(pointer, $"{path} must not list {twice ?? "a value"} twice");
                break;
            case "minLength":
                source.Error(pointer, $"{path} must not be empty");
                break;
            default:
                source.Error(pointer, $"{path}: {message}");
                break;
        }
    }

    private static (JsonSchema, JsonObject) Load()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The policy schema resource '{ResourceName}' is missing from {typeof(PolicySchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();

        // A registry of its own: the schema never leaks into (or clashes with) the library's global one.
        var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        return (schema, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>The schema objects that apply at an instance location: the subschema and what its <c>$ref</c>s point to.</summary>
    private static List<JsonObject> SchemaAt(JsonObject document, string pointer)
    {
        var layers = Layers(document, document);
        foreach (var segment in PolicySource.Segments(pointer))
        {
            JsonNode? next = null;
            foreach (var layer in layers)
            {
                if (layer["properties"] is JsonObject properties && properties[segment] is { } property)
                {
                    next = property;
                    break;
                }

                if (layer["items"] is JsonObject items && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    next = items;
                    break;
                }
            }

            layers = Layers(document, next);
        }

        return layers;
    }

    private static List<JsonObject> Layers(JsonObject document, JsonNode? node)
    {
        var layers = new List<JsonObject>();
        while (node is JsonObject schema && !layers.Contains(schema))
        {
            layers.Add(schema);
            node = schema["$ref"]?.GetValue<string>() is ['#', .. var reference] ? At(document, reference) : null;
        }

        return layers;
    }

    private static JsonNode? At(JsonObject document, string pointer) =>
        PolicySource.Segments(pointer).Aggregate((JsonNode?)document, (node, segment) => node?[segment]);

    private static JsonNode? Keyword(List<JsonObject> layers, string keyword) =>
        layers.Select(l => l[keyword]).FirstOrDefault(v => v is not null);

    private static string Condition(JsonObject? condition)
    {
        var terms = (condition?["properties"] as JsonObject ?? [])
            .Where(p => p.Value?["const"] is not null)
            .Select(p => $"{p.Key} is {p.Value!["const"]!.ToJsonString().Trim('"')}")
            .ToList();
        return terms.Count == 0 ? string.Empty : $" (required when {List(terms, "and")})";
    }

    private static string BoundHint(string pointer, List<JsonObject> layers, string keyword)
    {
        if (keyword == "maximum" && pointer.Contains("/deployment/steps/", StringComparison.Ordinal))
        {
            return ": promotion takes the last step to 100";
        }

        var isRate = Keyword(layers, "minimum")?.ToJsonString() == "0" && Keyword(layers, "maximum")?.ToJsonString() == "1";
        return keyword == "maximum" && isRate ? ": a rate is written from 0 to 1 (5 % is 0.05)" : string.Empty;
    }

    private static string Suggestion(string name, List<string> known)
    {
        var closest = known
            .Select(k => (Key: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        if (closest.Key is not null && closest.Distance <= Math.Max(2, name.Length / 3))
        {
            return $" (did you mean '{closest.Key}'?)";
        }

        return known.Count == 0 ? string.Empty : $" (known keys here: {string.Join(", ", known)})";
    }

    /// <summary>Levenshtein distance, for "did you mean" on a mistyped key.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static string TypeName(string type) => type switch
    {
        "object" => "a mapping of keys",
        "array" => "a list",
        "string" => "text",
        "number" => "a number",
        "integer" => "a whole number",
        "boolean" => "true or false",
        "null" => "null",
        _ => type,
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => $"'{value.GetValue<string>()}'",
        _ => node.ToJsonString(),
    };

    private static string List(IEnumerable<string> items, string conjunction)
    {
        var all = items.ToList();
        return all.Count <= 1 ? string.Concat(all) : $"{string.Join(", ", all[..^1])} {conjunction} {all[^1]}";
    }
}
