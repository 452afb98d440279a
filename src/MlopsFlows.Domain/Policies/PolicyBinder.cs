using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Policies;

/// <summary>
/// Turns a validated policy document into the domain model. Runs only after the schema and the rules passed, so it reads
/// without checks; a key the schema lets authors omit takes the record's documented default.
/// </summary>
internal static partial class PolicyBinder
{
    public static readonly TimeSpan DefaultApprovalTimeout = new ApprovalPolicy().Timeout;

    /// <summary>A whole number from 1 to 9999 and one unit: s, m, h, d (24 h) or y (365 d); the schema's duration pattern.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            duration = default;
            return false;
        }

        var amount = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        duration = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(365 * amount),
        };
        return true;
    }

    public static PolicySet Bind(JsonNode root, string contentHash)
    {
        var set = JsonSerializer.SerializeToElement(root);
        var id = set.GetProperty("id").GetString()!;
        var version = set.GetProperty("version").GetString()!;
        var tiers = set.GetProperty("tiers").EnumerateObject().ToDictionary(
            t => t.Name,
            t => Tier(t.Value) with { Id = id, Version = version, ContentHash = contentHash, RiskTier = t.Name },
            StringComparer.Ordinal);
        return new PolicySet
        {
            Id = id,
            Version = version,
            ContentHash = contentHash,
            TierTag = set.GetProperty("tierTag").GetString()!,
            DefaultTier = set.GetProperty("defaultTier").GetString()!,
            AllowRequestedTier = set.GetProperty("allowRequestedTier").GetBoolean(),
            Tiers = tiers,
            Redaction = Optional(set, "redaction") is { } redaction ? Redaction(redaction) : RedactionSettings.Default,
        };
    }

    private static RedactionSettings Redaction(JsonElement redaction)
    {
        var defaults = RedactionSettings.Default;
        var payload = Optional(redaction, "payloadFields");
        JsonElement? Payload(string name) => payload is { } fields ? Optional(fields, name) : null;
        return new RedactionSettings
        {
            Rules = Optional(redaction, "rules") is { } rules ? Strings(rules) : defaults.Rules,
            Custom = Optional(redaction, "custom") is { } custom
                ? [.. custom.EnumerateArray().Select(r => new CustomRedactionRule(r.GetProperty("name").GetString()!, r.GetProperty("pattern").GetString()!))]
                : defaults.Custom,
            IdentityFields = Optional(redaction, "identityFields") is { } identity ? Strings(identity) : defaults.IdentityFields,
            ReferenceFields = Optional(redaction, "referenceFields") is { } references ? Strings(references) : defaults.ReferenceFields,
            PayloadFields = new PayloadFields(
                Payload("paths") is { } paths ? Strings(paths) : defaults.PayloadFields.Paths,
                Payload("allow") is { } allow ? Strings(allow) : defaults.PayloadFields.Allow),
        };
    }

    private static ReleasePolicy Tier(JsonElement tier)
    {
        var slo = tier.GetProperty("slo");
        return new ReleasePolicy
        {
            Id = string.Empty,
            Version = string.Empty,
            ContentHash = string.Empty,
            RiskTier = string.Empty,
            Gates = Gates(tier.GetProperty("gates")),
            Approval = Approval(tier.GetProperty("approval")),
            Deployment = Deployment(tier.GetProperty("deployment")),
            Slo = new ServiceLevelObjectives(slo.GetProperty("maxP95LatencyMs").GetDouble(), slo.GetProperty("maxErrorRate").GetDouble()),
            Monitoring = Monitoring(tier.GetProperty("monitoring")),
            Oversight = new OversightPolicy(Strings(tier.GetProperty("oversight").GetProperty("roles"))),
            EvidenceRetention = Duration(tier.GetProperty("evidenceRetention")),
            RevalidateAfter = Optional(tier, "revalidateAfter") is { } revalidate ? Duration(revalidate) : null,
        };
    }

    private static GatePolicy Gates(JsonElement gates) => new()
    {
        Metrics = gates.GetProperty("metrics").EnumerateArray()
            .Select(m => new MetricThreshold(
                m.GetProperty("metric").GetString()!,
                m.GetProperty("comparison").GetString() == "atLeast" ? Comparison.AtLeast : Comparison.AtMost,
                m.GetProperty("threshold").GetDouble()))
            .ToList(),
        Performance = Optional(gates, "performance") is { } performance
            ? new PerformanceGatePolicy(performance.GetProperty("metrics").EnumerateArray()
                .Select(m => new ChampionComparison(m.GetProperty("metric").GetString()!, m.GetProperty("higherIsBetter").GetBoolean(), m.GetProperty("tolerance").GetDouble()))
                .ToList())
            : null,
        DataQuality = Optional(gates, "dataQuality") is { } quality
            ? new DataQualityGatePolicy(
                quality.GetProperty("maxNullRate").GetDouble(),
                quality.GetProperty("maxOutOfRangeRate").GetDouble(),
                Optional(quality, "requireSchemaMatch")?.GetBoolean() ?? true)
            : null,
        Fairness = Optional(gates, "fairness") is { } fairness ? Fairness(fairness) : null,
        Artefacts = Optional(gates, "artefacts") is { } artefacts
            ? new ArtefactGatePolicy(
                Strings(artefacts.GetProperty("modelCardFields")),
                Optional(artefacts, "explainabilityReport")?.GetBoolean() ?? false,
                Optional(artefacts, "reasonCodeMapping")?.GetBoolean() ?? false)
            : null,
    };

    private static FairnessGatePolicy Fairness(JsonElement fairness)
    {
        var defaults = new FairnessGatePolicy([]);
        return new FairnessGatePolicy(
            Strings(fairness.GetProperty("protectedAttributes")),
            Optional(fairness, "minDisparateImpact")?.GetDouble() ?? defaults.MinDisparateImpact,
            Optional(fairness, "maxParityDifference")?.GetDouble() ?? defaults.MaxParityDifference,
            Optional(fairness, "maxEqualizedOddsDifference")?.GetDouble() ?? defaults.MaxEqualizedOddsDifference,
            Optional(fairness, "minGroupSize")?.GetInt32() ?? defaults.MinGroupSize,
            Optional(fairness, "confidenceLevel")?.GetDouble() ?? defaults.ConfidenceLevel,
            Optional(fairness, "intersections")?.GetBoolean() ?? defaults.Intersections);
    }

    private static ApprovalPolicy Approval(JsonElement approval)
    {
        var defaults = new ApprovalPolicy();
        return new ApprovalPolicy
        {
            Required = approval.GetProperty("required").GetBoolean(),
            Rules = Optional(approval, "rules") is { } rules
                ? rules.EnumerateArray().Select(r => new ApprovalRule(r.GetProperty("role").GetString()!, r.GetProperty("count").GetInt32())).ToList()
                : [],
            ExcludeRequester = Optional(approval, "excludeRequester")?.GetBoolean() ?? defaults.ExcludeRequester,
            ExcludeDeveloper = Optional(approval, "excludeDeveloper")?.GetBoolean() ?? defaults.ExcludeDeveloper,
            RationaleRequired = Optional(approval, "rationaleRequired")?.GetBoolean() ?? defaults.RationaleRequired,
            VerifiedIdentityRequired = Optional(approval, "verifiedIdentityRequired")?.GetBoolean() ?? defaults.VerifiedIdentityRequired,
            ReminderAfter = Optional(approval, "reminderAfter") is { } reminder ? Duration(reminder) : null,
            EscalateAfter = Optional(approval, "escalateAfter") is { } escalate ? Duration(escalate) : null,
            EscalationRole = Optional(approval, "escalationRole")?.GetString(),
            Timeout = Optional(approval, "timeout") is { } timeout ? Duration(timeout) : defaults.Timeout,
        };
    }

    private static DeploymentPolicy Deployment(JsonElement deployment)
    {
        var defaults = new DeploymentPolicy();
        var mode = deployment.GetProperty("mode").GetString() switch
        {
            "shadow" => DeploymentMode.Shadow,
            "blueGreen" => DeploymentMode.BlueGreen,
            _ => DeploymentMode.Canary,
        };
        return new DeploymentPolicy
        {
            Mode = mode,

            // Steps are canary traffic; shadow and blue/green have none unless written (the schema demands them for canary).
            Steps = Optional(deployment, "steps") is { } steps ? steps.EnumerateArray().Select(s => s.GetInt32()).ToList() : [],
            BakeTime = Duration(deployment.GetProperty("bakeTime")),
            WatchInterval = Duration(deployment.GetProperty("watchInterval")),
            MinRequestsPerStep = Optional(deployment, "minRequestsPerStep")?.GetInt64() ?? defaults.MinRequestsPerStep,
            InconclusiveTimeout = Optional(deployment, "inconclusiveTimeout") is { } inconclusive ? Duration(inconclusive) : defaults.InconclusiveTimeout,
            Judge = Optional(deployment, "judge") is { } judge ? Judge(judge) : defaults.Judge,
        };
    }

    private static JudgePolicy Judge(JsonElement judge)
    {
        var defaults = new JudgePolicy();
        return new JudgePolicy(
            Optional(judge, "alpha")?.GetDouble() ?? defaults.Alpha,
            Optional(judge, "minLatencySamples")?.GetInt32() ?? defaults.MinLatencySamples,
            Optional(judge, "maxLatencyEffect")?.GetDouble() ?? defaults.MaxLatencyEffect,
            Optional(judge, "allowedErrorRateIncrease")?.GetDouble() ?? defaults.AllowedErrorRateIncrease,
            judge.TryGetProperty("maxPredictionPsi", out var psi)
                ? psi.ValueKind == JsonValueKind.Null ? null : psi.GetDouble()
                : defaults.MaxPredictionPsi);
    }

    private static MonitoringPolicy Monitoring(JsonElement monitoring) => new(
        Duration(monitoring.GetProperty("interval")),
        monitoring.GetProperty("sloTarget").GetDouble(),
        Duration(monitoring.GetProperty("sloWindow")),
        monitoring.GetProperty("driftPsi").GetDouble(),
        monitoring.GetProperty("driftKsPValue").GetDouble(),
        monitoring.GetProperty("driftedShare").GetDouble(),
        monitoring.GetProperty("maxNullRate").GetDouble(),
        Optional(monitoring, "minKpi")?.GetDouble(),
        monitoring.GetProperty("incidentAutoAction").GetString()!,
        Duration(monitoring.GetProperty("incidentAckTimeout")));

    /// <summary>The property when present and not null.</summary>
    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(s => s.GetString()!).ToList();

    private static TimeSpan Duration(JsonElement text) =>
        TryParseDuration(text.GetString()!, out var duration) ? duration : throw new InvalidOperationException($"'{text}' passed the schema but is no duration.");

    [GeneratedRegex("^([1-9][0-9]{0,3})([smhdy])$")]
    private static partial Regex DurationPattern();
}
