using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Gates;

/// <summary>
/// Confidence intervals for the fairness figures, written to agree with scipy operation for operation: the Katz log
/// interval of a ratio of two proportions, the Wilson score interval of one, and Newcombe's hybrid score interval of a
/// difference of two (built from the two Wilson intervals).
/// </summary>
public static class ProportionIntervals
{
    public const string KatzLog = "katz-log";
    public const string Wilson = "wilson-score";
    public const string Newcombe = "newcombe-hybrid-score";

    /// <summary>
    /// The Katz log interval of (a/n₁)/(c/n₂), identical to scipy's
    /// <c>relative_risk(a, n₁, c, n₂).confidence_interval(level)</c>: rr·exp(±z·√(1/a − 1/n₁ + 1/c − 1/n₂)).
    /// Where scipy answers NaN or ∞ (a = 0: [0, NaN]; c = 0: [NaN, ∞]) the bound is null.
    /// </summary>
    public static ConfidenceInterval RelativeRiskKatz(long exposedCases, long exposedTotal, long controlCases, long controlTotal, double level)
    {
        Validate(exposedCases, exposedTotal, nameof(exposedCases));
        Validate(controlCases, controlTotal, nameof(controlCases));
        CheckLevel(level);
        if (exposedCases == 0)
        {
            return new ConfidenceInterval(controlCases == 0 ? null : 0.0, null, level, KatzLog);
        }

        if (controlCases == 0)
        {
            return new ConfidenceInterval(null, null, level, KatzLog);
        }

        var alpha = 1 - level;
        var z = Normal.Ppf(1 - (alpha / 2));
        var rr = RelativeRisk(exposedCases, exposedTotal, controlCases, controlTotal);
        var se = Math.Sqrt((1.0 / exposedCases) - (1.0 / exposedTotal) + (1.0 / controlCases) - (1.0 / controlTotal));
        var delta = z * se;
        return new ConfidenceInterval(rr * Math.Exp(-delta), rr * Math.Exp(delta), level, KatzLog);
    }

    /// <summary>(a/n₁)/(c/n₂) as scipy computes it; NaN when both are zero, ∞ when only c is.</summary>
    public static double RelativeRisk(long exposedCases, long exposedTotal, long controlCases, long controlTotal)
    {
        Validate(exposedCases, exposedTotal, nameof(exposedCases));
        Validate(controlCases, controlTotal, nameof(controlCases));
        return (exposedCases, controlCases) switch
        {
            (0, 0) => double.NaN,
            (0, _) => 0,
            (_, 0) => double.PositiveInfinity,
            _ => ((double)exposedCases / exposedTotal) / ((double)controlCases / controlTotal),
        };
    }

    /// <summary>The Wilson score interval of k/n, identical to scipy's <c>binomtest(k, n).proportion_ci(level, "wilson")</c>.</summary>
    public static (double Lower, double Upper) WilsonScore(long successes, long trials, double level)
    {
        Validate(successes, trials, nameof(successes));
        CheckLevel(level);
        return ScoreInterval(successes, trials, WilsonZ(level));
    }

    /// <summary>
    /// Newcombe's hybrid score interval (his method 10, 1998) of p₁ − p₂ with p = k/n: d − √((p₁ − l₁)² + (u₂ − p₂)²) to
    /// d + √((u₁ − p₁)² + (p₂ − l₂)²), where [lᵢ, uᵢ] are the Wilson intervals. Chosen over Wald because it stays
    /// honest at rates of 0 and 1 and in small groups, where Wald's interval collapses to a point.
    /// </summary>
    public static ConfidenceInterval NewcombeDifference(long successes1, long trials1, long successes2, long trials2, double level)
    {
        Validate(successes1, trials1, nameof(successes1));
        Validate(successes2, trials2, nameof(successes2));
        CheckLevel(level);
        var z = WilsonZ(level);
        var p1 = (double)successes1 / trials1;
        var p2 = (double)successes2 / trials2;
        var (l1, u1) = ScoreInterval(successes1, trials1, z);
        var (l2, u2) = ScoreInterval(successes2, trials2, z);
        var d = p1 - p2;
        var lower = d - Math.Sqrt(((p1 - l1) * (p1 - l1)) + ((u2 - p2) * (u2 - p2)));
        var upper = d + Math.Sqrt(((u1 - p1) * (u1 - p1)) + ((p2 - l2) * (p2 - l2)));
        return new ConfidenceInterval(lower, upper, level, Newcombe);
    }

    // scipy's Wilson takes z = ndtri(0.5 + 0.5·level); kept literally so that the last bits agree.
    private static double WilsonZ(double level) => Normal.Ppf(0.5 + (0.5 * level));

    private static (double Lower, double Upper) ScoreInterval(long k, long n, double z)
    {
        var p = (double)k / n;
        var denominator = 2 * (n + (z * z));
        var center = ((2 * n * p) + (z * z)) / denominator;
        var q = 1 - p;
        var delta = z / denominator * Math.Sqrt((4 * n * p * q) + (z * z));
        var lower = k == 0 ? 0.0 : center - delta;
        var upper = k == n ? 1.0 : center + delta;
        return (lower, upper);
    }

    private static void Validate(long successes, long trials, string name)
    {
        if (trials <= 0 || successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(name, successes, $"Need 0 ≤ successes ≤ trials and trials > 0 (trials = {trials}).");
        }
    }

    private static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "A confidence level must lie strictly between 0 and 1.");
        }
    }
}
