using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>An artefact the training run logged.</summary>
/// <param name="Path">Its path in the run, e.g. <c>reports/explainability_report.html</c>.</param>
/// <param name="Kind">The kind it was logged with, e.g. <c>explainability_report</c>; null or blank when none was.</param>
public sealed record LoggedArtefact(string Path, string? Kind = null)
{
    /// <summary>
    /// The one rule by which artefacts are recognised: the logged kind, or when there is none, the file name up to its
    /// first dot (<c>reports/reason_code_mapping.csv</c> → <c>reason_code_mapping</c>). Compared ignoring case.
    /// </summary>
    public string ResolvedKind
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Kind))
            {
                return Kind.Trim();
            }

            var name = Path[(Path.LastIndexOfAny(['/', '\\']) + 1)..];
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? name : name[..dot];
        }
    }
}

/// <summary>
/// Artefacts the tier requires: model card fields present and not blank (field names matched exactly), and, when
/// required, an explainability report and a reason-code mapping, each recognised by <see cref="LoggedArtefact.ResolvedKind"/>
/// being <see cref="ExplainabilityReport"/> or <see cref="ReasonCodeMapping"/>.
/// </summary>
public static class ArtefactGate
{
    public const string Name = "artefacts";

    public const string ExplainabilityReport = "explainability_report";

    public const string ReasonCodeMapping = "reason_code_mapping";

    public static GateReport Evaluate(ArtefactGatePolicy policy, IReadOnlyDictionary<string, string?> modelCard, IReadOnlyList<LoggedArtefact> artefacts)
    {
        var inputs = new Dictionary<string, string>
        {
            ["model_card_fields"] = string.Join(", ", modelCard.Keys.Order(StringComparer.Ordinal)),
            ["artefacts"] = string.Join(", ", artefacts.Select(a => a.Path)),
            ["required_model_card_fields"] = string.Join(", ", policy.ModelCardFields),
            ["explainability_report_required"] = policy.ExplainabilityReport ? "true" : "false",
            ["reason_code_mapping_required"] = policy.ReasonCodeMapping ? "true" : "false",
        };
        var findings = policy.ModelCardFields.Distinct(StringComparer.Ordinal).Select(field => CardField(modelCard, field)).ToList();
        if (policy.ExplainabilityReport)
        {
            findings.Add(Artefact(artefacts, ExplainabilityReport, "explainability report"));
        }

        if (policy.ReasonCodeMapping)
        {
            findings.Add(Artefact(artefacts, ReasonCodeMapping, "reason-code mapping"));
        }

        if (findings.Count == 0)
        {
            findings.Add(new GateFinding("required_artefacts", "policy", GateOutcome.Pass, "This tier requires no artefacts."));
        }

        return GateReport.From(Name, findings, inputs);
    }

    private static GateFinding CardField(IReadOnlyDictionary<string, string?> modelCard, string field)
    {
        // Matched ordinally whatever comparer the caller's dictionary uses, so that the same card always gets the same verdict.
        var value = modelCard.FirstOrDefault(entry => string.Equals(entry.Key, field, StringComparison.Ordinal));
        return value.Key is null
            ? new GateFinding("model_card_field", field, GateOutcome.Fail, $"The model card has no '{field}' field.")
            : string.IsNullOrWhiteSpace(value.Value)
                ? new GateFinding("model_card_field", field, GateOutcome.Fail, $"The model card's '{field}' field is blank.")
                : new GateFinding("model_card_field", field, GateOutcome.Pass, $"The model card's '{field}' field is filled in.");
    }

    private static GateFinding Artefact(IReadOnlyList<LoggedArtefact> artefacts, string kind, string description)
    {
        var found = artefacts.Where(a => string.Equals(a.ResolvedKind, kind, StringComparison.OrdinalIgnoreCase)).Select(a => a.Path).ToArray();
        return found.Length == 0
            ? new GateFinding("artefact", kind, GateOutcome.Fail, $"No {description} was logged (an artefact of kind '{kind}', or a file named '{kind}.*').")
            : new GateFinding("artefact", kind, GateOutcome.Pass, $"The {description} was logged: {string.Join(", ", found)}.");
    }
}
