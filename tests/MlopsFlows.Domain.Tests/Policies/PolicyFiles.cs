using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Policies;

/// <summary>The shipped policy file (copied next to the tests) and edits of it that break one rule each.</summary>
internal static class PolicyFiles
{
    public const string FileName = "policies/default.yaml";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "policies", "default.yaml");

    public static string DefaultText => File.ReadAllText(DefaultPath);

    public static PolicySet Default()
    {
        var result = PolicyLoader.Parse(FileName, DefaultText);
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.PolicySet;
    }

    /// <summary>Replaces the first <paramref name="find"/> at or after the line that opens <paramref name="tier"/>.</summary>
    public static string EditTier(string text, string tier, string find, string replace)
    {
        var start = text.IndexOf($"\n  {tier}:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no tier {tier}");
        var at = text.IndexOf(find, start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in tier {tier}");
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    /// <summary>1-based line and column of the <paramref name="occurrence"/>-th <paramref name="find"/> in <paramref name="text"/>.</summary>
    public static (int Line, int Column) Find(string text, string find, int occurrence = 1, int from = 0)
    {
        var at = from - 1;
        for (var i = 0; i < occurrence; i++)
        {
            at = text.IndexOf(find, at + 1, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{find}' not found");
        }

        var lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        return (text[..at].Count(c => c == '\n') + 1, at - lineStart + 1);
    }

    /// <summary>Line and column of <paramref name="find"/> in the given tier (as <see cref="EditTier"/> finds it).</summary>
    public static (int Line, int Column) FindInTier(string text, string tier, string find) =>
        Find(text, find, from: text.IndexOf($"\n  {tier}:\n", StringComparison.Ordinal));
}
