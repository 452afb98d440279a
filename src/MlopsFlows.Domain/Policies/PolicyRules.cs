using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Policies;

/// <summary>
/// Rules of a policy file that a JSON schema cannot express. They run beside the schema on a document that may be
/// invalid, so every read is tolerant: a value of the wrong type is the schema's to report, not theirs.
/// </summary>
internal static class PolicyRules
{
    public static void Check(PolicySource source)
    {
        CustomRedactions(source);
        if (source.NodeAt("/tiers") is not JsonObject tiers)
        {
            return;
        }

        foreach (var (name, tier) in tiers)
        {
            if (tier is not JsonObject)
            {
                continue;
            }

            var pointer = PolicySource.Pointer("/tiers", name);
            Steps(source, pointer + "/deployment");
            Watch(source, pointer + "/deployment");
            Approvers(source, pointer + "/approval");
            Escalation(source, pointer + "/approval");
            Clock(source, pointer + "/approval");
        }
    }

    /// <summary>Canary steps only ever add traffic; a repeated or falling step would judge the same exposure twice.</summary>
    private static void Steps(PolicySource source, string deployment)
    {
        var steps = deployment + "/steps";
        if (source.NodeAt(steps) is not JsonArray items)
        {
            return;
        }

        for (var i = 1; i < items.Count; i++)
        {
            if (Number(items[i - 1]) is { } previous && Number(items[i]) is { } current && current <= previous)
            {
                source.Error(PolicySource.Pointer(steps, i.ToString(CultureInfo.InvariantCulture)), $"{source.PathOf(steps)} must rise: {Text(items[i])} follows {Text(items[i - 1])}");
            }
        }
    }

    /// <summary>A watch interval longer than the bake would end the bake without a single telemetry read.</summary>
    private static void Watch(PolicySource source, string deployment)
    {
        if (Duration(source, deployment + "/watchInterval") is { } watch && Duration(source, deployment + "/bakeTime") is { } bake && watch > bake)
        {
            source.Error(deployment + "/watchInterval", $"{source.PathOf(deployment + "/watchInterval")} ({Text(source.NodeAt(deployment + "/watchInterval"))}) must not be longer than bakeTime ({Text(source.NodeAt(deployment + "/bakeTime"))})");
        }
    }

    private static void Approvers(PolicySource source, string approval)
    {
        var rules = source.NodeAt(approval + "/rules") as JsonArray;
        if (source.NodeAt(approval + "/required") is JsonValue required && required.GetValueKind() == JsonValueKind.True && (rules is null || rules.Count == 0))
        {
            source.Error(approval + "/required", $"{source.PathOf(approval + "/required")} is true but no rule says who must approve: add rules (role and count), or set required: false", atKey: true);
        }

        // One person counts towards one rule once, so two rules for one role are one rule with the counts added, said unclearly.
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; rules is not null && i < rules.Count; i++)
        {
            var role = PolicySource.Pointer(PolicySource.Pointer(approval + "/rules", i.ToString(CultureInfo.InvariantCulture)), "role");
            if (source.NodeAt(role) is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            var name = value.GetValue<string>();
            if (!seen.TryAdd(name, role))
            {
                source.Error(role, $"{source.PathOf(role)} '{name}' already has a rule ({source.PathOf(seen[name])}): raise that rule's count instead");
            }
        }
    }

    private static void Escalation(PolicySource source, string approval)
    {
        var after = source.NodeAt(approval + "/escalateAfter") is not null;
        var role = source.NodeAt(approval + "/escalationRole") is not null;
        if (after && !role)
        {
            source.Error(approval + "/escalateAfter", $"{source.PathOf(approval + "/escalateAfter")} needs escalationRole: the role asked when the approval escalates", atKey: true);
        }
        else if (role && !after)
        {
            source.Error(approval + "/escalationRole", $"{source.PathOf(approval + "/escalationRole")} needs escalateAfter: when to ask that role", atKey: true);
        }
    }

    /// <summary>Remind, then escalate, then expire: a later step that comes first would never happen.</summary>
    private static void Clock(PolicySource source, string approval)
    {
        var timeout = approval + "/timeout";
        var marks = new List<(string Pointer, string Name, TimeSpan At, string Text)>();
        foreach (var name in new[] { "reminderAfter", "escalateAfter" })
        {
            var pointer = approval + "/" + name;
            if (Duration(source, pointer) is { } at)
            {
                marks.Add((pointer, name, at, Text(source.NodeAt(pointer))));
            }
        }

        if (Duration(source, timeout) is { } expiry)
        {
            marks.Add((timeout, "timeout", expiry, Text(source.NodeAt(timeout))));
        }
        else if (source.NodeAt(timeout) is null)
        {
            marks.Add((timeout, "timeout", PolicyBinder.DefaultApprovalTimeout, "24h, the default"));
        }

        for (var i = 1; i < marks.Count; i++)
        {
            var (earlier, later) = (marks[i - 1], marks[i]);
            if (earlier.At >= later.At)
            {
                source.Error(earlier.Pointer, $"{source.PathOf(earlier.Pointer)} ({earlier.Text}) must be earlier than {later.Name} ({later.Text})");
            }
        }
    }

    /// <summary>
    /// A custom redaction rule's pattern must be a .NET regular expression that cannot match empty text, and its name must
    /// say which rule removed something: not a built-in rule's name, and not another custom rule's.
    /// </summary>
    private static void CustomRedactions(PolicySource source)
    {
        if (source.NodeAt("/redaction/custom") is not JsonArray rules)
        {
            return;
        }

        var reserved = new HashSet<string>(RedactionSettings.BuiltInRules.Append(RedactionRuleNames.PayloadAllowList), StringComparer.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = PolicySource.Pointer("/redaction/custom", i.ToString(CultureInfo.InvariantCulture));
            if (TextAt(source, rule + "/name") is { } name)
            {
                if (reserved.Contains(name))
                {
                    source.Error(rule + "/name", $"{source.PathOf(rule + "/name")} '{name}' is the name of a built-in rule: choose another, or list '{name}' under redaction.rules");
                }
                else if (!seen.TryAdd(name, rule + "/name"))
                {
                    source.Error(rule + "/name", $"{source.PathOf(rule + "/name")} '{name}' is already the name of {source.PathOf(seen[name])[..^".name".Length]}: each rule needs its own name");
                }
            }

            if (TextAt(source, rule + "/pattern") is { Length: > 0 } pattern && RedactionRules.ProblemWith(pattern) is { } problem)
            {
                source.Error(rule + "/pattern", $"{source.PathOf(rule + "/pattern")} {problem}");
            }
        }
    }

    private static string? TextAt(PolicySource source, string pointer) =>
        source.NodeAt(pointer) is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static TimeSpan? Duration(PolicySource source, string pointer) =>
        source.NodeAt(pointer) is JsonValue value && value.GetValueKind() == JsonValueKind.String && PolicyBinder.TryParseDuration(value.GetValue<string>(), out var duration)
            ? duration
            : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture)
            : null;

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString() ?? "nothing";
}
