using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Gates;

public class ArtefactGateTests
{
    private static readonly ArtefactGatePolicy Credit = new(["intended_use", "limitations"], ExplainabilityReport: true, ReasonCodeMapping: true);

    private static readonly Dictionary<string, string?> FullCard = new()
    {
        ["intended_use"] = "Retail credit line decisions",
        ["limitations"] = "Not validated for business lending",
        ["owner"] = "risk-models",
    };

    [Fact]
    public void Evaluate_EverythingPresent_Passes()
    {
        LoggedArtefact[] artefacts = [new("reports/shap_summary.html", ArtefactGate.ExplainabilityReport), new("reason_code_mapping.csv")];

        var report = ArtefactGate.Evaluate(Credit, FullCard, artefacts);

        Assert.True(report.Passed);
        Assert.Equal(ArtefactGate.Name, report.Gate);
        Assert.Equal(4, report.Findings.Count);
        Assert.Contains(report.Findings, f => f.Subject == ArtefactGate.ReasonCodeMapping && f.Reason.Contains("reason_code_mapping.csv", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_ModelCardFieldMissing_Fails()
    {
        var card = new Dictionary<string, string?>(FullCard);
        card.Remove("limitations");

        var report = ArtefactGate.Evaluate(Credit with { ExplainabilityReport = false, ReasonCodeMapping = false }, card, []);

        var missing = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("model_card_field", "limitations"), (missing.Check, missing.Subject));
        Assert.Contains("no 'limitations' field", missing.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Evaluate_ModelCardFieldBlank_Fails(string? value)
    {
        var card = new Dictionary<string, string?>(FullCard) { ["intended_use"] = value };

        var report = ArtefactGate.Evaluate(Credit with { ExplainabilityReport = false, ReasonCodeMapping = false }, card, []);

        Assert.Contains("blank", Assert.Single(report.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FieldNameDiffersInCase_CountsAsMissing()
    {
        var card = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Intended_Use"] = "x", ["limitations"] = "y" };

        var report = ArtefactGate.Evaluate(Credit with { ExplainabilityReport = false, ReasonCodeMapping = false }, card, []);

        Assert.Equal("intended_use", Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail).Subject);
    }

    [Fact]
    public void Evaluate_ExplainabilityReportMissing_Fails()
    {
        var report = ArtefactGate.Evaluate(Credit, FullCard, [new LoggedArtefact("reason_code_mapping.json"), new LoggedArtefact("model/model.pkl")]);

        var missing = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("artefact", ArtefactGate.ExplainabilityReport), (missing.Check, missing.Subject));
    }

    [Fact]
    public void Evaluate_ReasonCodeMappingRequiredButOnlyTheReportLogged_Fails()
    {
        var report = ArtefactGate.Evaluate(Credit, FullCard, [new LoggedArtefact("explainability_report.html")]);

        Assert.Equal(ArtefactGate.ReasonCodeMapping, Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail).Subject);
    }

    [Fact]
    public void Evaluate_NothingRequired_PassesSayingSo()
    {
        var report = ArtefactGate.Evaluate(new ArtefactGatePolicy([]), new Dictionary<string, string?>(), []);

        Assert.True(report.Passed);
        Assert.Contains("requires no artefacts", Assert.Single(report.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EmptyInputsWithRequirements_FailsEveryOne()
    {
        var report = ArtefactGate.Evaluate(Credit, new Dictionary<string, string?>(), []);

        Assert.Equal(4, report.Reasons.Count);
        Assert.Equal(GateOutcome.Fail, report.Outcome);
    }

    [Theory]
    [InlineData("reports/explainability_report.html", null, "explainability_report")]
    [InlineData("reports\\explainability_report.tar.gz", null, "explainability_report")]
    [InlineData("shap.html", "explainability_report", "explainability_report")]
    [InlineData("explainability_report.html", "  ", "explainability_report")]
    [InlineData("reason_code_mapping", null, "reason_code_mapping")]
    [InlineData("notes.txt", "other", "other")]
    public void ResolvedKind_LoggedKindElseFileNameBeforeTheFirstDot(string path, string? kind, string expected)
    {
        Assert.Equal(expected, new LoggedArtefact(path, kind).ResolvedKind);
    }

    [Fact]
    public void Evaluate_KindInAnotherCase_IsRecognised()
    {
        var report = ArtefactGate.Evaluate(Credit with { ReasonCodeMapping = false }, FullCard, [new LoggedArtefact("x.html", "Explainability_Report")]);

        Assert.True(report.Passed);
    }
}
