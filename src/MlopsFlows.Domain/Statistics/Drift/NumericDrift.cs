using System.Buffers;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>Every drift statistic of a numeric column's current window against its reference profile.</summary>
/// <param name="JensenShannonDistance">The base-2 Jensen–Shannon distance between the reference and current counts in the PSI bins.</param>
/// <param name="Wasserstein">Null when not asked for.</param>
public sealed record NumericDriftStatistics(
    PsiResult Psi,
    double JensenShannonDistance,
    KsResult KolmogorovSmirnov,
    WassersteinResult? Wasserstein);

/// <summary>Computes the numeric drift statistics of a window in one pass over its sorted copy.</summary>
public static class NumericDrift
{
    /// <summary>PSI and Jensen–Shannon over the reference bins, the two-sided KS test, and (optionally) Wasserstein.</summary>
    /// <exception cref="ArgumentException">The current sample is empty or holds NaN or ±infinity.</exception>
    public static NumericDriftStatistics Compare(
        ReferenceProfile reference,
        ReadOnlySpan<double> current,
        double psiEpsilon = PopulationStabilityIndex.DefaultEpsilon,
        bool includeWasserstein = true)
    {
        DriftArguments.RequireFiniteSample(current, nameof(current));
        DriftArguments.RequireEpsilon(psiEpsilon, nameof(psiEpsilon));
        var buffer = ArrayPool<double>.Shared.Rent(current.Length);
        try
        {
            // One sort serves all: bin counts by binary search of each edge, KS and Wasserstein by one merging walk.
            var sorted = KolmogorovSmirnov.SortInto(current, buffer);
            var edges = reference.Edges;
            var currentCounts = new long[reference.BinCount];
            var below = 0;
            for (var i = 0; i < edges.Count; i++)
            {
                var atOrBelow = ReferenceProfile.UpperBound(sorted, edges[i]);
                currentCounts[i] = atOrBelow - below;
                below = atOrBelow;
            }

            currentCounts[^1] = sorted.Length - below;
            var referenceCounts = reference.BinCountSpan;
            var psi = PopulationStabilityIndex.FromCounts(referenceCounts, currentCounts, psiEpsilon) with { Edges = edges };

            // One walk over both sorted samples gives KS its extremes and Wasserstein its area.
            var gaps = EmpiricalCdfWalk.Walk(reference.SortedValues, sorted);
            return new NumericDriftStatistics(
                psi,
                JensenShannon.Distance(referenceCounts, currentCounts),
                KolmogorovSmirnov.FromGaps(gaps, reference.Count, sorted.Length, KsAlternative.TwoSided, KsMethod.Auto),
                includeWasserstein ? Wasserstein.FromArea(reference, gaps.Area) : null);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}
