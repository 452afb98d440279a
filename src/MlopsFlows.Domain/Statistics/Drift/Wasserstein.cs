using System.Buffers;
using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>A Wasserstein-1 distance and its scale-free form.</summary>
/// <param name="Distance">The area between the two empirical CDFs, in the column's units.</param>
/// <param name="NormalizedDistance">
/// <paramref name="Distance"/> divided by the reference's population standard deviation; for a constant reference,
/// 0 when the distance is 0 and +∞ otherwise (any movement away from a constant is infinitely many of its zero spreads).
/// </param>
/// <param name="ReferenceStandardDeviation">The population standard deviation (ddof = 0) of the reference.</param>
public sealed record WassersteinResult(
    double Distance,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double NormalizedDistance,
    double ReferenceStandardDeviation);

/// <summary>
/// The Wasserstein-1 (earth mover's) distance between two samples, as <c>scipy.stats.wasserstein_distance(u, v)</c>:
/// ∫|F_u − F_v| over the pooled values. The normalised form divides by the reference's population standard deviation
/// (numpy's <c>std</c>, ddof = 0), which makes one threshold usable across columns of different units.
/// </summary>
public static class Wasserstein
{
    /// <summary>The distance between two samples.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN or ±infinity.</exception>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        DriftArguments.RequireFiniteSample(u, nameof(u));
        DriftArguments.RequireFiniteSample(v, nameof(v));
        var sortedU = ArrayPool<double>.Shared.Rent(u.Length);
        var sortedV = ArrayPool<double>.Shared.Rent(v.Length);
        try
        {
            return FromSorted(KolmogorovSmirnov.SortInto(u, sortedU), KolmogorovSmirnov.SortInto(v, sortedV));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sortedU);
            ArrayPool<double>.Shared.Return(sortedV);
        }
    }

    /// <summary>The distance of a current window from a reference sample, raw and normalised.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN or ±infinity.</exception>
    public static WassersteinResult Compare(ReadOnlySpan<double> reference, ReadOnlySpan<double> current) =>
        Compare(ReferenceProfile.Create(reference), current);

    /// <summary>The distance of a current window from a reference profile, raw and normalised.</summary>
    /// <exception cref="ArgumentException">The current sample is empty or holds NaN or ±infinity.</exception>
    public static WassersteinResult Compare(ReferenceProfile reference, ReadOnlySpan<double> current)
    {
        DriftArguments.RequireFiniteSample(current, nameof(current));
        var sorted = ArrayPool<double>.Shared.Rent(current.Length);
        try
        {
            return FromSorted(reference, KolmogorovSmirnov.SortInto(current, sorted));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sorted);
        }
    }

    internal static WassersteinResult FromSorted(ReferenceProfile reference, ReadOnlySpan<double> sortedCurrent) =>
        FromArea(reference, EmpiricalCdfWalk.Walk(reference.SortedValues, sortedCurrent).Area);

    /// <summary>The result for the area between the CDFs found by a walk over the reference and the current window.</summary>
    internal static WassersteinResult FromArea(ReferenceProfile reference, double distance)
    {
        var deviation = reference.StandardDeviation;
        var normalized = deviation > 0 ? distance / deviation : (distance == 0 ? 0 : double.PositiveInfinity);
        return new WassersteinResult(distance, normalized, deviation);
    }

    /// <summary>Σ |F_u(x_k) − F_v(x_k)|·(x_{k+1} − x_k) over consecutive distinct pooled values, compensated (Neumaier).</summary>
    internal static double FromSorted(ReadOnlySpan<double> u, ReadOnlySpan<double> v) => EmpiricalCdfWalk.Walk(u, v).Area;
}
