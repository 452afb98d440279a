using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Gates;

public class PerformanceGateTests
{
    private static readonly PerformanceGatePolicy Policy = new(
    [
        new ChampionComparison("auc", HigherIsBetter: true, Tolerance: 0.01),
        new ChampionComparison("log_loss", HigherIsBetter: false, Tolerance: 0.02),
    ]);

    [Fact]
    public void Evaluate_NoRegression_Passes()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.82, 0.40), Champion(0.81, 0.41));

        Assert.True(report.Passed);
        Assert.Equal(PerformanceGate.Name, report.Gate);
        var auc = report.Findings[0];
        Assert.Equal(("regression", "auc", GateOutcome.Pass), (auc.Check, auc.Subject, auc.Outcome));
        Assert.Equal(0.81 - 0.82, auc.Value);
        Assert.Equal(0.01, auc.Threshold);
        Assert.Equal(Comparison.AtMost, auc.Comparison);
        Assert.Equal([new GateMeasure("candidate", 0.82), new GateMeasure("champion", 0.81)], auc.Measures);
        Assert.Equal("eval@3", report.Inputs["candidate_evaluation_set"]);
    }

    [Fact]
    public void Evaluate_HigherIsBetterMetricDropsBeyondTolerance_Fails()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.78, 0.40), Champion(0.81, 0.41));

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        var reason = Assert.Single(report.Reasons);
        Assert.Contains("auc", reason, StringComparison.Ordinal);
        Assert.Contains("exceeds the tolerance 0.01", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LowerIsBetterMetricRisesBeyondTolerance_Fails()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.81, 0.45), Champion(0.81, 0.41));

        var loss = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal("log_loss", loss.Subject);
        Assert.Equal(0.45 - 0.41, loss.Value);
    }

    [Fact]
    public void Evaluate_RegressionExactlyAtTolerance_Passes()
    {
        var policy = new PerformanceGatePolicy([new ChampionComparison("auc", true, 0.25)]);

        var report = PerformanceGate.Evaluate(policy, Candidate(0.5, 0), Champion(0.75, 0));

        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_NoChampion_PassesAsFirstRelease()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.5, 0.9), champion: null);

        Assert.True(report.Passed);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(PerformanceGate.FirstRelease, finding.Reason);
        Assert.Equal([PerformanceGate.FirstRelease], report.Reasons);
        Assert.Equal("none", report.Inputs["champion"]);
    }

    [Fact]
    public void Evaluate_DifferentEvaluationSets_InsufficientDataWithBothNamed()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.9, 0.1), Champion(0.8, 0.2) with { EvaluationSet = "eval@2" });

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.False(report.Passed);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("evaluation_set", finding.Check);
        Assert.Contains("'eval@3'", finding.Reason, StringComparison.Ordinal);
        Assert.Contains("'eval@2'", finding.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Evaluate_EvaluationSetNotIdentified_InsufficientData(string set)
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.9, 0.1) with { EvaluationSet = set }, Champion(0.8, 0.2) with { EvaluationSet = set });

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
    }

    [Fact]
    public void Evaluate_CandidateMetricMissing_Fails()
    {
        var candidate = new ModelEvaluation("credit v8", "eval@3", new Dictionary<string, double> { ["auc"] = 0.9 });

        var report = PerformanceGate.Evaluate(Policy, candidate, Champion(0.8, 0.2));

        var missing = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal("log_loss", missing.Subject);
        Assert.Null(missing.Value);
        Assert.Contains("not recorded for the candidate", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ChampionMetricMissing_Fails()
    {
        var champion = new ModelEvaluation("credit v7", "eval@3", new Dictionary<string, double> { ["log_loss"] = 0.2 });

        var report = PerformanceGate.Evaluate(Policy, Candidate(0.9, 0.1), champion);

        var missing = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Contains("not recorded for the champion", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NaNOnEitherSide_FailsWithoutNaNInTheReport()
    {
        var candidateNaN = PerformanceGate.Evaluate(Policy, Candidate(double.NaN, 0.1), Champion(0.8, 0.2));
        var championNaN = PerformanceGate.Evaluate(Policy, Candidate(0.9, 0.1), Champion(double.NaN, 0.2));

        Assert.Equal(GateOutcome.Fail, candidateNaN.Outcome);
        Assert.Equal(GateOutcome.Fail, championNaN.Outcome);
        Assert.Contains("not a number", candidateNaN.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("not a number", championNaN.Reasons[0], StringComparison.Ordinal);
        Assert.Null(candidateNaN.Findings[0].Measures[0].Value);
        Assert.Null(championNaN.Findings[0].Measures[1].Value);
        _ = System.Text.Json.JsonSerializer.Serialize(candidateNaN);
    }

    [Fact]
    public void Evaluate_InfiniteLoss_FailsAndStoresNoInfinity()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.81, double.PositiveInfinity), Champion(0.81, 0.41));

        var loss = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Null(loss.Value);
        Assert.Contains("+∞", loss.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BothInfinite_FailsAsIncomparable()
    {
        var report = PerformanceGate.Evaluate(Policy, Candidate(0.81, double.PositiveInfinity), Champion(0.81, double.PositiveInfinity));

        Assert.Contains("cannot be compared", Assert.Single(report.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PolicyWithoutMetrics_InsufficientData()
    {
        var report = PerformanceGate.Evaluate(new PerformanceGatePolicy([]), Candidate(0.9, 0.1), Champion(0.8, 0.2));

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
    }

    private static ModelEvaluation Candidate(double auc, double logLoss) =>
        new("credit v8", "eval@3", new Dictionary<string, double> { ["auc"] = auc, ["log_loss"] = logLoss });

    private static ModelEvaluation Champion(double auc, double logLoss) =>
        new("credit v7", "eval@3", new Dictionary<string, double> { ["auc"] = auc, ["log_loss"] = logLoss });
}
