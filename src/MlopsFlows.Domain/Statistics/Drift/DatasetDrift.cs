using System.Globalization;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>The dataset rule: the dataset has drifted when at least this share of its columns has (default one half).</summary>
public sealed record DatasetDriftRule
{
    /// <summary>The default rule.</summary>
    public static DatasetDriftRule Default { get; } = new();

    /// <summary>The share of drifted columns, in (0, 1], at which the dataset counts as drifted (default 0.5).</summary>
    public double DriftedShareThreshold { get; init; } = 0.5;
}

/// <summary>The dataset's verdict and the columns behind it.</summary>
/// <param name="DriftedShare">Drifted columns over all columns (inconclusive ones count in the denominator).</param>
public sealed record DatasetDriftResult(
    DriftVerdict Verdict,
    int ColumnCount,
    int DriftedCount,
    int InconclusiveCount,
    double DriftedShare,
    double Threshold,
    IReadOnlyList<string> DriftedColumns,
    IReadOnlyList<string> InconclusiveColumns);

/// <summary>Applies the share-of-drifted-columns rule.</summary>
public static class DatasetDrift
{
    /// <summary>
    /// Drift when drifted / all ≥ threshold. Otherwise inconclusive when the inconclusive columns could tip the share
    /// over the threshold (drifted + inconclusive ≥ threshold · all), else no drift: an unknown column is never
    /// counted as either.
    /// </summary>
    /// <exception cref="ArgumentException">There are no columns, or the threshold is outside (0, 1].</exception>
    public static DatasetDriftResult Evaluate(IReadOnlyList<ColumnDriftResult> columns, DatasetDriftRule? rule = null)
    {
        rule ??= DatasetDriftRule.Default;
        var threshold = rule.DriftedShareThreshold;
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), threshold, "The drifted-share threshold must lie in (0, 1].");
        }

        if (columns.Count == 0)
        {
            throw new ArgumentException("A dataset verdict needs at least one column.", nameof(columns));
        }

        var drifted = new List<string>();
        var inconclusive = new List<string>();
        foreach (var column in columns)
        {
            if (column.Verdict == DriftVerdict.Drift)
            {
                drifted.Add(column.Column);
            }
            else if (column.Verdict == DriftVerdict.Inconclusive)
            {
                inconclusive.Add(column.Column);
            }
        }

        var share = (double)drifted.Count / columns.Count;
        var verdict = share >= threshold
            ? DriftVerdict.Drift
            : ((double)(drifted.Count + inconclusive.Count) / columns.Count >= threshold ? DriftVerdict.Inconclusive : DriftVerdict.NoDrift);
        return new DatasetDriftResult(
            verdict, columns.Count, drifted.Count, inconclusive.Count, share, threshold, drifted.AsReadOnly(), inconclusive.AsReadOnly());
    }

    /// <summary>A one-line summary for evidence and notifications.</summary>
    public static string Describe(DatasetDriftResult result) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{result.Verdict}: {result.DriftedCount} of {result.ColumnCount} columns drifted ({result.DriftedShare:P0}, threshold {result.Threshold:P0}), {result.InconclusiveCount} inconclusive");
}
