using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>The steps an incident records as evidence, one name each; the review reads them back.</summary>
public static class IncidentSteps
{
    public const string Opened = "opened";
    public const string Notified = "notified";
    public const string Acknowledged = "acknowledged";
    public const string Suppressed = "suppressed";
    public const string SuppressionEnded = "suppression-ended";
    public const string Escalated = "escalated";
    public const string Action = "action";
    public const string Resolved = "resolved";
    public const string Review = "review";
}

/// <summary>Decisions of <see cref="IncidentSteps.Action"/> records.</summary>
public static class IncidentActionDecisions
{
    public const string RolledBack = "rolled-back";
    public const string RetrainingStarted = "retraining-started";
    public const string Failed = "failed";

    /// <summary>Whether an action record changed production (a failed attempt did not).</summary>
    public static bool Remediated(string decision) => decision is RolledBack or RetrainingStarted;
}

/// <summary>What an incident is about, fixed when it opens: the data of its <see cref="IncidentSteps.Opened"/> record.</summary>
/// <param name="PreviousVersion">The rollback target; null when the model has no earlier version in production.</param>
/// <param name="MonitorId">The monitor that opened it.</param>
/// <param name="AutoAction">The action the policy pre-approved after <paramref name="AckTimeout"/> without an acknowledgement.</param>
public sealed record IncidentFacts(
    string IncidentId,
    string Model,
    string Environment,
    int Version,
    int? PreviousVersion,
    string MonitorId,
    Breach Breach,
    RemediationAction? AutoAction,
    TimeSpan AckTimeout);

/// <summary>How incident evidence data is written and read: camelCase, enums by name.</summary>
public static class IncidentEvidence
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
