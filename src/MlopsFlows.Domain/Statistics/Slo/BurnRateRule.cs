namespace MlopsFlows.Domain.Statistics.Slo;

/// <summary>What a firing burn-rate rule asks for.</summary>
public enum AlertSeverity
{
    /// <summary>Wake someone: the budget will be gone within days.</summary>
    Page,

    /// <summary>Open a ticket: a slow burn that needs attention this week.</summary>
    Ticket,
}

/// <summary>
/// A multi-window, multi-burn-rate alert (Google SRE workbook, "Alerting on SLOs"): it fires when the long window has
/// spent more than <see cref="BudgetFraction"/> of the whole SLO window's error budget and the short window is burning
/// at least as fast, so that it fires quickly and also stops quickly once the burn ends.
/// </summary>
/// <remarks>
/// The burn-rate threshold is not a constant but follows from the fraction: spending fraction f of the budget within a
/// long window L of an SLO window W means burning f·W/L times faster than the rate that spends the budget exactly over
/// W. For W = 30 days: 2% in 1 h is 14.4×, 5% in 6 h is 6×, 10% in 3 days is 1×; a 28-day SLO gets 13.44×, 5.6×, 0.93×.
/// </remarks>
/// <param name="Name">Identifies the rule in alerts and evidence.</param>
/// <param name="BudgetFraction">Share of the SLO window's budget that the long window may not exceed, in (0, 1].</param>
/// <param name="LongWindow">The window that measures the spend; at most the SLO window.</param>
/// <param name="ShortWindow">The confirming window, shorter than the long one (the workbook uses a twelfth).</param>
public sealed record BurnRateRule(
    string Name,
    AlertSeverity Severity,
    double BudgetFraction,
    TimeSpan LongWindow,
    TimeSpan ShortWindow)
{
    /// <summary>The workbook's three rules: page on 2% in 1 h or 5% in 6 h, ticket on 10% in 3 days.</summary>
    public static IReadOnlyList<BurnRateRule> Defaults { get; } =
    [
        WithTwelfthShortWindow("page-fast-burn", AlertSeverity.Page, 0.02, TimeSpan.FromHours(1)),
        WithTwelfthShortWindow("page-slow-burn", AlertSeverity.Page, 0.05, TimeSpan.FromHours(6)),
        WithTwelfthShortWindow("ticket-steady-burn", AlertSeverity.Ticket, 0.10, TimeSpan.FromDays(3)),
    ];

    /// <summary>A rule whose short window is a twelfth of its long one (1 h → 5 m, 6 h → 30 m, 3 d → 6 h), as in the workbook.</summary>
    public static BurnRateRule WithTwelfthShortWindow(string name, AlertSeverity severity, double budgetFraction, TimeSpan longWindow) =>
        new(name, severity, budgetFraction, longWindow, longWindow / 12);

    /// <summary>The burn rate both windows must exceed: <see cref="BudgetFraction"/> · SLO window / <see cref="LongWindow"/>.</summary>
    public double BurnRateThreshold(SloObjective objective)
    {
        Validate(objective);
        return BudgetFraction * (objective.Window / LongWindow);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the rule cannot apply to the objective.</summary>
    public void Validate(SloObjective objective)
    {
        if (!(BudgetFraction > 0 && BudgetFraction <= 1))
        {
            throw new ArgumentException($"Rule {Name}: the budget fraction must lie in (0, 1].");
        }

        if (ShortWindow <= TimeSpan.Zero || ShortWindow >= LongWindow)
        {
            throw new ArgumentException($"Rule {Name}: the short window must be positive and shorter than the long window {LongWindow}.");
        }

        if (LongWindow > objective.Window)
        {
            throw new ArgumentException($"Rule {Name}: the long window cannot exceed the SLO window {objective.Window}.");
        }
    }
}
