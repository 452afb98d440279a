using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Gates;

public class GateEvaluationTests
{
    private static readonly MetricThreshold[] Gates =
    [
        new("auc", Comparison.AtLeast, 0.70),
        new("log_loss", Comparison.AtMost, 0.60),
    ];

    [Fact]
    public void Evaluate_AllMetricsMeetTheirThresholds_Passes()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.81, ["log_loss"] = 0.42 }, Gates);

        Assert.True(verdict.Passed);
        Assert.Equal(2, verdict.Checks.Count);
        Assert.All(verdict.Checks, c => Assert.True(c.Passed));
        Assert.Empty(verdict.FailureReasons);
        Assert.Equal(0.81, verdict.Checks[0].Value);
        Assert.Equal("auc", verdict.Checks[0].Metric);
        Assert.Equal(Comparison.AtLeast, verdict.Checks[0].Comparison);
        Assert.Equal(0.70, verdict.Checks[0].Threshold);
    }

    [Fact]
    public void Evaluate_OneMetricMissesItsThreshold_FailsAndNamesIt()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.65, ["log_loss"] = 0.42 }, Gates);

        Assert.False(verdict.Passed);
        var reason = Assert.Single(verdict.FailureReasons);
        Assert.Contains("auc", reason, StringComparison.Ordinal);
        Assert.Contains("does not meet", reason, StringComparison.Ordinal);
        Assert.True(verdict.Checks[1].Passed);
    }

    [Fact]
    public void Evaluate_MetricNotRecorded_Fails()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.9 }, Gates);

        Assert.False(verdict.Passed);
        var missing = Assert.Single(verdict.Checks, c => !c.Passed);
        Assert.Equal("log_loss", missing.Metric);
        Assert.Null(missing.Value);
        Assert.Contains("was not recorded", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoMetricsAtAll_FailsEveryGate()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double>(), Gates);

        Assert.False(verdict.Passed);
        Assert.Equal(2, verdict.FailureReasons.Count());
    }

    [Fact]
    public void Evaluate_MetricNameDiffersInCase_CountsAsMissing()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["AUC"] = 0.9, ["log_loss"] = 0.1 }, Gates);

        Assert.False(verdict.Passed);
        Assert.Null(verdict.Checks[0].Value);
    }

    [Theory]
    [InlineData(Comparison.AtLeast)]
    [InlineData(Comparison.AtMost)]
    public void Evaluate_NaNValue_Fails(Comparison comparison)
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["m"] = double.NaN }, [new MetricThreshold("m", comparison, 0.5)]);

        Assert.False(verdict.Passed);
        Assert.True(double.IsNaN(verdict.Checks[0].Value!.Value));
    }

    [Theory]
    [InlineData(0.70, true)]
    [InlineData(0.7000000000000001, true)]
    [InlineData(0.6999999999999999, false)]
    [InlineData(double.PositiveInfinity, true)]
    [InlineData(double.NegativeInfinity, false)]
    public void Evaluate_AtLeastBoundary_ThresholdItselfPasses(double value, bool expected)
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = value }, [new MetricThreshold("auc", Comparison.AtLeast, 0.70)]);

        Assert.Equal(expected, verdict.Passed);
    }

    [Theory]
    [InlineData(0.60, true)]
    [InlineData(0.5999999999999999, true)]
    [InlineData(0.6000000000000001, false)]
    [InlineData(double.NegativeInfinity, true)]
    [InlineData(double.PositiveInfinity, false)]
    public void Evaluate_AtMostBoundary_ThresholdItselfPasses(double value, bool expected)
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["log_loss"] = value }, [new MetricThreshold("log_loss", Comparison.AtMost, 0.60)]);

        Assert.Equal(expected, verdict.Passed);
    }

    [Fact]
    public void Evaluate_ExtraMetricsWithoutGates_AreIgnored()
    {
        var verdict = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.9, ["log_loss"] = 0.1, ["f1"] = 0.0 }, Gates);

        Assert.True(verdict.Passed);
        Assert.Equal(["auc", "log_loss"], verdict.Checks.Select(c => c.Metric));
    }

    [Fact]
    public void ToReport_ChecksBecomeFindingsWithValuesAndThresholds()
    {
        var report = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.65, ["log_loss"] = 0.42 }, Gates).ToReport();

        Assert.Equal(GateEvaluation.Name, report.Gate);
        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.Equal(["auc", "log_loss"], report.Findings.Select(f => f.Subject));
        Assert.Equal((0.65, 0.70, Comparison.AtLeast, GateOutcome.Fail), (report.Findings[0].Value, report.Findings[0].Threshold, report.Findings[0].Comparison, report.Findings[0].Outcome));
        Assert.Equal(GateOutcome.Pass, report.Findings[1].Outcome);
    }

    [Fact]
    public void ToReport_AllChecksPass_Passes()
    {
        var report = GateEvaluation.Evaluate(new Dictionary<string, double> { ["auc"] = 0.81, ["log_loss"] = 0.42 }, Gates).ToReport();

        Assert.True(report.Passed);
    }

    [Fact]
    public void ToReport_CannotEvaluate_IsInsufficientDataNeverPass()
    {
        var report = GateVerdict.CannotEvaluate("model version 9 does not exist").ToReport();

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.Equal(["model version 9 does not exist"], report.Reasons);
    }

    [Fact]
    public void ToReport_NaNValue_FailsAndStoresNull()
    {
        var report = GateEvaluation.Evaluate(new Dictionary<string, double> { ["m"] = double.NaN }, [new MetricThreshold("m", Comparison.AtLeast, 0.5)]).ToReport();

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.Null(report.Findings[0].Value);
    }

    [Fact]
    public void IsMetBy_UnknownComparison_IsNotMet()
    {
        Assert.False(new MetricThreshold("m", (Comparison)42, 0).IsMetBy(1));
    }
}
