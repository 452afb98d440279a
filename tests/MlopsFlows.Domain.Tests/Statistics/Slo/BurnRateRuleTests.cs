using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Tests.Statistics.Slo;

public class BurnRateRuleTests
{
    private static readonly SloObjective ThirtyDays = new(0.999, TimeSpan.FromDays(30));

    [Fact]
    public void Defaults_ThirtyDayWindow_GiveTheWorkbookFactors()
    {
        var thresholds = BurnRateRule.Defaults.Select(r => r.BurnRateThreshold(ThirtyDays)).ToArray();

        Assert.Equal(14.4, thresholds[0], 1e-12);
        Assert.Equal(6.0, thresholds[1], 1e-12);
        Assert.Equal(1.0, thresholds[2], 1e-12);
    }

    [Fact]
    public void Defaults_Windows_AreOneHourSixHoursThreeDaysWithTwelfthShortWindows()
    {
        Assert.Equal(
            [
                (AlertSeverity.Page, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)),
                (AlertSeverity.Page, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30)),
                (AlertSeverity.Ticket, TimeSpan.FromDays(3), TimeSpan.FromHours(6)),
            ],
            BurnRateRule.Defaults.Select(r => (r.Severity, r.LongWindow, r.ShortWindow)));
    }

    [Theory]
    [InlineData(28, 13.44, 5.6, 0.93333333333333333)]
    [InlineData(7, 3.36, 1.4, 0.23333333333333333)]
    [InlineData(90, 43.2, 18, 3)]
    public void BurnRateThreshold_OtherWindowLengths_DeriveTheirOwnFactors(int days, double fast, double slow, double steady)
    {
        // f · W / L: the budget fraction, not the 30-day factor, is what carries over.
        var objective = new SloObjective(0.995, TimeSpan.FromDays(days));
        var thresholds = BurnRateRule.Defaults.Select(r => r.BurnRateThreshold(objective)).ToArray();

        Assert.Equal(fast, thresholds[0], 1e-12);
        Assert.Equal(slow, thresholds[1], 1e-12);
        Assert.Equal(steady, thresholds[2], 1e-12);
    }

    [Fact]
    public void BurnRateThreshold_IndependentOfTarget()
    {
        var loose = new SloObjective(0.99, TimeSpan.FromDays(30));

        Assert.Equal(BurnRateRule.Defaults[0].BurnRateThreshold(ThirtyDays), BurnRateRule.Defaults[0].BurnRateThreshold(loose));
    }

    [Fact]
    public void Validate_LongWindowBeyondSloWindow_Throws()
    {
        var twoDays = new SloObjective(0.999, TimeSpan.FromDays(2));

        Assert.Throws<ArgumentException>(() => BurnRateRule.Defaults[2].Validate(twoDays));
    }

    [Theory]
    [InlineData(0, 60, 5)]
    [InlineData(1.5, 60, 5)]
    [InlineData(0.02, 60, 60)]
    [InlineData(0.02, 60, 0)]
    public void Validate_BadFractionOrWindows_Throws(double fraction, int longMinutes, int shortMinutes)
    {
        var rule = new BurnRateRule("r", AlertSeverity.Page, fraction, TimeSpan.FromMinutes(longMinutes), TimeSpan.FromMinutes(shortMinutes));

        Assert.Throws<ArgumentException>(() => rule.Validate(ThirtyDays));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1.2)]
    public void SloObjective_TargetOutsideOpenUnitInterval_Throws(double target)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SloObjective(target, TimeSpan.FromDays(30)));
    }
}
