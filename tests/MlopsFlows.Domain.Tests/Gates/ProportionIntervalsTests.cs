using System.Text.Json;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Tests.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Gates;

public class ProportionIntervalsTests(ITestOutputHelper output)
{
    private static readonly JsonElement RelativeRiskCases = Golden.Load("fairness/relative_risk.json").GetProperty("cases");
    private static readonly JsonElement DifferenceCases = Golden.Load("fairness/difference.json").GetProperty("cases");

    [Fact]
    public void RelativeRiskKatz_ScipyGoldens_MatchRatioAndBounds()
    {
        var agreement = new Agreement("relative risk (Katz)", relative: 1e-9, absolute: 1e-15);
        foreach (var c in RelativeRiskCases.EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var (a, n1, b, n2) = (c.GetProperty("exposed_cases").GetInt64(), c.GetProperty("exposed_total").GetInt64(), c.GetProperty("control_cases").GetInt64(), c.GetProperty("control_total").GetInt64());
            var level = c.Number("confidence_level");
            var ratio = ProportionIntervals.RelativeRisk(a, n1, b, n2);
            var interval = ProportionIntervals.RelativeRiskKatz(a, n1, b, n2, level);

            CheckNullable(agreement, $"{name} ratio", c.GetProperty("ratio"), double.IsFinite(ratio) ? ratio : null);
            CheckNullable(agreement, $"{name} low", c.GetProperty("low"), interval.Lower);
            CheckNullable(agreement, $"{name} high", c.GetProperty("high"), interval.Upper);
            Assert.Equal(level, interval.Level);
            Assert.Equal(ProportionIntervals.KatzLog, interval.Method);
        }

        agreement.AssertAll(output);
    }

    [Fact]
    public void WilsonScore_ScipyGoldens_MatchBothProportions()
    {
        var agreement = new Agreement("Wilson score", relative: 1e-9, absolute: 1e-15);
        foreach (var c in DifferenceCases.EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var level = c.Number("confidence_level");
            var (low1, high1) = ProportionIntervals.WilsonScore(c.GetProperty("k1").GetInt64(), c.GetProperty("n1").GetInt64(), level);
            var (low2, high2) = ProportionIntervals.WilsonScore(c.GetProperty("k2").GetInt64(), c.GetProperty("n2").GetInt64(), level);
            var expected1 = c.Numbers("wilson1");
            var expected2 = c.Numbers("wilson2");

            agreement.Check($"{name} l1", expected1[0], low1);
            agreement.Check($"{name} u1", expected1[1], high1);
            agreement.Check($"{name} l2", expected2[0], low2);
            agreement.Check($"{name} u2", expected2[1], high2);
        }

        agreement.AssertAll(output);
    }

    [Fact]
    public void NewcombeDifference_ScipyGoldens_MatchDifferenceAndBounds()
    {
        var agreement = new Agreement("Newcombe difference", relative: 1e-9, absolute: 1e-15);
        foreach (var c in DifferenceCases.EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var level = c.Number("confidence_level");
            var interval = ProportionIntervals.NewcombeDifference(
                c.GetProperty("k1").GetInt64(), c.GetProperty("n1").GetInt64(), c.GetProperty("k2").GetInt64(), c.GetProperty("n2").GetInt64(), level);

            agreement.Check($"{name} low", c.Number("low"), interval.Lower!.Value);
            agreement.Check($"{name} high", c.Number("high"), interval.Upper!.Value);
            Assert.Equal(ProportionIntervals.Newcombe, interval.Method);
        }

        agreement.AssertAll(output);
    }

    [Fact]
    public void WilsonScore_NoSuccessesOrAllSuccesses_PinsTheBoundAtZeroOrOne()
    {
        Assert.Equal(0.0, ProportionIntervals.WilsonScore(0, 20, 0.95).Lower);
        Assert.Equal(1.0, ProportionIntervals.WilsonScore(20, 20, 0.95).Upper);
    }

    [Fact]
    public void NewcombeDifference_BothRatesOne_IsAnIntervalAroundZero()
    {
        var interval = ProportionIntervals.NewcombeDifference(40, 40, 50, 50, 0.95);

        Assert.True(interval.Lower < 0 && interval.Upper > 0);
    }

    [Fact]
    public void RelativeRiskKatz_ExposedZero_IsZeroToUndefined()
    {
        var interval = ProportionIntervals.RelativeRiskKatz(0, 50, 10, 50, 0.95);

        Assert.Equal(0.0, interval.Lower);
        Assert.Null(interval.Upper);
    }

    [Fact]
    public void RelativeRiskKatz_ControlZero_BothBoundsUndefined()
    {
        var interval = ProportionIntervals.RelativeRiskKatz(10, 50, 0, 50, 0.95);

        Assert.Null(interval.Lower);
        Assert.Null(interval.Upper);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void RelativeRiskKatz_LevelOutsideZeroOne_Throws(double level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionIntervals.RelativeRiskKatz(1, 2, 1, 2, level));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionIntervals.NewcombeDifference(1, 2, 1, 2, level));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(-1, 2)]
    [InlineData(0, 0)]
    public void NewcombeDifference_ImpossibleCounts_Throw(long successes, long trials)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionIntervals.NewcombeDifference(successes, trials, 1, 2, 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionIntervals.RelativeRisk(1, 2, successes, trials));
    }

    private static void CheckNullable(Agreement agreement, string label, JsonElement expected, double? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{label}: scipy has no finite value, ours is {actual}");
            return;
        }

        Assert.True(actual is not null, $"{label}: scipy has {expected.GetDouble()}, ours is undefined");
        agreement.Check(label, expected.GetDouble(), actual.Value);
    }
}
