using System.Collections.ObjectModel;
using System.Globalization;
using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>The outcome of a chi-square goodness-of-fit test.</summary>
public sealed record ChiSquareResult(double Statistic, double PValue, int DegreesOfFreedom);

/// <summary>The outcome of a chi-square test of independence on a contingency table.</summary>
/// <param name="YatesCorrected">True when Yates' continuity correction was applied (one degree of freedom and correction asked).</param>
/// <param name="Expected">The expected counts under independence, row-major like the table.</param>
public sealed record ContingencyResult(
    double Statistic,
    double PValue,
    int DegreesOfFreedom,
    bool YatesCorrected,
    IReadOnlyList<double> Expected);

/// <summary>
/// Pearson's chi-square tests as scipy 1.10 computes them: <c>scipy.stats.chisquare</c> and
/// <c>scipy.stats.chi2_contingency</c>. p-values are the upper tail of the chi-square distribution, the regularized
/// upper incomplete gamma Q(df/2, χ²/2), computed directly so tiny p-values keep their digits.
/// </summary>
public static class ChiSquareTest
{
    // scipy refuses expected counts whose total differs from the observed total by more than this (relative).
    private const double SumTolerance = 1e-8;

    /// <summary>Goodness of fit against equal expected counts (the mean of the observed counts), as <c>chisquare(f_obs)</c>.</summary>
    /// <exception cref="ArgumentException">Fewer than two categories, or a count that is negative, NaN or infinite.</exception>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<double> observed)
    {
        DriftArguments.RequireCounts(observed, nameof(observed));
        var expected = new double[observed.Length];
        Array.Fill(expected, NumpySum.Sum(observed) / observed.Length);
        return GoodnessOfFit(observed, expected);
    }

    /// <summary>Goodness of fit of observed counts to expected counts, as <c>chisquare(f_obs, f_exp, ddof)</c>.</summary>
    /// <param name="observed">Observed counts, non-negative.</param>
    /// <param name="expected">Expected counts, positive, with the same total as <paramref name="observed"/> (to 1e-8 relative, as scipy requires).</param>
    /// <param name="ddof">Degrees of freedom used up by estimated parameters: df = k − 1 − ddof, which must stay ≥ 1.</param>
    /// <exception cref="ArgumentException">Mismatched lengths or totals, a zero or negative expected count, bad counts, or df &lt; 1.</exception>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, int ddof = 0)
    {
        DriftArguments.RequireCounts(observed, nameof(observed));
        DriftArguments.RequireCounts(expected, nameof(expected));
        if (observed.Length != expected.Length)
        {
            throw new ArgumentException(
                $"There are {observed.Length} observed and {expected.Length} expected counts; they must cover the same categories.",
                nameof(expected));
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] <= 0)
            {
                throw new ArgumentException(
                    $"Expected count at index {i} is zero; the chi-square statistic is undefined where nothing is expected (merge or drop that category).",
                    nameof(expected));
            }
        }

        var observedTotal = NumpySum.Sum(observed);
        var expectedTotal = NumpySum.Sum(expected);
        if (Math.Abs(observedTotal - expectedTotal) / Math.Min(observedTotal, expectedTotal) > SumTolerance)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Observed counts total {observedTotal} and expected counts {expectedTotal}; they must agree to a relative {SumTolerance} (scale the expected proportions by the observed total)."),
                nameof(expected));
        }

        var degreesOfFreedom = observed.Length - 1 - ddof;
        if (degreesOfFreedom < 1)
        {
            throw new ArgumentException(
                $"{observed.Length} categories with ddof {ddof} leave {degreesOfFreedom} degrees of freedom; the test needs at least one.",
                nameof(ddof));
        }

        var statistic = PearsonStatistic(observed, expected);
        return new ChiSquareResult(statistic, ChiSquared.Sf(statistic, degreesOfFreedom), degreesOfFreedom);
    }

    /// <summary>The chi-square test of independence on an r × c table of counts, as <c>chi2_contingency(table, correction)</c>.</summary>
    /// <param name="table">The counts, row-major: row i, column j at [i·columns + j].</param>
    /// <param name="columns">The number of columns c.</param>
    /// <param name="correction">Apply Yates' continuity correction when df = 1 (each cell moved up to ½ toward its expectation).</param>
    /// <exception cref="ArgumentException">The shape is wrong, a count is negative, NaN or infinite, or a whole row or column is zero.</exception>
    public static ContingencyResult Contingency(ReadOnlySpan<double> table, int columns, bool correction = true)
    {
        DriftArguments.RequireCounts(table, nameof(table));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (table.Length % columns != 0)
        {
            throw new ArgumentException($"{table.Length} cells do not make rows of {columns} columns.", nameof(table));
        }

        var rows = table.Length / columns;
        var rowSums = new double[rows];
        var columnSums = new double[columns];
        for (var i = 0; i < rows; i++)
        {
            rowSums[i] = NumpySum.Sum(table.Slice(i * columns, columns));
            for (var j = 0; j < columns; j++)
            {
                columnSums[j] += table[(i * columns) + j];
            }
        }

        var total = NumpySum.Sum(table);
        var expected = new double[table.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var cell = rowSums[i] * columnSums[j] / total;
                if (cell == 0)
                {
                    throw new ArgumentException(
                        $"Row {i} or column {j} holds no observations, so its expected counts are zero; drop empty rows and columns first.",
                        nameof(table));
                }

                expected[(i * columns) + j] = cell;
            }
        }

        var degreesOfFreedom = (rows - 1) * (columns - 1);
        if (degreesOfFreedom == 0)
        {
            // A single row or column: observed equals expected (scipy's degenerate case).
            return new ContingencyResult(0.0, 1.0, 0, false, new ReadOnlyCollection<double>(expected));
        }

        var yates = degreesOfFreedom == 1 && correction;
        var observed = table.ToArray();
        if (yates)
        {
            for (var k = 0; k < observed.Length; k++)
            {
                // Never move a cell past its expectation (scipy gh-13875).
                var difference = expected[k] - observed[k];
                observed[k] += Math.Min(0.5, Math.Abs(difference)) * Math.Sign(difference);
            }
        }

        var statistic = PearsonStatistic(observed, expected);
        return new ContingencyResult(
            statistic,
            ChiSquared.Sf(statistic, degreesOfFreedom),
            degreesOfFreedom,
            yates,
            new ReadOnlyCollection<double>(expected));
    }

    private static double PearsonStatistic(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected)
    {
        var terms = new double[observed.Length];
        for (var i = 0; i < observed.Length; i++)
        {
            var difference = observed[i] - expected[i];
            terms[i] = difference * difference / expected[i];
        }

        return NumpySum.Sum(terms);
    }
}
