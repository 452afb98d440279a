using System.Text.Json;

namespace MlopsFlows.Functions.Tests.Support;

/// <summary>The Functions app as its build left it: the generated functions.metadata and the settings files beside it.</summary>
internal static class FunctionsApp
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static readonly Lazy<JsonElement> LazyMetadata = new(() => Read("functions.metadata"));
    private static readonly Lazy<JsonElement> LazyHostJson = new(() => Read("host.json"));
    private static readonly Lazy<JsonElement> LazyLocalSettings = new(() => Read("local.settings.sample.json"));

    /// <summary>The array of function definitions the Functions SDK generated at build time.</summary>
    public static JsonElement Metadata => LazyMetadata.Value;

    public static JsonElement HostJson => LazyHostJson.Value;

    public static JsonElement LocalSettings => LazyLocalSettings.Value;

    public static IReadOnlyList<JsonElement> Functions => [.. Metadata.EnumerateArray()];

    /// <summary>The one function of that name; fails the test when there is none or more than one.</summary>
    public static JsonElement Function(string name)
    {
        var matches = Functions.Where(f => f.GetProperty("name").GetString() == name).ToArray();
        Assert.True(matches.Length == 1, $"functions.metadata has {matches.Length} function(s) named '{name}'; functions: {string.Join(", ", Names)}.");
        return matches[0];
    }

    public static IEnumerable<string> Names => Functions.Select(f => f.GetProperty("name").GetString()!);

    public static IReadOnlyList<JsonElement> Bindings(JsonElement function) => [.. function.GetProperty("bindings").EnumerateArray()];

    /// <summary>The function's trigger: its one input binding whose type ends in "Trigger".</summary>
    public static JsonElement Trigger(JsonElement function) =>
        Assert.Single(Bindings(function), b => Direction(b) == "In" && Type(b).EndsWith("Trigger", StringComparison.Ordinal));

    public static string Type(JsonElement binding) => binding.GetProperty("type").GetString()!;

    public static string Direction(JsonElement binding) => binding.GetProperty("direction").GetString()!;

    /// <summary>A string at a path of property names, or null when any step is missing.</summary>
    public static string? StringAt(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static JsonElement Read(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        Assert.True(File.Exists(path), $"{fileName} is not in {AppContext.BaseDirectory}: the Functions app's build should generate or copy it there.");
        using var document = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        return document.RootElement.Clone();
    }
}
