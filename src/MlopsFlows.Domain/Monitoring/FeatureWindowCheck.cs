using System.Globalization;
using System.Text.Json.Serialization;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>The limits one window of features is held to.</summary>
/// <param name="DriftPsi">PSI above which a large-sample numeric column has drifted.</param>
/// <param name="DriftPValue">Test p-value (KS, chi-square) below which a small-sample column has drifted.</param>
/// <param name="DriftedShare">Share of drifted columns at which the dataset has drifted, in (0, 1].</param>
/// <param name="MaxNullRate">Largest null rate tolerated per column.</param>
/// <param name="MaxOutOfRangeRate">Largest share of numeric values outside the reference's range; null reports without judging.</param>
/// <param name="MaxUnseenCategoryShare">Largest share of categorical values never seen in the reference; null reports without judging.</param>
public sealed record FeatureCheckRules(
    double DriftPsi,
    double DriftPValue,
    double DriftedShare,
    double MaxNullRate,
    double? MaxOutOfRangeRate = null,
    double? MaxUnseenCategoryShare = null)
{
    /// <summary>The rules a tier's monitoring policy sets. The policy has no out-of-range or unseen-category limit yet: both are reported, not judged.</summary>
    public static FeatureCheckRules From(MonitoringPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new FeatureCheckRules(policy.DriftPsi, policy.DriftKsPValue, policy.DriftedShare, policy.MaxNullRate);
    }
}

/// <summary>One column of one window: its drift verdict and its data quality.</summary>
/// <param name="DecidingValue">The statistic behind the verdict (a p-value or a distance); NaN when there was none.</param>
/// <param name="OutOfRangeRate">Share of values outside the reference's [min, max]; numeric columns only.</param>
/// <param name="UnseenCategoryShare">Share of values in categories the reference never saw; categorical columns only.</param>
/// <param name="UnseenCategories">Up to five of those categories, most frequent first.</param>
public sealed record ColumnCheck(
    string Column,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ColumnKind>))] ColumnKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DriftVerdict>))] DriftVerdict Drift,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DriftStatistic>))] DriftStatistic DecidedBy,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double DecidingValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Threshold,
    long Rows,
    double NullRate,
    double? OutOfRangeRate,
    double? UnseenCategoryShare,
    IReadOnlyList<string> UnseenCategories);

/// <summary>A window's features against the reference: dataset drift, each column, and the data quality problems found.</summary>
/// <param name="Drift">Inconclusive when the window was empty or too small to say.</param>
/// <param name="MissingColumns">Reference columns the window did not have (a schema mismatch).</param>
/// <param name="QualityProblems">Each limit a column broke, in plain words; empty when the data is fit.</param>
public sealed record FeatureCheckResult(
    DateTimeOffset From,
    DateTimeOffset To,
    long Rows,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DriftVerdict>))] DriftVerdict Drift,
    int ColumnCount,
    int DriftedCount,
    double DriftedShare,
    double DriftedShareThreshold,
    IReadOnlyList<string> DriftedColumns,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<string> QualityProblems,
    IReadOnlyList<ColumnCheck> Columns);

/// <summary>Judges one window of features against the reference with the drift statistics and the data quality limits.</summary>
public static class FeatureWindowCheck
{
    private const int UnseenExamples = 5;

    /// <summary>
    /// Every reference column is judged by <see cref="ColumnDrift"/> (a test for small samples, a distance for large
    /// ones) and the dataset by <see cref="DatasetDrift"/>; null rates, the reference range and unseen categories are
    /// held to <paramref name="rules"/>. An empty window judges nothing: drift inconclusive, no quality problems.
    /// </summary>
    public static FeatureCheckResult Evaluate(FeatureReference reference, FeatureWindow window, FeatureCheckRules rules)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(rules);
        var thresholds = DriftThresholds.Default with { PsiThreshold = rules.DriftPsi, Significance = rules.DriftPValue };
        var rows = window.RowCount;
        var numeric = window.Numeric.ToDictionary(c => c.Column, StringComparer.Ordinal);
        var categorical = window.Categorical.ToDictionary(c => c.Column, StringComparer.Ordinal);
        var drifts = new List<ColumnDriftResult>();
        var checks = new List<ColumnCheck>();
        var missing = new List<string>();
        var problems = new List<string>();

        foreach (var column in reference.Numeric)
        {
            if (!numeric.TryGetValue(column.Column, out var current))
            {
                missing.Add(column.Column);
                continue;
            }

            var drift = ColumnDrift.Numeric(column.Column, column.Profile, current.Values.Span, thresholds);
            var outOfRange = OutOfRangeRate(column.Profile, current.Values.Span);
            drifts.Add(drift);
            checks.Add(new ColumnCheck(
                column.Column, ColumnKind.Numeric, drift.Verdict, drift.DecidedBy, drift.DecidingValue, drift.Threshold,
                current.RowCount, Rate(current.NullCount, current.RowCount), outOfRange, null, []));
        }

        foreach (var column in reference.Categorical)
        {
            if (!categorical.TryGetValue(column.Column, out var current))
            {
                missing.Add(column.Column);
                continue;
            }

            var drift = ColumnDrift.Categorical(column.Column, column.Counts, current.Counts, thresholds);
            var unseen = current.Counts.Categories
                .Where(c => current.Counts[c] > 0 && column.Counts[c] == 0)
                .Select(c => (Category: c, Count: current.Counts[c]))
                .OrderByDescending(u => u.Count)
                .ThenBy(u => u.Category, StringComparer.Ordinal)
                .ToArray();
            drifts.Add(drift);
            checks.Add(new ColumnCheck(
                column.Column, ColumnKind.Categorical, drift.Verdict, drift.DecidedBy, drift.DecidingValue, drift.Threshold,
                current.RowCount, Rate(current.NullCount, current.RowCount), null,
                current.Counts.Total == 0 ? null : (double)unseen.Sum(u => u.Count) / current.Counts.Total,
                [.. unseen.Take(UnseenExamples).Select(u => u.Category)]));
        }

        if (rows > 0)
        {
            problems.AddRange(missing.Select(c => $"column {c} is missing from the window"));
            foreach (var check in checks)
            {
                if (check.NullRate > rules.MaxNullRate)
                {
                    problems.Add(Invariant($"{check.Column}: null rate {check.NullRate:P1} exceeds {rules.MaxNullRate:P1}"));
                }

                if (check.OutOfRangeRate > rules.MaxOutOfRangeRate)
                {
                    problems.Add(Invariant($"{check.Column}: {check.OutOfRangeRate:P1} of values outside the reference range exceeds {rules.MaxOutOfRangeRate:P1}"));
                }

                if (check.UnseenCategoryShare > rules.MaxUnseenCategoryShare)
                {
                    problems.Add(Invariant($"{check.Column}: {check.UnseenCategoryShare:P1} of values in unseen categories exceeds {rules.MaxUnseenCategoryShare:P1}, e.g. '{check.UnseenCategories[0]}'"));
                }
            }
        }

        var dataset = drifts.Count == 0 || rows == 0
            ? null
            : DatasetDrift.Evaluate(drifts, new DatasetDriftRule { DriftedShareThreshold = rules.DriftedShare });
        return new FeatureCheckResult(
            window.From,
            window.To,
            rows,
            dataset?.Verdict ?? DriftVerdict.Inconclusive,
            checks.Count + missing.Count,
            dataset?.DriftedCount ?? 0,
            dataset?.DriftedShare ?? 0,
            rules.DriftedShare,
            dataset?.DriftedColumns ?? [],
            missing,
            problems,
            checks);
    }

    /// <summary>One line for evidence and notifications.</summary>
    public static string Describe(FeatureCheckResult result) => result.Rows == 0
        ? "no feature rows in the window"
        : Invariant($"drift {result.Drift}: {result.DriftedCount} of {result.ColumnCount} columns drifted ({result.DriftedShare:P0}, threshold {result.DriftedShareThreshold:P0}); {result.QualityProblems.Count} data quality problem(s) in {result.Rows} rows");

    private static double? OutOfRangeRate(ReferenceProfile profile, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return null;
        }

        var (min, max) = (profile.SortedValues[0], profile.SortedValues[^1]);
        var outside = 0;
        foreach (var value in values)
        {
            if (value < min || value > max)
            {
                outside++;
            }
        }

        return (double)outside / values.Length;
    }

    private static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
