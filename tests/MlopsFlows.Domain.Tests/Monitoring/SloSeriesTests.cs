using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Tests.Monitoring;

public class SloSeriesTests
{
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RulesFor_ThirtyDays_AreTheWorkbookDefaults()
    {
        Assert.Same(BurnRateRule.Defaults, SloSeries.RulesFor(ThirtyDays));
    }

    [Fact]
    public void RulesFor_WindowShorterThanThreeDays_ScalesTheWindowsAndKeepsTheThresholds()
    {
        var window = TimeSpan.FromHours(12);
        var objective = new SloObjective(0.999, window);

        var rules = SloSeries.RulesFor(window);

        Assert.Equal([window / 720, window / 120, window / 10], rules.Select(r => r.LongWindow));
        Assert.Equal([14.4, 6.0, 1.0], rules.Select(r => Math.Round(r.BurnRateThreshold(objective), 9)));
        Assert.All(rules, r => Assert.Equal(r.LongWindow / 12, r.ShortWindow));
    }

    [Fact]
    public void Append_FourDaysOfFiveMinuteChecks_StaysSmallAndKeepsEveryRequestOfTheLongestWindow()
    {
        IReadOnlyList<SloEvent> series = [];
        var checks = 4 * 24 * 12;
        for (var i = 1; i <= checks; i++)
        {
            series = SloSeries.Append(series, new SloEvent(Start + (i * TimeSpan.FromMinutes(5)), 99, 100), ThirtyDays);
        }

        var now = Start + (checks * TimeSpan.FromMinutes(5));
        Assert.InRange(series.Count, 60, 100);
        Assert.Equal(series.OrderBy(e => e.Timestamp), series);
        Assert.All(series, e => Assert.True(now - e.Timestamp < TimeSpan.FromDays(3)));

        // Three days of five-minute checks all still counted (buckets merge, they do not drop); the oldest bucket may
        // hold up to an hour more, as it carries its newest sample's time.
        Assert.InRange(series.Sum(e => e.Total), 3 * 24 * 12 * 100, (3 * 24 * 12 * 100) + (12 * 100));
        Assert.Equal(12, series.Count(e => now - e.Timestamp < TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Append_SampleWithMoreGoodThanTotal_Throws()
    {
        Assert.Throws<ArgumentException>(() => SloSeries.Append([], new SloEvent(Start, 5, 4), ThirtyDays));
    }

    [Fact]
    public void Evaluate_HalfTheRequestsFailing_FiresBothPageRulesAndTheTicket()
    {
        var series = SloSeries.Append([], new SloEvent(Start, 500, 1000), ThirtyDays);

        var report = SloSeries.Evaluate(series, Start, 0.999, ThirtyDays);

        Assert.Equal(["page-fast-burn", "page-slow-burn", "ticket-steady-burn"], report.Firing.Select(r => r.Rule));
        Assert.Equal(500, report.Rules[0].ShortWindowBurnRate, 9);
        Assert.Equal(0.5, report.Attainment);
        Assert.Equal(1000, report.Requests);
    }

    [Fact]
    public void Evaluate_ErrorsAtTwiceTheBudget_FiresOnlyTheTicketRule()
    {
        var series = SloSeries.Append([], new SloEvent(Start, 998, 1000), ThirtyDays);

        var report = SloSeries.Evaluate(series, Start, 0.999, ThirtyDays);

        var firing = Assert.Single(report.Firing);
        Assert.Equal((AlertSeverity.Ticket, 2.0), (firing.Severity, Math.Round(firing.LongWindowBurnRate, 9)));
    }

    [Fact]
    public void Evaluate_NoRequests_BurnsNothing()
    {
        var report = SloSeries.Evaluate([], Start, 0.999, ThirtyDays);

        Assert.Empty(report.Firing);
        Assert.Null(report.Attainment);
    }
}
