namespace MlopsFlows.Domain.Evidence;

/// <summary>
/// What is removed from evidence before it is written: the <c>redaction</c> section of a policy file, so it is versioned
/// and content-hashed with the rest of the policy. A file without the section gets <see cref="Default"/>: redaction is on.
/// </summary>
public sealed record RedactionSettings
{
    /// <summary>Every built-in rule, in the order they take precedence when two match the same text.</summary>
    public static IReadOnlyList<string> BuiltInRules { get; } =
        [RedactionRuleNames.Email, RedactionRuleNames.NationalId, RedactionRuleNames.Iban, RedactionRuleNames.CardNumber, RedactionRuleNames.AccountNumber];

    /// <summary>All built-in rules, the default identity and reference fields, and the default payload allow-list.</summary>
    public static RedactionSettings Default { get; } = new();

    /// <summary>Built-in rules to apply (names from <see cref="BuiltInRules"/>); default all of them. Empty turns them off.</summary>
    public IReadOnlyList<string> Rules { get; init; } = BuiltInRules;

    /// <summary>Extra rules of the policy's own, applied after the built-in ones; default none.</summary>
    public IReadOnlyList<CustomRedactionRule> Custom { get; init; } = [];

    /// <summary>
    /// Properties (anywhere in a record's data, names matched ignoring case) that say who acted. Their values, and the
    /// record's actor, are kept verbatim, and so are the same values inside other text: the audit must say who decided.
    /// </summary>
    public IReadOnlyList<string> IdentityFields { get; init; } =
        ["actor", "upn", "approver", "requestedBy", "addedBy", "by", "owner", "createdBy", "voter"];

    /// <summary>
    /// Properties holding the system's own references (e.g. a Databricks job run id, which is a long number), kept verbatim
    /// like identity values so that a reference never reads as an account number; default <c>runId</c>, <c>trainingRunId</c>.
    /// </summary>
    public IReadOnlyList<string> ReferenceFields { get; init; } = ["runId", "trainingRunId"];

    /// <summary>Free-form key/value maps in a record's data and the keys they may keep.</summary>
    public PayloadFields PayloadFields { get; init; } = PayloadFields.Default;
}

/// <summary>A rule of the policy's own: a .NET regular expression; a named group <c>value</c>, when present, is what is removed.</summary>
/// <param name="Name">Lower-case letters, digits and '-'; written into the placeholder <c>[redacted:name]</c> and into the record's redactions.</param>
public sealed record CustomRedactionRule(string Name, string Pattern);

/// <summary>
/// The allow-list for free-form maps (model version tags, for instance) whose keys nobody controls: a key not allowed is
/// removed with its value; a kept key's value still goes through every rule.
/// </summary>
/// <param name="Paths">Dot paths from the record's root to the maps, e.g. <c>data.tags</c>.</param>
/// <param name="Allow">Keys kept; a key ending in <c>*</c> keeps every key that starts with what comes before it.</param>
public sealed record PayloadFields(IReadOnlyList<string> Paths, IReadOnlyList<string> Allow)
{
    /// <summary>The model version tags the artefacts gate records; keys the gates and the model card use.</summary>
    public static PayloadFields Default { get; } = new(
        ["data.tags"],
        [
            "model_card.*", "evaluation_set*", "evaluation_label_column", "evaluation_prediction_column", "training_set*",
            "features", "target", "artifact_sha256", "environment.*", "risk_tier", "owner_team",
        ]);

    /// <summary>Whether a key of a payload map is on the allow-list (ordinal: tag keys are case-sensitive).</summary>
    public bool Allows(string key) =>
        Allow.Any(allowed => allowed.EndsWith('*')
            ? key.StartsWith(allowed[..^1], StringComparison.Ordinal)
            : string.Equals(key, allowed, StringComparison.Ordinal));
}

/// <summary>The names rules are known by in policy files, placeholders and recorded redactions.</summary>
public static class RedactionRuleNames
{
    /// <summary>E-mail addresses.</summary>
    public const string Email = "email";

    /// <summary>US social security and taxpayer numbers, UK national insurance numbers, Spanish DNI and NIE numbers.</summary>
    public const string NationalId = "national-id";

    /// <summary>International bank account numbers that pass the mod-97 check.</summary>
    public const string Iban = "iban";

    /// <summary>Payment card numbers: 13 to 19 digits that pass the Luhn check.</summary>
    public const string CardNumber = "card-number";

    /// <summary>Standalone runs of 8 to 17 digits, and numbers labelled acct or account.</summary>
    public const string AccountNumber = "account-number";

    /// <summary>A payload key that is not on the allow-list, removed with its value.</summary>
    public const string PayloadAllowList = "payload-allow-list";
}
