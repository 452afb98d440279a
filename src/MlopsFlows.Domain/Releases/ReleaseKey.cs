using System.Globalization;
using System.Text.RegularExpressions;

namespace MlopsFlows.Domain.Releases;

/// <summary>
/// The business key of a release: one Unity Catalog model version going to one environment.
/// Every release's Durable instance id is derived from it, so the same request always lands on the same instance.
/// </summary>
public sealed partial record ReleaseKey(string Model, int Version, string Environment)
{
    public const string InstanceIdPrefix = "release:";

    /// <summary>The instance id of this release, e.g. <c>release:main.credit.scorer:12:prod</c>.</summary>
    public string InstanceId => $"{InstanceIdPrefix}{Model}:{Version}:{Environment}";

    /// <summary>Prefix shared by every release of this model in this environment's family of ids.</summary>
    public static string ModelPrefix(string model) => $"{InstanceIdPrefix}{model}:";

    /// <summary>Parses an instance id back into its key; false when the id is not a release id.</summary>
    public static bool TryParse(string? instanceId, out ReleaseKey key)
    {
        key = null!;
        if (instanceId is null || !instanceId.StartsWith(InstanceIdPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = instanceId[InstanceIdPrefix.Length..].Split(':');
        // Only the canonical spelling of the version ("12", not "012", "+12" or " 12"): one key, one instance id.
        if (parts.Length != 3 || !IsModelName(parts[0]) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var version) || version < 1
            || parts[1] != version.ToString(CultureInfo.InvariantCulture) || !IsEnvironment(parts[2]))
        {
            return false;
        }

        key = new ReleaseKey(parts[0], version, parts[2]);
        return true;
    }

    /// <summary>A Unity Catalog three-part name (catalog.schema.model), lower case as Unity Catalog stores it.</summary>
    public static bool IsModelName(string? value) => value is not null && ModelNamePattern().IsMatch(value);

    /// <summary>An environment name such as <c>prod</c>, <c>staging</c> or <c>dev-eu</c>.</summary>
    public static bool IsEnvironment(string? value) => value is not null && EnvironmentPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9_][a-z0-9_-]{0,127}\\.[a-z0-9_][a-z0-9_-]{0,127}\\.[a-z0-9_][a-z0-9_-]{0,127}$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex EnvironmentPattern();
}
