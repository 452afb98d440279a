using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Testing;

/// <summary>The shipped policy file (policies/default.yaml), loaded once, for tests that need real policies.</summary>
public static class PolicySamples
{
    private static readonly Lazy<PolicySet> Loaded = new(Load);

    /// <summary>policies/default.yaml in the repository.</summary>
    public static string DefaultPath => Path.Combine(TestPaths.RepositoryRoot, "policies", "default.yaml");

    public static string DefaultText => File.ReadAllText(DefaultPath);

    /// <summary>The shipped default policy set; throws with every error if the file does not load.</summary>
    public static PolicySet Default => Loaded.Value;

    /// <summary>One tier of the shipped set: low, medium or high.</summary>
    public static ReleasePolicy Tier(string tier) => Default.ForTier(tier);

    private static PolicySet Load()
    {
        var result = PolicyLoader.Parse("policies/default.yaml", DefaultText);
        return result.IsValid
            ? result.PolicySet
            : throw new InvalidOperationException("The shipped policy file does not load:\n" + string.Join('\n', result.Errors));
    }
}
