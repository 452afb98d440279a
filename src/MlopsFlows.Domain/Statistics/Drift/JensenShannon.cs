namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// The Jensen–Shannon distance in base 2, as <c>scipy.spatial.distance.jensenshannon(p, q, base=2)</c>: both weight
/// vectors are normalised to sum to one, and the result is √(½ KL(p‖m) + ½ KL(q‖m)) / √ln 2 with m = (p + q)/2.
/// It lies in [0, 1]: 0 for equal distributions, 1 for disjoint ones; zeros on either side are fine.
/// </summary>
public static class JensenShannon
{
    private static readonly double LogTwo = Math.Log(2);

    /// <summary>The distance between two weight vectors over the same bins or categories (counts or proportions).</summary>
    /// <exception cref="ArgumentException">The lengths differ, a weight is negative, NaN or infinite, or a side is all zero.</exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DriftArguments.RequireCounts(p, nameof(p));
        DriftArguments.RequireCounts(q, nameof(q));
        if (p.Length != q.Length)
        {
            throw new ArgumentException($"The distributions have {p.Length} and {q.Length} bins; they must cover the same bins.", nameof(q));
        }

        var pSum = NumpySum.Sum(p);
        var qSum = NumpySum.Sum(q);
        var left = new double[p.Length];
        var right = new double[p.Length];
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / pSum;
            var qi = q[i] / qSum;
            var mi = (pi + qi) / 2.0;
            left[i] = RelativeEntropy(pi, mi);
            right[i] = RelativeEntropy(qi, mi);
        }

        var divergence = (NumpySum.Sum(left) + NumpySum.Sum(right)) / LogTwo;

        // Rounding can leave −1e-17 for equal inputs, where scipy would answer NaN; the distance is then 0.
        return Math.Sqrt(Math.Max(divergence / 2.0, 0));
    }

    /// <summary>The distance between two count vectors over the same bins or categories.</summary>
    /// <exception cref="ArgumentException">The lengths differ, a count is negative, or a side is all zero.</exception>
    public static double Distance(ReadOnlySpan<long> p, ReadOnlySpan<long> q)
    {
        var pWeights = new double[p.Length];
        var qWeights = new double[q.Length];
        for (var i = 0; i < p.Length; i++)
        {
            pWeights[i] = p[i];
        }

        for (var i = 0; i < q.Length; i++)
        {
            qWeights[i] = q[i];
        }

        return Distance(pWeights, qWeights);
    }

    /// <summary>scipy's <c>rel_entr(x, y)</c> for x ≥ 0 and y ≥ x/2: x ln(x/y), and 0 when x is 0.</summary>
    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0;
}
