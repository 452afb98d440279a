using System.Globalization;
using System.Numerics;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>Input checks shared by every public drift entry point, so that each rejects bad data with the same message.</summary>
internal static class DriftArguments
{
    /// <summary>Rejects an empty sample and any NaN or infinity, naming the first offending position.</summary>
    public static void RequireFiniteSample(ReadOnlySpan<double> values, string parameterName)
    {
        RequireSample(values, parameterName);
        RequireFinite(values, parameterName);
    }

    /// <summary>Rejects an empty sample.</summary>
    public static void RequireSample(ReadOnlySpan<double> values, string parameterName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The sample is empty; this statistic needs at least one value.", parameterName);
        }
    }

    /// <summary>Rejects NaN and ±infinity, which have no place on a real line (the empirical CDF and the bins need order and distance).</summary>
    public static void RequireFinite(ReadOnlySpan<double> values, string parameterName)
    {
        var i = IndexOfNonFinite(values);
        if (i >= 0)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Value {values[i]} at index {i} is not a finite number; drift statistics reject NaN and ±infinity (remove or impute them first)."),
                parameterName);
        }
    }

    /// <summary>The index of the first NaN or ±infinity, or −1 when every value is finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<double> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // x − x is 0 for a finite x and NaN otherwise; a block of vectors is checked with one test.
            var width = Vector<double>.Count;
            for (; i <= values.Length - (4 * width); i += 4 * width)
            {
                var a = new Vector<double>(values[i..]);
                var b = new Vector<double>(values[(i + width)..]);
                var c = new Vector<double>(values[(i + (2 * width))..]);
                var d = new Vector<double>(values[(i + (3 * width))..]);
                var zeros = Vector.Equals(a - a, Vector<double>.Zero) & Vector.Equals(b - b, Vector<double>.Zero)
                    & Vector.Equals(c - c, Vector<double>.Zero) & Vector.Equals(d - d, Vector<double>.Zero);
                if (!Vector.EqualsAll(zeros, Vector<long>.AllBitsSet))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Rejects NaN, infinities and negative numbers among counts or weights, and an all-zero vector.</summary>
    public static void RequireCounts(ReadOnlySpan<double> counts, string parameterName)
    {
        if (counts.IsEmpty)
        {
            throw new ArgumentException("There are no counts.", parameterName);
        }

        var anyPositive = false;
        for (var i = 0; i < counts.Length; i++)
        {
            var count = counts[i];
            if (!double.IsFinite(count) || count < 0)
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Count {count} at index {i} is not a finite non-negative number."),
                    parameterName);
            }

            anyPositive |= count > 0;
        }

        if (!anyPositive)
        {
            throw new ArgumentException("All counts are zero; a distribution needs at least one observation.", parameterName);
        }
    }

    public static void RequireEpsilon(double epsilon, string parameterName)
    {
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, epsilon, "The empty-bin epsilon must lie in (0, 1).");
        }
    }
}
