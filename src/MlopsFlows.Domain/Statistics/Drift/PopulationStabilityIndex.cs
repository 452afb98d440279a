using System.Collections.ObjectModel;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>A population stability index and the bins it was computed over.</summary>
/// <param name="Value">Σ (cᵢ − rᵢ)·ln(cᵢ / rᵢ) over the bins, with proportions below <paramref name="Epsilon"/> raised to it; ≥ 0.</param>
/// <param name="Edges">The inner bin edges (empty for categories); bin i is (Edges[i−1], Edges[i]], the outer bins open.</param>
/// <param name="ReferenceProportions">The reference share of each bin as observed (before the epsilon).</param>
/// <param name="CurrentProportions">The current share of each bin as observed (before the epsilon).</param>
/// <param name="Contributions">Each bin's term of the sum, to show where the shift is.</param>
/// <param name="Epsilon">The floor applied to proportions so that an empty bin contributes a large but finite term.</param>
public sealed record PsiResult(
    double Value,
    IReadOnlyList<double> Edges,
    IReadOnlyList<long> ReferenceCounts,
    IReadOnlyList<long> CurrentCounts,
    IReadOnlyList<double> ReferenceProportions,
    IReadOnlyList<double> CurrentProportions,
    IReadOnlyList<double> Contributions,
    double Epsilon);

/// <summary>
/// The population stability index (PSI) between a reference and a current distribution over the same bins.
/// </summary>
/// <remarks>
/// PSI = Σ (cᵢ − rᵢ)·ln(cᵢ / rᵢ), where rᵢ and cᵢ are the reference and current proportions of bin i. A bin empty on
/// one side would make the sum infinite, so each proportion below ε is raised to ε (default 1e-4) before the sum; the
/// proportions are not renormalised afterwards. Usual reading: below 0.1 stable, 0.1–0.2 a moderate shift, above 0.2
/// a significant one.
/// </remarks>
public static class PopulationStabilityIndex
{
    /// <summary>The floor for empty bins' proportions (1e-4: one in ten thousand).</summary>
    public const double DefaultEpsilon = 1e-4;

    /// <summary>PSI of <paramref name="current"/> against the quantile bins of <paramref name="reference"/>.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN or ±infinity.</exception>
    public static PsiResult Compute(
        ReadOnlySpan<double> reference,
        ReadOnlySpan<double> current,
        int binCount = ReferenceProfile.DefaultBinCount,
        double epsilon = DefaultEpsilon) =>
        Compute(ReferenceProfile.Create(reference, binCount), current, epsilon);

    /// <summary>PSI of <paramref name="current"/> against a reference profile built once.</summary>
    /// <exception cref="ArgumentException">The current sample is empty or holds NaN or ±infinity.</exception>
    public static PsiResult Compute(ReferenceProfile reference, ReadOnlySpan<double> current, double epsilon = DefaultEpsilon)
    {
        DriftArguments.RequireSample(current, nameof(current));

        // Counting checks finiteness as it goes (one read of the window); the error then names the first bad value.
        var currentCounts = reference.CountBins(current, out var allFinite);
        if (!allFinite)
        {
            DriftArguments.RequireFinite(current, nameof(current));
        }

        DriftArguments.RequireEpsilon(epsilon, nameof(epsilon));
        return FromCounts(reference.BinCountSpan.ToArray(), currentCounts, epsilon, reference.Edges);
    }

    /// <summary>PSI between two count vectors over the same bins or categories (zeros allowed).</summary>
    /// <exception cref="ArgumentException">The vectors differ in length, a count is negative, or a side has no observation.</exception>
    public static PsiResult FromCounts(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts, double epsilon = DefaultEpsilon)
    {
        DriftArguments.RequireEpsilon(epsilon, nameof(epsilon));
        return FromCounts(referenceCounts.ToArray(), currentCounts.ToArray(), epsilon, ReadOnlyCollection<double>.Empty);
    }

    private static PsiResult FromCounts(long[] referenceCounts, long[] currentCounts, double epsilon, IReadOnlyList<double> edges)
    {
        if (referenceCounts.Length != currentCounts.Length)
        {
            throw new ArgumentException(
                $"The reference has {referenceCounts.Length} bins and the current window {currentCounts.Length}; PSI compares the same bins.",
                nameof(currentCounts));
        }

        var referenceTotal = Total(referenceCounts, nameof(referenceCounts));
        var currentTotal = Total(currentCounts, nameof(currentCounts));
        var bins = referenceCounts.Length;
        var referenceProportions = new double[bins];
        var currentProportions = new double[bins];
        var contributions = new double[bins];
        for (var i = 0; i < bins; i++)
        {
            referenceProportions[i] = referenceCounts[i] / referenceTotal;
            currentProportions[i] = currentCounts[i] / currentTotal;
            var r = Math.Max(referenceProportions[i], epsilon);
            var c = Math.Max(currentProportions[i], epsilon);
            contributions[i] = (c - r) * Math.Log(c / r);
        }

        return new PsiResult(
            NumpySum.Sum(contributions),
            edges,
            new ReadOnlyCollection<long>(referenceCounts),
            new ReadOnlyCollection<long>(currentCounts),
            new ReadOnlyCollection<double>(referenceProportions),
            new ReadOnlyCollection<double>(currentProportions),
            new ReadOnlyCollection<double>(contributions),
            epsilon);
    }

    private static double Total(long[] counts, string parameterName)
    {
        if (counts.Length == 0)
        {
            throw new ArgumentException("There are no bins.", parameterName);
        }

        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
            {
                throw new ArgumentException($"Count {counts[i]} at index {i} is negative.", parameterName);
            }

            total = checked(total + counts[i]);
        }

        if (total == 0)
        {
            throw new ArgumentException("All counts are zero; PSI needs at least one observation on each side.", parameterName);
        }

        return total;
    }
}
