using System.Security.Cryptography;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Policies;

public class PolicyLoaderTests
{
    private const string Bad = "policies/bad.yaml";

    [Fact]
    public void Parse_ShippedDefault_LoadsWithoutErrors()
    {
        var result = PolicyLoader.Parse(PolicyFiles.FileName, PolicyFiles.DefaultText);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Parse_ShippedDefault_HasTheDocumentedHeader()
    {
        var set = PolicyFiles.Default();

        Assert.Equal("default", set.Id);
        Assert.Equal("2026.11.1", set.Version);
        Assert.Equal("risk_tier", set.TierTag);
        Assert.Equal("medium", set.DefaultTier);
        Assert.True(set.AllowRequestedTier);
        Assert.Equal(["high", "low", "medium"], set.Tiers.Keys.Order(StringComparer.Ordinal));
        Assert.All(set.Tiers, t =>
        {
            Assert.Equal(t.Key, t.Value.RiskTier);
            Assert.Equal(set.Id, t.Value.Id);
            Assert.Equal(set.Version, t.Value.Version);
            Assert.Equal(set.ContentHash, t.Value.ContentHash);
        });
    }

    [Fact]
    public void Parse_ShippedDefault_HighTierHasTheDocumentedValues()
    {
        var high = PolicyFiles.Default().ForTier("high");

        Assert.Equal([new("auc", Comparison.AtLeast, 0.72), new MetricThreshold("log_loss", Comparison.AtMost, 0.55)], high.Gates.Metrics);
        Assert.Equal([new("auc", true, 0.005), new ChampionComparison("log_loss", false, 0.005)], high.Gates.Performance!.Metrics);
        Assert.Equal(new DataQualityGatePolicy(0.02, 0.005, RequireSchemaMatch: true), high.Gates.DataQuality);
        var fairness = high.Gates.Fairness!;
        Assert.Equal(["sex", "age_band"], fairness.ProtectedAttributes);
        Assert.Equal((0.8, 0.05, 0.05, 100, 0.95, true), (fairness.MinDisparateImpact, fairness.MaxParityDifference, fairness.MaxEqualizedOddsDifference, fairness.MinGroupSize, fairness.ConfidenceLevel, fairness.Intersections));
        var artefacts = high.Gates.Artefacts!;
        Assert.True(artefacts.ExplainabilityReport);
        Assert.True(artefacts.ReasonCodeMapping);
        Assert.Contains("intended_use", artefacts.ModelCardFields);
        Assert.Contains("limitations", artefacts.ModelCardFields);

        Assert.True(high.Approval.Required);
        Assert.Equal([new("model-validation", 1), new ApprovalRule("risk", 1)], high.Approval.Rules);
        Assert.True(high.Approval.ExcludeRequester);
        Assert.True(high.Approval.ExcludeDeveloper);
        Assert.True(high.Approval.RationaleRequired);
        Assert.Equal(TimeSpan.FromHours(8), high.Approval.ReminderAfter);
        Assert.Equal(TimeSpan.FromHours(24), high.Approval.EscalateAfter);
        Assert.Equal("risk-leads", high.Approval.EscalationRole);
        Assert.Equal(TimeSpan.FromHours(72), high.Approval.Timeout);

        Assert.Equal(DeploymentMode.Canary, high.Deployment.Mode);
        Assert.Equal([5, 25, 50], high.Deployment.Steps);
        Assert.Equal(TimeSpan.FromHours(2), high.Deployment.BakeTime);
        Assert.Equal(TimeSpan.FromMinutes(5), high.Deployment.WatchInterval);
        Assert.Equal(2000, high.Deployment.MinRequestsPerStep);
        Assert.Equal(TimeSpan.FromHours(4), high.Deployment.InconclusiveTimeout);
        Assert.Equal(new JudgePolicy(0.05, 500, 0.55, 0, 0.1), high.Deployment.Judge);

        Assert.Equal(new ServiceLevelObjectives(250, 0.005), high.Slo);
        Assert.Equal(
            new MonitoringPolicy(TimeSpan.FromMinutes(15), 0.999, TimeSpan.FromDays(30), 0.1, 0.01, 0.2, 0.02, null, "rollback", TimeSpan.FromMinutes(15)),
            high.Monitoring);
        Assert.Equal(["release-managers", "risk-leads", "model-validation"], high.Oversight.Roles);
        Assert.Equal(TimeSpan.FromDays(7 * 365), high.EvidenceRetention);
        Assert.Equal(TimeSpan.FromDays(365), high.RevalidateAfter);
    }

    [Fact]
    public void Parse_ShippedDefault_MediumTierHasTheDocumentedValues()
    {
        var medium = PolicyFiles.Default().ForTier("medium");

        Assert.Equal([new("auc", Comparison.AtLeast, 0.70), new MetricThreshold("log_loss", Comparison.AtMost, 0.60)], medium.Gates.Metrics);
        Assert.Equal(2, medium.Gates.Performance!.Metrics.Count);
        Assert.Equal(new DataQualityGatePolicy(0.05, 0.01), medium.Gates.DataQuality);
        Assert.Equal(["sex", "age_band"], medium.Gates.Fairness!.ProtectedAttributes);
        Assert.False(medium.Gates.Fairness.Intersections);
        Assert.Equal(50, medium.Gates.Fairness.MinGroupSize);
        Assert.True(medium.Gates.Artefacts!.ExplainabilityReport);
        Assert.False(medium.Gates.Artefacts.ReasonCodeMapping);

        Assert.True(medium.Approval.Required);
        Assert.Equal([new ApprovalRule("model-validation", 1)], medium.Approval.Rules);
        Assert.True(medium.Approval.RationaleRequired);
        Assert.Equal(TimeSpan.FromHours(8), medium.Approval.ReminderAfter);
        Assert.Equal(TimeSpan.FromHours(24), medium.Approval.EscalateAfter);
        Assert.Equal("model-validation-leads", medium.Approval.EscalationRole);
        Assert.Equal(TimeSpan.FromHours(48), medium.Approval.Timeout);

        Assert.Equal(DeploymentMode.Canary, medium.Deployment.Mode);
        Assert.Equal([10, 50], medium.Deployment.Steps);
        Assert.Equal(TimeSpan.FromMinutes(30), medium.Deployment.BakeTime);
        Assert.Equal(500, medium.Deployment.MinRequestsPerStep);
        Assert.Equal(new JudgePolicy(0.05, 100, 0.6, 0.001, 0.2), medium.Deployment.Judge);

        Assert.Equal(new ServiceLevelObjectives(300, 0.01), medium.Slo);
        Assert.Equal("rollback", medium.Monitoring.IncidentAutoAction);
        Assert.Equal(0.995, medium.Monitoring.SloTarget);
        Assert.Equal(TimeSpan.FromDays(5 * 365), medium.EvidenceRetention);
        Assert.Equal(TimeSpan.FromDays(365), medium.RevalidateAfter);
    }

    [Fact]
    public void Parse_ShippedDefault_LowTierHasTheDocumentedValues()
    {
        var low = PolicyFiles.Default().ForTier("low");

        Assert.Equal(2, low.Gates.Metrics.Count);
        Assert.Single(low.Gates.Performance!.Metrics);
        Assert.Null(low.Gates.Fairness);
        Assert.Equal(["intended_use", "owner"], low.Gates.Artefacts!.ModelCardFields);
        Assert.False(low.Gates.Artefacts.ExplainabilityReport);

        Assert.False(low.Approval.Required);
        Assert.Empty(low.Approval.Rules);
        Assert.Equal(TimeSpan.FromHours(24), low.Approval.Timeout);

        Assert.Equal(DeploymentMode.BlueGreen, low.Deployment.Mode);
        Assert.Empty(low.Deployment.Steps);
        Assert.Equal(TimeSpan.FromMinutes(15), low.Deployment.BakeTime);
        Assert.Equal(TimeSpan.FromMinutes(1), low.Deployment.WatchInterval);
        Assert.Equal(TimeSpan.FromMinutes(30), low.Deployment.InconclusiveTimeout);

        Assert.Equal(new ServiceLevelObjectives(500, 0.02), low.Slo);
        Assert.Equal("none", low.Monitoring.IncidentAutoAction);
        Assert.Null(low.Monitoring.MinKpi);
        Assert.Equal(["ml-platform-owners"], low.Oversight.Roles);
        Assert.Equal(TimeSpan.FromDays(2 * 365), low.EvidenceRetention);
        Assert.Equal(TimeSpan.FromDays(2 * 365), low.RevalidateAfter);
    }

    [Fact]
    public void Parse_OmittedOptionalKeys_TakeTheModelDefaults()
    {
        var text = PolicyFiles.EditTier(PolicyFiles.DefaultText, "high", "      judge:\n        alpha: 0.05\n        minLatencySamples: 500\n        maxLatencyEffect: 0.55\n        allowedErrorRateIncrease: 0\n        maxPredictionPsi: 0.1\n", string.Empty);
        text = PolicyFiles.EditTier(text, "high", "      excludeRequester: true\n      excludeDeveloper: true\n", string.Empty);

        var high = PolicyLoader.Parse(Bad, text).PolicySet!.ForTier("high");

        Assert.Equal(new JudgePolicy(), high.Deployment.Judge);
        Assert.True(high.Approval.ExcludeRequester);
        Assert.True(high.Approval.ExcludeDeveloper);
    }

    [Fact]
    public void Parse_ShippedDefault_RedactsWithEveryBuiltInRuleAndTheDocumentedFields()
    {
        var redaction = PolicyFiles.Default().Redaction;

        Assert.Equal(RedactionSettings.BuiltInRules, redaction.Rules);
        Assert.Empty(redaction.Custom);
        Assert.Equal(RedactionSettings.Default.IdentityFields, redaction.IdentityFields);
        Assert.Equal(RedactionSettings.Default.ReferenceFields, redaction.ReferenceFields);
        Assert.Equal(RedactionSettings.Default.PayloadFields.Paths, redaction.PayloadFields.Paths);
        Assert.Equal(RedactionSettings.Default.PayloadFields.Allow, redaction.PayloadFields.Allow);
    }

    [Fact]
    public void Parse_NoRedactionSection_RedactsWithTheDefaults()
    {
        var text = PolicyFiles.DefaultText[..PolicyFiles.DefaultText.IndexOf("\n# Redaction:", StringComparison.Ordinal)] + "\n";

        var set = PolicyLoader.Parse(Bad, text).PolicySet!;

        Assert.Same(RedactionSettings.Default, set.Redaction);
    }

    [Fact]
    public void Parse_RedactionSectionWithSomeKeys_BindsThemAndTakesTheDefaultsForTheRest()
    {
        var text = PolicyFiles.DefaultText[..PolicyFiles.DefaultText.IndexOf("\n# Redaction:", StringComparison.Ordinal)]
            + "\nredaction:\n  rules: [email]\n  custom:\n    - name: employee-id\n      pattern: '\\bE\\d{6}\\b'\n  payloadFields:\n    allow: [team]\n";

        var redaction = PolicyLoader.Parse(Bad, text).PolicySet!.Redaction;

        Assert.Equal([RedactionRuleNames.Email], redaction.Rules);
        Assert.Equal([new CustomRedactionRule("employee-id", @"\bE\d{6}\b")], redaction.Custom);
        Assert.Equal(RedactionSettings.Default.IdentityFields, redaction.IdentityFields);
        Assert.Equal(RedactionSettings.Default.PayloadFields.Paths, redaction.PayloadFields.Paths);
        Assert.Equal(["team"], redaction.PayloadFields.Allow);
    }

    [Fact]
    public void Parse_CustomRedactionPatternThatIsNoRegex_ReportsFileLineAndTheParsersReason()
    {
        var text = PolicyFiles.DefaultText.Replace("  custom: []\n", "  custom:\n    - name: employee-id\n      pattern: '\\bE(\\d{6}\\b'\n", StringComparison.Ordinal);

        var result = PolicyLoader.Parse(Bad, text);

        var error = Assert.Single(result.Errors);
        var (line, column) = PolicyFiles.Find(text, "'\\bE(");
        Assert.Equal((Bad, line, column), (error.File, error.Line, error.Column));
        Assert.StartsWith("redaction.custom[0].pattern is not a valid .NET regular expression: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Not enough )'s", error.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string> BadFiles() => [.. Cases.Keys];

    /// <summary>Each case: the broken text, and where (line, column) and why the loader must refuse it.</summary>
    private static readonly Dictionary<string, Func<string, (string Text, int Line, int Column, string Reason)>> Cases = new()
    {
        ["syntax: unclosed list"] = _ => ("id: default\nversion: [1\ntierTag: risk_tier\n", 2, 10, "YAML syntax error: an unclosed '[' or '{' opened here"),
        ["syntax: bad indentation"] = _ => ("id: default\n  version: x\n", 2, 10, "YAML syntax error: while scanning a plain scalar value, found invalid mapping"),
        ["syntax: unknown alias"] = _ => ("id: &name default\nversion: *nmae\n", 2, 10, "YAML syntax error: the alias *nmae refers to no anchor &nmae"),
        ["syntax: empty file"] = _ => ("# nothing here\n", 1, 1, "the file is empty: a policy file needs id, version, tierTag, defaultTier, allowRequestedTier and tiers"),
        ["unknown key typo"] = text => At(
            PolicyFiles.EditTier(text, "high", "rationaleRequired: true", "rationalRequired: true"), "high", "rationalRequired",
            "tiers.high.approval.rationalRequired is not a known key (did you mean 'rationaleRequired'?)"),
        ["wrong type"] = text => At(
            PolicyFiles.EditTier(text, "high", "minRequestsPerStep: 2000", "minRequestsPerStep: lots"), "high", "lots",
            "tiers.high.deployment.minRequestsPerStep must be a whole number (found 'lots')"),
        ["number where text is due"] = text => At(
            text.Replace("version: \"2026.11.1\"", "version: 2026.11", StringComparison.Ordinal), null, "version: 2026.11",
            "version must be text (found 2026.11); quote it to keep it as text", skip: 9),
        ["missing required key"] = text => At(
            PolicyFiles.EditTier(text, "high", "      maxErrorRate: 0.005\n", string.Empty), "high", "slo:",
            "tiers.high.slo is missing 'maxErrorRate'"),
        ["steps missing for canary"] = text => At(
            PolicyFiles.EditTier(text, "medium", "      steps: [10, 50]\n", string.Empty), "medium", "deployment:",
            "tiers.medium.deployment is missing 'steps' (required when mode is canary)"),
        ["bad revalidation period"] = text => At(
            PolicyFiles.EditTier(text, "high", "revalidateAfter: 1y", "revalidateAfter: yearly"), "high", "yearly",
            "tiers.high.revalidateAfter must be a duration: a whole number from 1 to 9999 and a unit s, m, h, d or y, e.g. 30s, 10m, 2h, 7d, 7y (found 'yearly')"),
        ["bad duration"] = text => At(
            PolicyFiles.EditTier(text, "high", "bakeTime: 2h", "bakeTime: 2 hours"), "high", "2 hours",
            "tiers.high.deployment.bakeTime must be a duration: a whole number from 1 to 9999 and a unit s, m, h, d or y, e.g. 30s, 10m, 2h, 7d, 7y (found '2 hours')"),
        ["bad deployment mode"] = text => At(
            PolicyFiles.EditTier(text, "high", "mode: canary", "mode: canery"), "high", "canery",
            "tiers.high.deployment.mode must be one of canary, shadow, blueGreen (found 'canery')"),
        ["bad incident action"] = text => At(
            PolicyFiles.EditTier(text, "low", "incidentAutoAction: none", "incidentAutoAction: page"), "low", "page",
            "tiers.low.monitoring.incidentAutoAction must be one of none, rollback, retrain (found 'page')"),
        ["unknown default tier"] = text => At(
            text.Replace("defaultTier: medium", "defaultTier: critical", StringComparison.Ordinal), null, "critical",
            "defaultTier must be one of low, medium, high (found 'critical')"),
        ["steps not rising"] = text => At(
            PolicyFiles.EditTier(text, "high", "steps: [5, 25, 50]", "steps: [5, 50, 50]"), "high", "50]",
            "tiers.high.deployment.steps must rise: 50 follows 50"),
        ["step 100"] = text => At(
            PolicyFiles.EditTier(text, "high", "steps: [5, 25, 50]", "steps: [5, 25, 100]"), "high", "25, 100]",
            "tiers.high.deployment.steps[2] must be at most 99 (found 100): promotion takes the last step to 100", skip: 4),
        ["reminder after timeout"] = text => At(
            PolicyFiles.EditTier(
                PolicyFiles.EditTier(text, "medium", "      escalateAfter: 24h\n      escalationRole: model-validation-leads\n", string.Empty),
                "medium", "reminderAfter: 8h", "reminderAfter: 60h"),
            "medium", "60h",
            "tiers.medium.approval.reminderAfter (60h) must be earlier than timeout (48h)"),
        ["escalation after default timeout"] = text => At(
            PolicyFiles.EditTier(PolicyFiles.EditTier(text, "high", "      timeout: 72h\n", string.Empty), "high", "escalateAfter: 24h", "escalateAfter: 2d"),
            "high", "2d",
            "tiers.high.approval.escalateAfter (2d) must be earlier than timeout (24h, the default)"),
        ["escalation without role"] = text => At(
            PolicyFiles.EditTier(text, "high", "      escalationRole: risk-leads\n", string.Empty), "high", "escalateAfter",
            "tiers.high.approval.escalateAfter needs escalationRole: the role asked when the approval escalates"),
        ["missing tier"] = text => At(
            text[..text.IndexOf("  # High risk", StringComparison.Ordinal)], null, "tiers:",
            "tiers is missing 'high'"),
        ["duplicate key"] = text => At(
            PolicyFiles.EditTier(text, "high", "      bakeTime: 2h\n", "      bakeTime: 2h\n      bakeTime: 3h\n"), "high", "bakeTime: 3h",
            "duplicate key 'bakeTime': a key may appear only once in a mapping"),
        ["approval required without rules"] = text => At(
            PolicyFiles.EditTier(text, "low", "required: false", "required: true"), "low", "required: true",
            "tiers.low.approval.required is true but no rule says who must approve: add rules (role and count), or set required: false"),
        ["same role twice"] = text => At(
            PolicyFiles.EditTier(text, "high", "role: risk", "role: model-validation"), "high", "model-validation\n          count: 1\n      excludeRequester",
            "tiers.high.approval.rules[1].role 'model-validation' already has a rule (tiers.high.approval.rules[0].role): raise that rule's count instead"),
        ["approver count zero"] = text => At(
            PolicyFiles.EditTier(text, "medium", "count: 1", "count: 0"), "medium", "count: 0",
            "tiers.medium.approval.rules[0].count must be at least 1 (found 0)", skip: 7),
        ["rate out of range"] = text => At(
            PolicyFiles.EditTier(text, "high", "maxErrorRate: 0.005", "maxErrorRate: 5"), "high", "5\n    monitoring",
            "tiers.high.slo.maxErrorRate must be at most 1 (found 5): a rate is written from 0 to 1 (5 % is 0.05)"),
        ["fairness threshold out of range"] = text => At(
            PolicyFiles.EditTier(text, "high", "minDisparateImpact: 0.8", "minDisparateImpact: 80"), "high", "minDisparateImpact: 80",
            "tiers.high.gates.fairness.minDisparateImpact must be at most 1 (found 80): a rate is written from 0 to 1 (5 % is 0.05)", skip: 20),
        ["watch longer than bake"] = text => At(
            PolicyFiles.EditTier(text, "low", "watchInterval: 1m", "watchInterval: 1h"), "low", "1h\n      minRequests",
            "tiers.low.deployment.watchInterval (1h) must not be longer than bakeTime (15m)"),
        ["empty oversight roles"] = text => At(
            PolicyFiles.EditTier(text, "low", "roles: [ml-platform-owners]", "roles: []"), "low", "[]",
            "tiers.low.oversight.roles must not be empty"),
        ["unknown redaction rule"] = text => At(
            text.Replace("rules: [email, national-id,", "rules: [email, nationalid,", StringComparison.Ordinal), null, "nationalid",
            "redaction.rules[1] must be one of email, national-id, iban, card-number, account-number (found 'nationalid')"),
        ["custom rule named like a built-in"] = text => At(
            text.Replace("  custom: []\n", "  custom:\n    - name: email\n      pattern: 'mail:\\S+'\n", StringComparison.Ordinal), null, "email\n      pattern",
            "redaction.custom[0].name 'email' is the name of a built-in rule: choose another, or list 'email' under redaction.rules"),
        ["custom rules with one name"] = text => At(
            text.Replace("  custom: []\n", "  custom:\n    - name: staff\n      pattern: 'E\\d{6}'\n    - name: staff\n      pattern: 'S\\d{6}'\n", StringComparison.Ordinal), null, "staff\n      pattern: 'S",
            "redaction.custom[1].name 'staff' is already the name of redaction.custom[0]: each rule needs its own name"),
        ["custom pattern matching empty text"] = text => At(
            text.Replace("  custom: []\n", "  custom:\n    - name: staff\n      pattern: '\\d*'\n", StringComparison.Ordinal), null, "'\\d*'",
            "redaction.custom[0].pattern matches empty text, so it would redact nothing but mark every field"),
        ["custom rule name not lower-case"] = text => At(
            text.Replace("  custom: []\n", "  custom:\n    - name: Staff ID\n      pattern: 'E\\d{6}'\n", StringComparison.Ordinal), null, "Staff ID",
            "redaction.custom[0].name must be a rule name: lower-case letters, digits or '-', starting with a letter (found 'Staff ID')"),
        ["payload path outside data"] = text => At(
            text.Replace("paths: [data.tags]", "paths: [tags]", StringComparison.Ordinal), null, "tags]",
            "redaction.payloadFields.paths[0] must be a dot path into a record's data, e.g. data.tags (found 'tags')"),
        ["payload key with an inner star"] = text => At(
            text.Replace("      - environment.*\n", "      - env*ironment\n", StringComparison.Ordinal), null, "env*ironment",
            "redaction.payloadFields.allow[8] must be a key, or a prefix of keys ending in *, e.g. model_card.* (found 'env*ironment')"),
        ["unknown redaction key"] = text => At(
            text.Replace("  identityFields: [", "  identityField: [", StringComparison.Ordinal), null, "identityField:",
            "redaction.identityField is not a known key (did you mean 'identityFields'?)"),
        ["second document"] = text => At(text + "---\nid: other\n", null, "id: other", "a policy file holds one YAML document: remove the second one (after '---')"),
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Parse_BadFile_ReportsFileLineAndReason(string name)
    {
        var (text, line, column, reason) = Cases[name](PolicyFiles.DefaultText);

        var result = PolicyLoader.Parse(Bad, text);

        Assert.False(result.IsValid);
        Assert.Null(result.PolicySet);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new PolicyError(Bad, line, column, reason), error);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEachInFileOrder()
    {
        var text = PolicyFiles.EditTier(PolicyFiles.DefaultText, "high", "steps: [5, 25, 50]", "steps: [5, 50, 50]");
        text = PolicyFiles.EditTier(text, "low", "bakeTime: 15m", "bakeTme: 15m");

        var result = PolicyLoader.Parse(Bad, text);

        Assert.Equal(
            [
                "tiers.low.deployment is missing 'bakeTime'",
                "tiers.low.deployment.bakeTme is not a known key (did you mean 'bakeTime'?)",
                "tiers.high.deployment.steps must rise: 50 follows 50",
            ],
            result.Errors.Select(e => e.Reason));
        Assert.True(result.Errors[0].Line < result.Errors[1].Line && result.Errors[1].Line < result.Errors[2].Line);
    }

    [Fact]
    public void PolicyError_ToString_IsFileLineColumnReason()
    {
        var error = new PolicyError("policies/default.yaml", 42, 7, "tiers.high.deployment.steps must rise: 50 follows 50");

        Assert.Equal("policies/default.yaml:42:7: tiers.high.deployment.steps must rise: 50 follows 50", error.ToString());
    }

    [Fact]
    public void ErrorAt_KeyOfALoadedFile_PointsAtThatKey()
    {
        var result = PolicyLoader.Parse(PolicyFiles.FileName, PolicyFiles.DefaultText);

        var error = result.ErrorAt("/id", "id 'default' is already used");

        var (line, _) = PolicyFiles.Find(PolicyFiles.DefaultText, "\nid: default\n");
        Assert.Equal(new PolicyError(PolicyFiles.FileName, line + 1, 1, "id 'default' is already used"), error);
    }

    [Fact]
    public void ContentHash_CrlfAndLf_AreTheSame()
    {
        var lf = PolicyFiles.DefaultText.Replace("\r\n", "\n", StringComparison.Ordinal);
        var crlf = lf.Replace("\n", "\r\n", StringComparison.Ordinal);

        var fromLf = PolicyLoader.Parse(Bad, lf).PolicySet!;
        var fromCrlf = PolicyLoader.Parse(Bad, crlf).PolicySet!;

        Assert.Equal(fromLf.ContentHash, fromCrlf.ContentHash);
        Assert.Equal(fromLf.ContentHash, fromCrlf.ForTier("high").ContentHash);
    }

    [Fact]
    public void ContentHash_OneCharacterChanged_Changes()
    {
        var text = PolicyFiles.DefaultText;
        var changed = text.Replace("# The default release policy set", "# The default release policy sat", StringComparison.Ordinal);

        Assert.NotEqual(text, changed);
        Assert.NotEqual(PolicyLoader.Parse(Bad, text).PolicySet!.ContentHash, PolicyLoader.Parse(Bad, changed).PolicySet!.ContentHash);
    }

    [Fact]
    public void ContentHash_ShippedFile_IsTheSha256OfItsBytes()
    {
        var bytes = File.ReadAllBytes(PolicyFiles.DefaultPath);
        Assert.DoesNotContain((byte)'\r', bytes);

        var sha256sum = Convert.ToHexStringLower(SHA256.HashData(bytes));

        Assert.Equal(sha256sum, PolicyFiles.Default().ContentHash);
    }

    [Fact]
    public void ContentHash_KnownText_IsLowerHexSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PolicyLoader.ContentHash("abc"));
    }

    /// <summary>The case's text with the line and column of <paramref name="find"/> (plus <paramref name="skip"/> columns).</summary>
    private static (string Text, int Line, int Column, string Reason) At(string text, string? tier, string find, string reason, int skip = 0)
    {
        var (line, column) = tier is null ? PolicyFiles.Find(text, find) : PolicyFiles.FindInTier(text, tier, find);
        return (text, line, column + skip, reason);
    }
}
