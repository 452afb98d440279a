using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>What a monitor check found wrong. A model in an environment has at most one open incident per kind.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BreachKind>))]
public enum BreachKind
{
    /// <summary>The error budget burns faster than a multi-window burn-rate rule allows.</summary>
    SloBurn,

    /// <summary>The window's p95 latency is above the ceiling.</summary>
    Latency,

    /// <summary>The features of the window drifted from the reference (share-of-drifted-columns rule).</summary>
    Drift,

    /// <summary>Null rates, missing columns, out-of-range values or unseen categories beyond the policy's limits.</summary>
    DataQuality,

    /// <summary>The business KPI fell below the policy's floor.</summary>
    Kpi,
}

/// <summary>How urgently on-call must act.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentSeverity>))]
public enum IncidentSeverity
{
    /// <summary>Wake someone now: the error budget will be gone within days.</summary>
    Page,

    /// <summary>Needs attention this week.</summary>
    Ticket,
}

/// <summary>One breach found by one check.</summary>
/// <param name="WindowStart">Start of the window in which the breach was observed: time to detect runs from here.</param>
/// <param name="DetectedAt">When the check that found it ran.</param>
/// <param name="Details">Plain-language particulars (the drifted columns, the firing rules, …), a handful of lines.</param>
/// <param name="Metrics">The figures behind the breach (finite values only), for the incident and its review.</param>
public sealed record Breach(
    BreachKind Kind,
    IncidentSeverity Severity,
    string Summary,
    DateTimeOffset WindowStart,
    DateTimeOffset DetectedAt,
    IReadOnlyList<string> Details,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>Names of breach kinds as they appear in ids, evidence and messages.</summary>
public static class BreachKinds
{
    /// <summary>The kind in kebab case, e.g. <c>slo-burn</c>, <c>data-quality</c>.</summary>
    public static string Slug(BreachKind kind) => kind switch
    {
        BreachKind.SloBurn => "slo-burn",
        BreachKind.Latency => "latency",
        BreachKind.Drift => "drift",
        BreachKind.DataQuality => "data-quality",
        BreachKind.Kpi => "kpi",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown breach kind."),
    };

    /// <summary>Reads a slug back; false for anything else.</summary>
    public static bool TryParseSlug(string? slug, out BreachKind kind)
    {
        foreach (var candidate in Enum.GetValues<BreachKind>())
        {
            if (string.Equals(Slug(candidate), slug, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>A runbook action that changes production: what on-call may run, and what a policy may pre-approve.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RemediationAction>))]
public enum RemediationAction
{
    /// <summary>The champion alias back to the previous version, and all serving traffic to it.</summary>
    Rollback,

    /// <summary>Start the model's retraining job.</summary>
    Retrain,
}

/// <summary>Reads <see cref="Policies.MonitoringPolicy.IncidentAutoAction"/>.</summary>
public static class RemediationActions
{
    /// <summary>
    /// <c>none</c> (or empty) → null, <c>rollback</c> → <see cref="RemediationAction.Rollback"/>, <c>retrain</c> →
    /// <see cref="RemediationAction.Retrain"/>, case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">Any other value: a policy that names an unknown action pre-approves nothing by accident.</exception>
    public static RemediationAction? FromPolicy(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "NONE" => null,
        "ROLLBACK" => RemediationAction.Rollback,
        "RETRAIN" => RemediationAction.Retrain,
        _ => throw new ArgumentException($"Unknown incident auto action '{value}'; expected none, rollback or retrain.", nameof(value)),
    };
}
