using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>The instance id of the one monitor of a model in an environment: <c>monitor:&lt;model&gt;:&lt;environment&gt;</c>.</summary>
public static class MonitorIds
{
    public const string Prefix = "monitor:";

    /// <summary>e.g. <c>monitor:main.credit.scorer:prod</c>.</summary>
    /// <exception cref="ArgumentException">The model is not a Unity Catalog three-part name or the environment is not an environment name.</exception>
    public static string For(string model, string environment)
    {
        RequireKey(model, environment);
        return $"{Prefix}{model}:{environment}";
    }

    /// <summary>The prefix the monitors of a model share (one per environment), for listing them.</summary>
    public static string PrefixFor(string model) => $"{Prefix}{model}:";

    /// <summary>Reads a monitor id back into its model and environment; false for any other id.</summary>
    public static bool TryParse(string? instanceId, out string model, out string environment)
    {
        (model, environment) = (string.Empty, string.Empty);
        if (instanceId is null || !instanceId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = instanceId[Prefix.Length..].Split(':');
        if (parts.Length != 2 || !ReleaseKey.IsModelName(parts[0]) || !ReleaseKey.IsEnvironment(parts[1]))
        {
            return false;
        }

        (model, environment) = (parts[0], parts[1]);
        return true;
    }

    internal static void RequireKey(string model, string environment)
    {
        if (!ReleaseKey.IsModelName(model))
        {
            throw new ArgumentException($"'{model}' is not a Unity Catalog model name (catalog.schema.model, lower case).", nameof(model));
        }

        if (!ReleaseKey.IsEnvironment(environment))
        {
            throw new ArgumentException($"'{environment}' is not an environment name.", nameof(environment));
        }
    }
}

/// <summary>The business key of an incident, read back from its instance id.</summary>
public sealed record IncidentKey(string Model, string Environment, BreachKind Kind, DateTimeOffset DetectedAt);

/// <summary>
/// Incident instance ids: <c>incident:&lt;model&gt;:&lt;environment&gt;:&lt;kind&gt;:&lt;detected at&gt;</c>, e.g.
/// <c>incident:main.credit.scorer:prod:drift:20260314T091500123Z</c>. The detection time (to the millisecond, from the
/// monitor's deterministic clock) keeps every incident its own instance and evidence chain, and sorts them in time order.
/// </summary>
public static class IncidentIds
{
    public const string Prefix = "incident:";

    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    public static string For(string model, string environment, BreachKind kind, DateTimeOffset detectedAt)
    {
        MonitorIds.RequireKey(model, environment);
        return $"{PrefixFor(model, environment)}{BreachKinds.Slug(kind)}:{detectedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";
    }

    /// <summary>The prefix every incident of a model in an environment shares, for listing them.</summary>
    public static string PrefixFor(string model, string environment) => $"{Prefix}{model}:{environment}:";

    /// <summary>The prefix every incident of a model shares, whatever the environment.</summary>
    public static string PrefixFor(string model) => $"{Prefix}{model}:";

    public static bool TryParse(string? instanceId, out IncidentKey key)
    {
        key = null!;
        if (instanceId is null || !instanceId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = instanceId[Prefix.Length..].Split(':');
        if (parts.Length != 4 || !ReleaseKey.IsModelName(parts[0]) || !ReleaseKey.IsEnvironment(parts[1])
            || !BreachKinds.TryParseSlug(parts[2], out var kind)
            || !DateTime.TryParseExact(parts[3], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return false;
        }

        key = new IncidentKey(parts[0], parts[1], kind, new DateTimeOffset(at, TimeSpan.Zero));
        return true;
    }

    /// <summary>
    /// The idempotency key of an action of an incident: the same incident and action always give the same key, so a
    /// repeated request (an activity retried, an operator clicking twice) starts one job run. 41 characters, within the
    /// 64 that Databricks accepts.
    /// </summary>
    public static string IdempotencyKey(string incidentId, RemediationAction action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(incidentId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{incidentId}/{action}"));
        return "incident-" + Convert.ToHexStringLower(hash)[..32];
    }
}
