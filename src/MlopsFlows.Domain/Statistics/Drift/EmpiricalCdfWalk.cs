using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// What one walk over two ascending samples finds: the extremes of F₁ − F₂ (the KS statistics), each with the location
/// scipy reports, and the area between the two empirical CDFs (the Wasserstein-1 distance).
/// </summary>
/// <param name="Max">The largest F₁ − F₂ over the pooled values.</param>
/// <param name="MaxLocation">The first pooled value, in the order [sorted first sample, sorted second sample], where it is attained.</param>
/// <param name="Min">The smallest F₁ − F₂ over the pooled values.</param>
/// <param name="MinLocation">The first pooled value, in the same order, where it is attained.</param>
/// <param name="Area">Σ |F₁(x_k) − F₂(x_k)|·(x_{k+1} − x_k) over consecutive distinct pooled values, compensated (Neumaier).</param>
internal readonly record struct CdfGaps(double Max, double MaxLocation, double Min, double MinLocation, double Area);

/// <summary>
/// Walks two ascending samples once, value by distinct pooled value, for both KS and Wasserstein: the gap
/// F₁(x) − F₂(x) just after each distinct value x is the same two divisions scipy performs, so the KS statistic is
/// bit-identical to scipy's, and the Wasserstein terms are summed in the same order as a walk of their own would.
/// </summary>
/// <remarks>
/// The merge takes one value per step without a data-dependent branch (which sample the next value comes from is a coin
/// toss on continuous data, and a mispredicted branch per value used to cost more than the rest of the walk). A distinct
/// value is completed when the next value differs from it, which on continuous data happens at every step and on tied
/// data rarely: either way a predictable branch.
/// </remarks>
internal static class EmpiricalCdfWalk
{
    public static CdfGaps Walk(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var state = new WalkState(a.Length, b.Length);
        ref var aRef = ref MemoryMarshal.GetReference(a);
        ref var bRef = ref MemoryMarshal.GetReference(b);
        int n1 = a.Length, n2 = b.Length;
        int i = 0, j = 0;

        // A group is the run of pooled values equal to `value`; fromFirst and fromSecond say which samples it has.
        var value = double.MinNative(a[0], b[0]);
        int fromFirst = 0, fromSecond = 0;
        while (i < n1 && j < n2)
        {
            var x = Unsafe.Add(ref aRef, i);
            var y = Unsafe.Add(ref bRef, j);
            var next = double.MinNative(x, y);
            if (next != value)
            {
                state.Complete(value, i, j, fromFirst, fromSecond, next);
                (value, fromFirst, fromSecond) = (next, 0, 0);
            }

            // Ties take the first sample's value first; either way both are consumed before the group completes.
            var takeFirst = x <= y ? 1 : 0;
            fromFirst |= takeFirst;
            fromSecond |= takeFirst ^ 1;
            i += takeFirst;
            j += takeFirst ^ 1;
        }

        for (; i < n1; i++)
        {
            var next = Unsafe.Add(ref aRef, i);
            if (next != value)
            {
                state.Complete(value, i, j, fromFirst, fromSecond, next);
                (value, fromFirst, fromSecond) = (next, 0, 0);
            }

            fromFirst = 1;
        }

        for (; j < n2; j++)
        {
            var next = Unsafe.Add(ref bRef, j);
            if (next != value)
            {
                state.Complete(value, i, j, fromFirst, fromSecond, next);
                (value, fromFirst, fromSecond) = (next, 0, 0);
            }

            fromSecond = 1;
        }

        // The last group: both CDFs reach 1 there, a gap of 0 that counts for KS; no area lies beyond it.
        state.Complete(value, n1, n2, fromFirst, fromSecond, next: double.NaN);
        return state.Result();
    }

    /// <summary>The running extremes and area; <see cref="Complete"/> is called once per distinct pooled value.</summary>
    private struct WalkState(int n1, int n2)
    {
        private double maxInFirst = double.NegativeInfinity;
        private double minInFirst = double.PositiveInfinity;
        private double maxInSecond = double.NegativeInfinity;
        private double minInSecond = double.PositiveInfinity;
        private double maxFirstLocation;
        private double minFirstLocation;
        private double maxSecondLocation;
        private double minSecondLocation;
        private double sum;
        private double compensation;

        /// <summary>Closes the group of <paramref name="value"/>, with <paramref name="i"/> and <paramref name="j"/> values at or below it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Complete(double value, int i, int j, int fromFirst, int fromSecond, double next)
        {
            var gap = ((double)i / n1) - ((double)j / n2);

            // New extremes are rare after the first values, so the comparisons come first and the branches predict well.
            // Every group holds a value of one sample or the other, so the overall extremes are the larger (smaller) of
            // the two samples' and need no update of their own (Math.Max on doubles is a chain of three instructions).
            if (gap > maxInFirst && fromFirst != 0)
            {
                (maxInFirst, maxFirstLocation) = (gap, value);
            }

            if (gap < minInFirst && fromFirst != 0)
            {
                (minInFirst, minFirstLocation) = (gap, value);
            }

            if (gap > maxInSecond && fromSecond != 0)
            {
                (maxInSecond, maxSecondLocation) = (gap, value);
            }

            if (gap < minInSecond && fromSecond != 0)
            {
                (minInSecond, minSecondLocation) = (gap, value);
            }

            if (!double.IsNaN(next))
            {
                var term = Math.Abs(gap) * (next - value);
                var total = sum + term;
                compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - total) + term : (term - total) + sum;
                sum = total;
            }
        }

        public readonly CdfGaps Result()
        {
            var max = Math.Max(maxInFirst, maxInSecond);
            var min = Math.Min(minInFirst, minInSecond);
            return new(
                max,
                maxInFirst == max ? maxFirstLocation : maxSecondLocation,
                min,
                minInFirst == min ? minFirstLocation : minSecondLocation,
                sum + compensation);
        }
    }
}
