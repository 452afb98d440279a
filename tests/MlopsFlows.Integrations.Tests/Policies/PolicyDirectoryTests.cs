using MlopsFlows.Integrations.Policies;
using MlopsFlows.Testing;

namespace MlopsFlows.Integrations.Tests.Policies;

public sealed class PolicyDirectoryTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("policies-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Load_TwoFilesWithDistinctIds_ReturnsBothSetsById()
    {
        Write("default.yaml", PolicySamples.DefaultText);
        Write("strict.yml", PolicySamples.DefaultText.Replace("id: default", "id: strict", StringComparison.Ordinal));
        Write("notes.txt", "not a policy");

        var result = PolicyDirectory.Load(folder);

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.Equal(["default", "strict"], result.Sets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("strict", result.Sets["strict"].ForTier("high").Id);
        Assert.NotEqual(result.Sets["default"].ContentHash, result.Sets["strict"].ContentHash);
    }

    [Fact]
    public void Load_TwoFilesWithOneId_ReportsTheSecondAtItsIdLine()
    {
        Write("a.yaml", PolicySamples.DefaultText);
        Write("b.yaml", PolicySamples.DefaultText.Replace("version: \"2026.11.1\"", "version: \"2026.11.2\"", StringComparison.Ordinal));
        var idLine = PolicySamples.DefaultText.Split('\n').ToList().IndexOf("id: default") + 1;

        var result = PolicyDirectory.Load(folder);

        Assert.False(result.IsValid);
        Assert.Empty(result.Sets);
        var error = Assert.Single(result.Errors);
        Assert.Equal(Path.Combine(folder, "b.yaml"), error.File);
        Assert.Equal((idLine, 1), (error.Line, error.Column));
        Assert.Equal($"policy set id 'default' is already used by {Path.Combine(folder, "a.yaml")}:{idLine}:1", error.Reason);
    }

    [Fact]
    public void Load_OneBadFile_ReportsItsErrorsAndNoSets()
    {
        Write("default.yaml", PolicySamples.DefaultText);
        Write("broken.yaml", PolicySamples.DefaultText.Replace("mode: canary", "mode: canery", StringComparison.Ordinal));

        var result = PolicyDirectory.Load(folder);

        Assert.Empty(result.Sets);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.Equal(Path.Combine(folder, "broken.yaml"), e.File));
        Assert.All(result.Errors, e => Assert.Contains("deployment.mode must be one of canary, shadow, blueGreen (found 'canery')", e.Reason, StringComparison.Ordinal));
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(folder, name), text);
}
