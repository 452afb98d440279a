using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Statistics.Judge;

/// <summary>The outcome of a pooled two-proportion z-test of a first proportion against a second.</summary>
/// <param name="Proportion1">x₁ / n₁.</param>
/// <param name="Proportion2">x₂ / n₂.</param>
/// <param name="PooledProportion">(x₁ + x₂) / (n₁ + n₂), the common proportion under the null hypothesis.</param>
/// <param name="Z">(p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)); zero when p̂ is 0 or 1 (then p₁ = p₂).</param>
public sealed record TwoProportionResult(
    double Proportion1,
    double Proportion2,
    double PooledProportion,
    double Z,
    double PValue)
{
    /// <summary>p₁ − p₂.</summary>
    public double Difference => Proportion1 - Proportion2;
}

/// <summary>
/// The two-proportion z-test with pooled variance, as statsmodels' <c>proportions_ztest(count, nobs)</c> computes it
/// (value 0, <c>prop_var=False</c>): z = (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with p̂ = (x₁ + x₂)/(n₁ + n₂); two-sided
/// p = 2·P(Z &gt; |z|), <see cref="Alternative.Greater"/> p = P(Z &gt; z), <see cref="Alternative.Less"/> p = P(Z &lt; z).
/// </summary>
/// <remarks>
/// Where statsmodels returns NaN (no successes at all, or nothing but successes, so the pooled variance is zero), this
/// returns z = 0 and p = 1: the two proportions are then identical and the data give no evidence of a difference.
/// </remarks>
public static class TwoProportionZTest
{
    /// <summary>Tests whether <paramref name="successes1"/>/<paramref name="trials1"/> differs from <paramref name="successes2"/>/<paramref name="trials2"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A trial count is not positive, or a success count is negative or exceeds its trials.</exception>
    public static TwoProportionResult Test(
        long successes1,
        long trials1,
        long successes2,
        long trials2,
        Alternative alternative = Alternative.TwoSided)
    {
        Validate(successes1, trials1, nameof(successes1));
        Validate(successes2, trials2, nameof(successes2));
        var p1 = (double)successes1 / trials1;
        var p2 = (double)successes2 / trials2;
        var pooled = (double)(successes1 + successes2) / (trials1 + trials2);
        var variance = pooled * (1 - pooled) * ((1.0 / trials1) + (1.0 / trials2));
        var z = variance > 0 ? (p1 - p2) / Math.Sqrt(variance) : 0;
        var p = alternative switch
        {
            Alternative.Greater => Normal.Sf(z),
            Alternative.Less => Normal.Cdf(z),
            _ => 2 * Normal.Sf(Math.Abs(z)),
        };

        return new TwoProportionResult(p1, p2, pooled, z, Math.Min(1, p));
    }

    private static void Validate(long successes, long trials, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials, name);
        ArgumentOutOfRangeException.ThrowIfNegative(successes, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials, name);
    }
}
