namespace MlopsFlows.Domain.Statistics.Slo;

/// <summary>One rule evaluated at one instant.</summary>
/// <param name="Threshold">The burn rate both windows had to exceed.</param>
/// <param name="LongWindowBurnRate">Bad share over the long window divided by the error budget; 0 when it saw no events.</param>
/// <param name="ShortWindowBurnRate">The same over the short window.</param>
public sealed record BurnRateEvaluation(
    BurnRateRule Rule,
    DateTimeOffset At,
    double Threshold,
    double LongWindowBurnRate,
    double ShortWindowBurnRate)
{
    /// <summary>Both windows burn faster than the threshold (strictly, as the workbook's alert expressions compare).</summary>
    public bool Firing => LongWindowBurnRate > Threshold && ShortWindowBurnRate > Threshold;
}

/// <summary>A rule starting or stopping to fire during a replay.</summary>
public sealed record AlertTransition(DateTimeOffset At, BurnRateRule Rule, bool Firing, double LongWindowBurnRate, double ShortWindowBurnRate);

/// <summary>
/// Error-budget attainment and multi-window multi-burn-rate alerts over a series of (timestamp, good, total) events.
/// Pure and replayable: the same events give the same answers at the same instants, whenever they are evaluated.
/// </summary>
/// <remarks>
/// A window of length w ending at t holds the events stamped in (t − w, t]. The burn rate of a window is its bad share
/// divided by the error budget (1 is the pace that spends the budget exactly over the SLO window); a window without
/// events burns nothing. Counting uses prefix sums and binary search, so each evaluation costs O(log n).
/// </remarks>
public sealed class BurnRateEvaluator
{
    private readonly DateTimeOffset[] timestamps;
    private readonly long[] cumulativeGood;
    private readonly long[] cumulativeTotal;

    /// <param name="rules">The alert rules; <see cref="BurnRateRule.Defaults"/> when null.</param>
    /// <exception cref="ArgumentException">An event has negative counts or more good than total, or a rule does not fit the objective.</exception>
    public BurnRateEvaluator(SloObjective objective, IEnumerable<SloEvent> events, IReadOnlyList<BurnRateRule>? rules = null)
    {
        Objective = objective;
        Rules = rules ?? BurnRateRule.Defaults;
        foreach (var rule in Rules)
        {
            rule.Validate(objective);
        }

        // Stable by timestamp, so events may arrive in any order.
        var sorted = events.OrderBy(e => e.Timestamp).ToArray();
        timestamps = new DateTimeOffset[sorted.Length];
        cumulativeGood = new long[sorted.Length + 1];
        cumulativeTotal = new long[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++)
        {
            var e = sorted[i];
            if (e.Total < 0 || e.Good < 0 || e.Good > e.Total)
            {
                throw new ArgumentException($"Event at {e.Timestamp:O} has good {e.Good} and total {e.Total}; need 0 ≤ good ≤ total.", nameof(events));
            }

            timestamps[i] = e.Timestamp;
            cumulativeGood[i + 1] = cumulativeGood[i] + e.Good;
            cumulativeTotal[i + 1] = cumulativeTotal[i] + e.Total;
        }
    }

    public SloObjective Objective { get; }

    public IReadOnlyList<BurnRateRule> Rules { get; }

    /// <summary>Attainment and budget spent over the window of <paramref name="window"/> (the SLO window by default) ending at <paramref name="at"/>.</summary>
    public SloAttainment Attainment(DateTimeOffset at, TimeSpan? window = null)
    {
        var length = window ?? Objective.Window;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(length, TimeSpan.Zero, nameof(window));
        var start = at - length;
        var (good, total) = Counts(start, at);
        return total == 0
            ? new SloAttainment(start, at, 0, 0, null, 0)
            : new SloAttainment(start, at, good, total, (double)good / total, BurnRate(good, total));
    }

    /// <summary>The burn rate of the window of <paramref name="window"/> ending at <paramref name="at"/>.</summary>
    public double BurnRate(DateTimeOffset at, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var (good, total) = Counts(at - window, at);
        return BurnRate(good, total);
    }

    /// <summary>Every rule evaluated at <paramref name="at"/>.</summary>
    public IReadOnlyList<BurnRateEvaluation> Evaluate(DateTimeOffset at) =>
        [.. Rules.Select(rule => new BurnRateEvaluation(
            rule,
            at,
            rule.BurnRateThreshold(Objective),
            BurnRate(at, rule.LongWindow),
            BurnRate(at, rule.ShortWindow)))];

    /// <summary>
    /// Evaluates every rule at <paramref name="from"/>, <paramref name="from"/> + <paramref name="step"/>, … up to
    /// <paramref name="to"/> (as a scheduler evaluating alerts would) and returns each change of state in order: a rule
    /// starting to fire, or resolving. Every rule is taken as silent before <paramref name="from"/>.
    /// </summary>
    public IReadOnlyList<AlertTransition> Replay(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        var firing = new bool[Rules.Count];
        var transitions = new List<AlertTransition>();
        for (var at = from; at <= to; at += step)
        {
            var evaluations = Evaluate(at);
            for (var i = 0; i < evaluations.Count; i++)
            {
                var evaluation = evaluations[i];
                if (evaluation.Firing != firing[i])
                {
                    firing[i] = evaluation.Firing;
                    transitions.Add(new AlertTransition(at, evaluation.Rule, evaluation.Firing, evaluation.LongWindowBurnRate, evaluation.ShortWindowBurnRate));
                }
            }
        }

        return transitions;
    }

    private double BurnRate(long good, long total) => total == 0 ? 0 : (double)(total - good) / total / Objective.ErrorBudget;

    // Sums over events stamped in (start, end].
    private (long Good, long Total) Counts(DateTimeOffset start, DateTimeOffset end)
    {
        var upper = CountAtOrBefore(end);
        var lower = CountAtOrBefore(start);
        return (cumulativeGood[upper] - cumulativeGood[lower], cumulativeTotal[upper] - cumulativeTotal[lower]);
    }

    // Number of events stamped at or before t.
    private int CountAtOrBefore(DateTimeOffset t)
    {
        int low = 0, high = timestamps.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (timestamps[middle] <= t)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
