using System.Text.Json.Serialization;
using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>One burn-rate rule evaluated at one check.</summary>
/// <param name="Threshold">The burn rate both windows had to exceed, derived from the SLO window.</param>
public sealed record RuleBurn(
    string Rule,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AlertSeverity>))] AlertSeverity Severity,
    TimeSpan LongWindow,
    TimeSpan ShortWindow,
    double Threshold,
    double LongWindowBurnRate,
    double ShortWindowBurnRate,
    bool Firing);

/// <summary>The error budget's standing at one check: every rule, and the attainment over the longest rule window.</summary>
/// <param name="Attainment">Good / total over the longest rule window; null when it saw no requests.</param>
public sealed record SloBurnReport(double Target, TimeSpan SloWindow, IReadOnlyList<RuleBurn> Rules, double? Attainment, long Requests)
{
    public IEnumerable<RuleBurn> Firing => Rules.Where(r => r.Firing);
}

/// <summary>
/// The request series a monitor carries from check to check, and the burn-rate rules evaluated over it. Pure: the same
/// series and instant give the same answer on every replay.
/// </summary>
/// <remarks>
/// The rules are <see cref="BurnRateRule.Defaults"/> (page on 2% of the budget in 1 h or 5% in 6 h, ticket on 10% in
/// 3 d; short windows a twelfth), their thresholds derived from the SLO window (14.4×, 6×, 1× for 30 days). An SLO window
/// shorter than 3 days cannot hold those windows, so its rules are the same budget fractions over 1/720, 1/120 and 1/10
/// of the window (the 30-day proportions, same thresholds). The series keeps each check's sample while it is younger
/// than the shortest long window, then merges samples into coarser buckets (half that window up to the middle long
/// window, a sixth of the middle one beyond) and drops what the longest window no longer holds: about ninety entries for a
/// 30-day SLO checked every five minutes, small enough to carry through <c>ContinueAsNew</c>. A merged bucket carries
/// its newest sample's time, so a window's edge is off by at most one bucket where precision matters least.
/// </remarks>
public static class SloSeries
{
    /// <summary>The burn-rate rules for an SLO window (see the class remarks).</summary>
    public static IReadOnlyList<BurnRateRule> RulesFor(TimeSpan sloWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sloWindow, TimeSpan.Zero);
        if (BurnRateRule.Defaults.All(r => r.LongWindow <= sloWindow))
        {
            return BurnRateRule.Defaults;
        }

        return
        [
            BurnRateRule.WithTwelfthShortWindow("page-fast-burn", AlertSeverity.Page, 0.02, sloWindow / 720),
            BurnRateRule.WithTwelfthShortWindow("page-slow-burn", AlertSeverity.Page, 0.05, sloWindow / 120),
            BurnRateRule.WithTwelfthShortWindow("ticket-steady-burn", AlertSeverity.Ticket, 0.10, sloWindow / 10),
        ];
    }

    /// <summary>Adds the newest sample and compacts the series as described on the class; returns a new series, oldest first.</summary>
    /// <exception cref="ArgumentException">The sample has negative counts or more good than total.</exception>
    public static IReadOnlyList<SloEvent> Append(IReadOnlyList<SloEvent> series, SloEvent sample, TimeSpan sloWindow)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (sample.Total < 0 || sample.Good < 0 || sample.Good > sample.Total)
        {
            throw new ArgumentException($"A sample needs 0 ≤ good ≤ total; got good {sample.Good} of {sample.Total}.", nameof(sample));
        }

        var rules = RulesFor(sloWindow);
        var shortest = rules[0].LongWindow;
        var middle = rules[1].LongWindow;
        var longest = rules[2].LongWindow;
        var nearBucket = Ticks(shortest / 2);
        var farBucket = Ticks(middle / 6);
        var now = sample.Timestamp;

        var merged = new SortedDictionary<(int Tier, long Key), SloEvent>();
        var raw = 0L;
        foreach (var e in series.Append(sample).OrderBy(e => e.Timestamp))
        {
            var age = now - e.Timestamp;
            if (age >= longest)
            {
                continue;
            }

            (int, long) key = age <= shortest
                ? (2, raw++)
                : age <= middle ? (1, e.Timestamp.UtcTicks / nearBucket) : (0, e.Timestamp.UtcTicks / farBucket);
            merged[key] = merged.TryGetValue(key, out var bucket)
                ? new SloEvent(e.Timestamp > bucket.Timestamp ? e.Timestamp : bucket.Timestamp, bucket.Good + e.Good, bucket.Total + e.Total)
                : e;
        }

        return [.. merged.Values.OrderBy(e => e.Timestamp)];
    }

    /// <summary>Evaluates every rule at <paramref name="at"/> over the series.</summary>
    public static SloBurnReport Evaluate(IReadOnlyList<SloEvent> series, DateTimeOffset at, double target, TimeSpan sloWindow)
    {
        var objective = new SloObjective(target, sloWindow);
        var rules = RulesFor(sloWindow);
        var evaluator = new BurnRateEvaluator(objective, series, rules);
        var burns = evaluator.Evaluate(at)
            .Select(e => new RuleBurn(e.Rule.Name, e.Rule.Severity, e.Rule.LongWindow, e.Rule.ShortWindow, e.Threshold, e.LongWindowBurnRate, e.ShortWindowBurnRate, e.Firing))
            .ToArray();
        var attainment = evaluator.Attainment(at, rules[^1].LongWindow);
        return new SloBurnReport(target, sloWindow, burns, attainment.Attainment, attainment.Total);
    }

    // Never zero, so a tiny SLO window in a test still buckets.
    private static long Ticks(TimeSpan span) => Math.Max(1, span.Ticks);
}
