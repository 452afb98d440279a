namespace MlopsFlows.Domain.Statistics.Slo;

/// <summary>A service-level objective: the share of good events to hold over a rolling window.</summary>
/// <param name="Target">The good share to hold, in (0, 1): 0.999 allows one bad event in a thousand.</param>
/// <param name="Window">The rolling window the target applies to (commonly 30 days); the error budget is spent over it.</param>
public sealed record SloObjective(double Target, TimeSpan Window)
{
    public double Target { get; } = Target > 0 && Target < 1
        ? Target
        : throw new ArgumentOutOfRangeException(nameof(Target), Target, "An SLO target must lie strictly between 0 and 1.");

    public TimeSpan Window { get; } = Window > TimeSpan.Zero
        ? Window
        : throw new ArgumentOutOfRangeException(nameof(Window), Window, "An SLO window must be positive.");

    /// <summary>The bad share the window may hold, 1 − target.</summary>
    public double ErrorBudget => 1 - Target;
}

/// <summary>Counts for one interval of the served stream, stamped with the interval's end.</summary>
/// <param name="Timestamp">End of the interval the counts cover; a window ending at t holds the events stamped in (t − w, t].</param>
/// <param name="Good">Events that met the objective (e.g. requests answered without a server error, fast enough).</param>
/// <param name="Total">All events in the interval.</param>
public readonly record struct SloEvent(DateTimeOffset Timestamp, long Good, long Total)
{
    public long Bad => Total - Good;
}

/// <summary>The objective's standing over one window.</summary>
/// <param name="Attainment">Good / total; null when the window saw no events (nothing to attain or miss).</param>
/// <param name="BudgetConsumed">
/// Share of the window's error budget spent, bad / (budget · total): 1 means exactly on target, above 1 means missed.
/// Zero when the window saw no events.
/// </param>
public sealed record SloAttainment(
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long Good,
    long Total,
    double? Attainment,
    double BudgetConsumed)
{
    /// <summary>1 − consumed; negative once the budget is overspent.</summary>
    public double BudgetRemaining => 1 - BudgetConsumed;

    /// <summary>Whether the target held; an empty window has not missed it.</summary>
    public bool Met => BudgetConsumed <= 1;
}
