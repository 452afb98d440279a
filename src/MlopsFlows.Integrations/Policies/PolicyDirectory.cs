using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Integrations.Policies;

/// <summary>The policy sets of one folder, by id, or every error of every file in it (never a part of the folder).</summary>
public sealed record PolicyDirectoryResult(IReadOnlyDictionary<string, PolicySet> Sets, IReadOnlyList<PolicyError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Reads every <c>*.yaml</c> and <c>*.yml</c> file of a folder (not its subfolders) as one policy set.</summary>
public static class PolicyDirectory
{
    public static PolicyDirectoryResult Load(string folder)
    {
        // Extensions compared here, not in the search pattern: on Windows "*.yml" would also match "x.ymlx".
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Path.GetExtension(f).ToUpperInvariant() is ".YAML" or ".YML")
            .Order(StringComparer.Ordinal);

        var sets = new Dictionary<string, PolicySet>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, PolicyError>(StringComparer.Ordinal);
        var errors = new List<PolicyError>();
        foreach (var file in files)
        {
            var result = PolicyLoader.Parse(file, File.ReadAllText(file));
            if (!result.IsValid)
            {
                errors.AddRange(result.Errors);
                continue;
            }

            var id = result.PolicySet.Id;
            if (firstSeen.TryGetValue(id, out var first))
            {
                // A release names its set by id; two files with one id would make that name ambiguous.
                errors.Add(result.ErrorAt("/id", $"policy set id '{id}' is already used by {first.File}:{first.Line}:{first.Column}"));
                continue;
            }

            firstSeen[id] = result.ErrorAt("/id", string.Empty);
            sets[id] = result.PolicySet;
        }

        return errors.Count == 0
            ? new PolicyDirectoryResult(sets, [])
            : new PolicyDirectoryResult(new Dictionary<string, PolicySet>(), errors);
    }
}
