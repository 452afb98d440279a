using MlopsFlows.Integrations.Policies;

namespace MlopsFlows.Local.Cli;

/// <summary>
/// <c>mlopsflows policy check [folder]</c>: validates policy files the way the hosts do at start-up, so a pull request
/// that edits a policy can be checked in CI. Prints each set's id, version, content hash and tiers, or every error as
/// <c>file:line:column: reason</c>.
/// </summary>
internal static class PolicyCommand
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2 || args[0] != "check")
        {
            Console.Error.WriteLine("Usage: mlopsflows policy check [folder]   (default: the policies folder beside the app)");
            return 2;
        }

        var folder = args.Length == 2 ? Path.GetFullPath(args[1]) : Path.Combine(AppContext.BaseDirectory, new PolicyOptions().Path);
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"No folder {folder}.");
            return 2;
        }

        var loaded = PolicyDirectory.Load(folder);
        foreach (var error in loaded.Errors)
        {
            Console.Error.WriteLine(error);
        }

        foreach (var set in loaded.Sets.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            Console.WriteLine($"{set.Id} v{set.Version}  sha256 {set.ContentHash}  tiers {string.Join(", ", set.Tiers.Keys)}  (tier tag '{set.TierTag}', default {set.DefaultTier})");
        }

        Console.WriteLine(loaded.IsValid ? $"{loaded.Sets.Count} policy set(s) valid in {folder}" : $"{loaded.Errors.Count} error(s) in {folder}");
        return loaded.IsValid ? 0 : 1;
    }
}
