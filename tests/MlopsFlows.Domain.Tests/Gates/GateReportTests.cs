using System.Text.Json;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Gates;

public class GateReportTests
{
    private static readonly GateFinding Passing = new("c", "s1", GateOutcome.Pass, "fine");
    private static readonly GateFinding Failing = new("c", "s2", GateOutcome.Fail, "broken");
    private static readonly GateFinding Unknown = new("c", "s3", GateOutcome.InsufficientData, "too few");

    [Fact]
    public void From_AllFindingsPass_Passes()
    {
        var report = GateReport.From("g", [Passing, Passing with { Reason = "also fine" }]);

        Assert.Equal(GateOutcome.Pass, report.Outcome);
        Assert.True(report.Passed);
        Assert.Equal(["fine", "also fine"], report.Reasons);
    }

    [Fact]
    public void From_AnyFailure_FailsEvenWithInsufficientData()
    {
        var report = GateReport.From("g", [Passing, Unknown, Failing]);

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.False(report.Passed);
        Assert.Equal(["too few", "broken"], report.Reasons);
    }

    [Fact]
    public void From_InsufficientDataWithoutFailure_IsInsufficientDataNeverPass()
    {
        var report = GateReport.From("g", [Passing, Unknown]);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.False(report.Passed);
        Assert.Equal(["too few"], report.Reasons);
    }

    [Fact]
    public void From_NoFindings_IsInsufficientData()
    {
        var report = GateReport.From("g", []);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.False(report.Passed);
        Assert.Empty(report.Reasons);
    }

    [Fact]
    public void Passed_OutcomeSaysPassButAFindingDoesNot_IsFalse()
    {
        var report = new GateReport("g", GateOutcome.Pass, [Passing, Unknown]);

        Assert.False(report.Passed);
    }

    [Fact]
    public void From_Inputs_AreSortedOrdinally()
    {
        var report = GateReport.From("g", [Passing], [new("b", "2"), new("B", "1"), new("a", "3")]);

        Assert.Equal(["B", "a", "b"], report.Inputs.Keys);
    }

    [Fact]
    public void Finding_NonFiniteNumbers_AreStoredAsNull()
    {
        var finding = Passing with
        {
            Value = double.NaN,
            Threshold = double.PositiveInfinity,
            Interval = new ConfidenceInterval(double.NegativeInfinity, double.NaN, 0.95, "m"),
            Measures = [new GateMeasure("x", double.NaN), new GateMeasure("y", 2)],
        };

        Assert.Null(finding.Value);
        Assert.Null(finding.Threshold);
        Assert.Null(finding.Interval!.Lower);
        Assert.Null(finding.Interval.Upper);
        Assert.Null(finding.Measures[0].Value);
        Assert.Equal(2, finding.Measures[1].Value);
    }

    [Fact]
    public void Report_RoundTripsThroughSystemTextJsonDefaults()
    {
        var report = GateReport.From(
            "fairness",
            [
                Failing with
                {
                    Value = 0.5,
                    Comparison = Comparison.AtLeast,
                    Threshold = 0.8,
                    SampleSize = 120,
                    Interval = new ConfidenceInterval(0.0, null, 0.95, ProportionIntervals.KatzLog),
                    Measures = [new GateMeasure("selection_rate", 0.25)],
                },
                Unknown,
            ],
            [new("rows", "1000")]);

        var json = JsonSerializer.Serialize(report);
        var back = JsonSerializer.Deserialize<GateReport>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Contains("\"Outcome\":\"InsufficientData\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Comparison\":\"AtLeast\"", json, StringComparison.Ordinal);
        GateMeasure[] none = [];
        Assert.Equal(report.Findings[0] with { Measures = none }, back.Findings[0] with { Measures = none });
        Assert.Equal(report.Findings[0].Interval, back.Findings[0].Interval);
        Assert.Equal(GateOutcome.Fail, back.Outcome);
        Assert.False(back.Passed);
        Assert.Equal("1000", back.Inputs["rows"]);
    }
}
