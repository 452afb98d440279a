using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Tests.Statistics.Slo;

/// <summary>
/// Replays synthetic per-minute series against the default rules for a 99.9% / 30-day objective (thresholds 14.4×, 6×,
/// 1×). Every minute carries 1,000 requests, stamped at its end (minute m covers (m − 1, m]); the expected instants were
/// worked out by hand, as the comments show, and none sits on a threshold.
/// </summary>
public class BurnRateEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SloObjective Objective = new(0.999, TimeSpan.FromDays(30));
    private const long PerMinute = 1000;

    [Fact]
    public void Replay_ShortSevereOutage_TicketThenFastPageThenBothResolve()
    {
        // 5% errors (burn 50×) in minutes 601..630, none elsewhere.
        // ticket (3 d / 6 h, > 1×): long window holds everything since T0: 50·(m − 600)/m > 1 first at m = 613;
        //   6 h short window holds 13 bad minutes then (1.8×). Resolves when the 6 h window keeps < 8 bad minutes
        //   (50·7/360 = 0.97×): (m − 360, m] ∩ [601, 630] = 7 at m = 983.
        // page-fast (1 h / 5 m, > 14.4×): 50·B/60 > 14.4 needs B ≥ 18 bad minutes in the hour: m = 618. Resolves when the
        //   5 m window holds one bad minute (10×): m = 634.
        // page-slow (6 h / 30 m, > 6×): 50·30/360 = 4.2× at most: never.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(24 * 60, m => m is >= 601 and <= 630 ? 50 : 0));

        var transitions = evaluator.Replay(T0.AddMinutes(1), T0.AddHours(24), TimeSpan.FromMinutes(1));

        Assert.Equal(
            [
                (613, "ticket-steady-burn", true),
                (618, "page-fast-burn", true),
                (634, "page-fast-burn", false),
                (983, "ticket-steady-burn", false),
            ],
            Summarize(transitions));
    }

    [Fact]
    public void Replay_SixHourModerateBurn_TicketThenSlowPageThenBothResolve()
    {
        // 1.1% errors (burn 11×) in minutes 606..965, none elsewhere.
        // ticket: 11·(m − 605)/m > 1 first at m = 666 (11:06); resolves when the 6 h window keeps < 33 bad minutes
        //   (11·32/360 = 0.98×): 965 − (m − 360) = 32 at m = 1293 (21:33).
        // page-slow (> 6×): 11·B/360 > 6 needs B ≥ 197 bad minutes in 6 h: m = 802 (13:22); the 30 m window then burns 11×.
        //   Resolves when the 30 m window keeps < 17 bad minutes (11·16/30 = 5.9×): 995 − m = 16 at m = 979 (16:19).
        // page-fast (> 14.4×): 11× at most: never.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(24 * 60, m => m is >= 606 and <= 965 ? 11 : 0));

        var transitions = evaluator.Replay(T0.AddMinutes(1), T0.AddHours(24), TimeSpan.FromMinutes(1));

        Assert.Equal(
            [
                (666, "ticket-steady-burn", true),
                (802, "page-slow-burn", true),
                (979, "page-slow-burn", false),
                (1293, "ticket-steady-burn", false),
            ],
            Summarize(transitions));
    }

    [Fact]
    public void Replay_ErrorsWithinBudgetPace_NeverAlerts()
    {
        // 9 errors in 10,000 every minute: 0.9× everywhere, under even the 1× ticket threshold.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(4 * 24 * 60, _ => 9, total: 10_000));

        Assert.Empty(evaluator.Replay(T0.AddMinutes(1), T0.AddDays(4), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Replay_SpikeShorterThanTheLongWindowNeeds_DoesNotPage()
    {
        // 800 of 1,000 failing in one minute is 800 bad of 60,000 in the hour: 13.3×, under 14.4×.
        // The 5 m window is far above; the long window is what keeps a blip from paging.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(3 * 60, m => m == 120 ? 800 : 0));

        var transitions = evaluator.Replay(T0.AddMinutes(61), T0.AddHours(3), TimeSpan.FromMinutes(1));

        Assert.DoesNotContain(transitions, t => t.Rule.Name == "page-fast-burn");
    }

    [Fact]
    public void Replay_CoarserStep_ReportsTheFirstEvaluationPastEachChange()
    {
        // Same series as the short outage, evaluated every 5 minutes from minute 5: 613 → 615, 618 → 620, 634 → 635, 983 → 985.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(24 * 60, m => m is >= 601 and <= 630 ? 50 : 0));

        var transitions = evaluator.Replay(T0.AddMinutes(5), T0.AddHours(24), TimeSpan.FromMinutes(5));

        Assert.Equal([615, 620, 635, 985], transitions.Select(t => (int)(t.At - T0).TotalMinutes));
    }

    [Fact]
    public void Evaluate_DuringFastBurn_ReportsBothWindowsAndThresholds()
    {
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(24 * 60, m => m is >= 601 and <= 630 ? 50 : 0));

        var evaluations = evaluator.Evaluate(T0.AddMinutes(620));
        var fast = evaluations[0];

        // Long: 20 bad minutes of 60 at 50× → 16.67×; short: 5 of 5 → 50×.
        Assert.Equal(50.0 * 20 / 60, fast.LongWindowBurnRate, 1e-9);
        Assert.Equal(50.0, fast.ShortWindowBurnRate, 1e-9);
        Assert.Equal(14.4, fast.Threshold, 1e-12);
        Assert.True(fast.Firing);
        Assert.Equal(3, evaluations.Count);
    }

    [Fact]
    public void BurnRate_WindowEdges_ExcludeStartIncludeEnd()
    {
        // Two one-minute buckets: 10 bad at minute 10 and none at minute 11. The window (10, 11] sees only the second.
        var evaluator = new BurnRateEvaluator(Objective, [Event(10, 990), Event(11, 1000)]);

        Assert.Equal(0.0, evaluator.BurnRate(T0.AddMinutes(11), TimeSpan.FromMinutes(1)));
        Assert.Equal(10.0, evaluator.BurnRate(T0.AddMinutes(10), TimeSpan.FromMinutes(1)), 1e-9);
        Assert.Equal(5.0, evaluator.BurnRate(T0.AddMinutes(11), TimeSpan.FromMinutes(2)), 1e-9);
    }

    [Fact]
    public void Attainment_Window_CountsGoodOverTotalAndBudgetSpent()
    {
        // 30 days of 10,000 per minute with 5 errors each: attainment 0.9995, half the budget spent.
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(30 * 24 * 60, _ => 5, total: 10_000));

        var attainment = evaluator.Attainment(T0.AddDays(30));

        Assert.Equal(30L * 24 * 60 * 10_000, attainment.Total);
        Assert.Equal(0.9995, attainment.Attainment!.Value, 1e-12);
        Assert.Equal(0.5, attainment.BudgetConsumed, 1e-9);
        Assert.Equal(0.5, attainment.BudgetRemaining, 1e-9);
        Assert.True(attainment.Met);
        Assert.Equal(T0, attainment.WindowStart);
    }

    [Fact]
    public void Attainment_OverspentBudget_IsNotMet()
    {
        var evaluator = new BurnRateEvaluator(Objective, PerMinuteSeries(24 * 60, _ => 2));

        var attainment = evaluator.Attainment(T0.AddDays(1), TimeSpan.FromDays(1));

        Assert.Equal(0.998, attainment.Attainment!.Value, 1e-12);
        Assert.Equal(2.0, attainment.BudgetConsumed, 1e-9);
        Assert.False(attainment.Met);
    }

    [Fact]
    public void AttainmentAndBurn_NoTraffic_AreEmptyAndNeverFire()
    {
        var evaluator = new BurnRateEvaluator(Objective, []);

        var attainment = evaluator.Attainment(T0.AddDays(30));

        Assert.Null(attainment.Attainment);
        Assert.Equal(0, attainment.Total);
        Assert.True(attainment.Met);
        Assert.All(evaluator.Evaluate(T0.AddDays(3)), e => Assert.False(e.Firing));
        Assert.Empty(evaluator.Replay(T0, T0.AddHours(2), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Constructor_UnsortedEvents_AreOrderedByTimestamp()
    {
        var sorted = new BurnRateEvaluator(Objective, [Event(1, 1000), Event(2, 900), Event(3, 1000)]);
        var shuffled = new BurnRateEvaluator(Objective, [Event(3, 1000), Event(1, 1000), Event(2, 900)]);

        Assert.Equal(sorted.BurnRate(T0.AddMinutes(2), TimeSpan.FromMinutes(1)), shuffled.BurnRate(T0.AddMinutes(2), TimeSpan.FromMinutes(1)));
        Assert.Equal(100.0, shuffled.BurnRate(T0.AddMinutes(2), TimeSpan.FromMinutes(1)), 1e-9);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, -1)]
    public void Constructor_InvalidCounts_Throws(long good, long total)
    {
        Assert.Throws<ArgumentException>(() => new BurnRateEvaluator(Objective, [new SloEvent(T0, good, total)]));
    }

    [Fact]
    public void Constructor_RuleLongerThanSloWindow_Throws()
    {
        var oneDay = new SloObjective(0.999, TimeSpan.FromDays(1));

        Assert.Throws<ArgumentException>(() => new BurnRateEvaluator(oneDay, []));
    }

    [Fact]
    public void Replay_CustomRules_UseTheirOwnDerivedThresholds()
    {
        // One rule: 50% of a 1-day budget in 2 hours → 0.5 · 24 / 2 = 6×, confirmed over 10 minutes.
        var oneDay = new SloObjective(0.99, TimeSpan.FromDays(1));
        var rule = new BurnRateRule("half-budget", AlertSeverity.Page, 0.5, TimeSpan.FromHours(2), TimeSpan.FromMinutes(10));
        // 10% errors (10× a 1% budget) from minute 61: 10·B/120 > 6 needs B ≥ 73 bad minutes: m = 133.
        var evaluator = new BurnRateEvaluator(oneDay, PerMinuteSeries(4 * 60, m => m > 60 ? 100 : 0), [rule]);

        var transitions = evaluator.Replay(T0.AddMinutes(1), T0.AddHours(4), TimeSpan.FromMinutes(1));

        Assert.Equal(6.0, rule.BurnRateThreshold(oneDay), 1e-12);
        Assert.Equal([(133, "half-budget", true)], Summarize(transitions));
    }

    private static IEnumerable<(int Minute, string Rule, bool Firing)> Summarize(IEnumerable<AlertTransition> transitions) =>
        transitions.Select(t => ((int)(t.At - T0).TotalMinutes, t.Rule.Name, t.Firing));

    // Minute m (1-based) holds `total` requests of which badAt(m) failed.
    private static List<SloEvent> PerMinuteSeries(int minutes, Func<int, long> badAt, long total = PerMinute) =>
        [.. Enumerable.Range(1, minutes).Select(m => new SloEvent(T0.AddMinutes(m), total - badAt(m), total))];

    private static SloEvent Event(int minute, long good) => new(T0.AddMinutes(minute), good, PerMinute);
}
