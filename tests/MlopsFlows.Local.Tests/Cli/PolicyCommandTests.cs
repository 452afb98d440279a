using MlopsFlows.Testing;

namespace MlopsFlows.Local.Tests.Cli;

/// <summary><c>mlopsflows policy check</c> as CI would run it on a pull request that edits a policy.</summary>
public sealed class PolicyCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mlopsflows-policies-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Check_ShippedPolicies_ExitsZeroNamingTheSetAndItsHash()
    {
        await using var check = HostProcess.Start("policy", "check", Path.Combine(TestPaths.RepositoryRoot, "policies"));

        Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"default v{PolicySamples.Default.Version}  sha256 {PolicySamples.Default.ContentHash}", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_StepsThatDoNotRise_ExitsOneNamingFileLineAndReason()
    {
        var text = PolicySamples.DefaultText.Replace("steps: [5, 25, 50]", "steps: [5, 50, 50]", StringComparison.Ordinal);
        Assert.NotEqual(PolicySamples.DefaultText, text);
        var file = Path.Combine(folder, "default.yaml");
        await File.WriteAllTextAsync(file, text);
        var line = text[..text.IndexOf("steps: [5, 50, 50]", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        await using var check = HostProcess.Start("policy", "check", folder);

        Assert.Equal(1, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"default.yaml:{line}:", check.Output, StringComparison.Ordinal);
        Assert.Contains("must rise", check.Output, StringComparison.Ordinal);
    }
}
