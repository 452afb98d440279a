using System.Globalization;
using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>The kind of a column, which decides its statistics.</summary>
public enum ColumnKind
{
    Numeric,
    Categorical,
}

/// <summary>The three-way drift verdict: a window can be too small or empty to say either way.</summary>
public enum DriftVerdict
{
    NoDrift,
    Drift,
    Inconclusive,
}

/// <summary>One column's verdict, the statistic and threshold behind it, and all the statistics as evidence.</summary>
/// <param name="DecidingValue">The deciding statistic's value (a p-value for tests, a distance otherwise); NaN when there is none.</param>
/// <param name="Threshold">The threshold it was held against: drift when a p-value is below it or a distance above it (at the threshold passes, as the canary judge's ceilings do).</param>
/// <param name="Notes">Why the verdict is what it is, in plain words (sample sizes, unseen categories, the rule applied).</param>
/// <param name="Numeric">The numeric statistics; null for categorical columns and empty windows.</param>
/// <param name="Categorical">The categorical statistics; null for numeric columns and empty windows.</param>
public sealed record ColumnDriftResult(
    string Column,
    ColumnKind Kind,
    DriftVerdict Verdict,
    DriftStatistic DecidedBy,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double DecidingValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Threshold,
    long ReferenceCount,
    long CurrentCount,
    IReadOnlyList<string> Notes,
    NumericDriftStatistics? Numeric,
    CategoricalDriftResult? Categorical);

/// <summary>Judges one column by the default rules in <see cref="DriftThresholds"/>.</summary>
/// <remarks>
/// Numeric: KS p-value for samples up to <see cref="DriftThresholds.LargeSampleSize"/>, else PSI (or the normalised
/// Wasserstein distance). Categorical: chi-square p-value for small samples, else the Jensen–Shannon distance. All
/// statistics are computed either way, as evidence. An empty window, or one smaller than
/// <see cref="DriftThresholds.MinimumSampleSize"/>, is inconclusive rather than an error: monitoring windows can be
/// quiet, and a quiet window proves nothing.
/// </remarks>
public static class ColumnDrift
{
    /// <summary>Judges a numeric column.</summary>
    /// <exception cref="ArgumentException">The current window holds NaN or ±infinity.</exception>
    public static ColumnDriftResult Numeric(
        string column,
        ReferenceProfile reference,
        ReadOnlySpan<double> current,
        DriftThresholds? thresholds = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        thresholds ??= DriftThresholds.Default;
        thresholds.Validate();
        var notes = new List<string>();
        if (current.IsEmpty)
        {
            notes.Add("the current window is empty");
            return new ColumnDriftResult(
                column, ColumnKind.Numeric, DriftVerdict.Inconclusive, DriftStatistic.None, double.NaN, double.NaN, reference.Count, 0, notes, null, null);
        }

        var statistics = NumericDrift.Compare(reference, current, thresholds.PsiEpsilon);
        var smaller = Math.Min(reference.Count, current.Length);
        if (reference.BinCount < reference.RequestedBinCount)
        {
            notes.Add(Invariant($"reference ties collapsed {reference.RequestedBinCount} quantile bins into {reference.BinCount}"));
        }

        DriftStatistic decidedBy;
        double value, threshold;
        bool drifted;
        if (smaller <= thresholds.LargeSampleSize)
        {
            (decidedBy, value, threshold) = (DriftStatistic.KolmogorovSmirnov, statistics.KolmogorovSmirnov.PValue, thresholds.Significance);
            drifted = value < threshold;
            notes.Add(Invariant($"small sample ({smaller} ≤ {thresholds.LargeSampleSize}): judged by the KS test, p = {value:G4} against {threshold:G4}"));
        }
        else if (thresholds.LargeSampleNumeric == LargeSampleNumericStatistic.Wasserstein)
        {
            (decidedBy, value, threshold) = (DriftStatistic.Wasserstein, statistics.Wasserstein!.NormalizedDistance, thresholds.WassersteinThreshold);
            drifted = value > threshold;
            notes.Add(Invariant($"large sample: judged by the normalised Wasserstein distance {value:G4} against {threshold:G4}"));
        }
        else
        {
            (decidedBy, value, threshold) = (DriftStatistic.PopulationStabilityIndex, statistics.Psi.Value, thresholds.PsiThreshold);
            drifted = value > threshold;
            notes.Add(Invariant($"large sample: judged by PSI {value:G4} against {threshold:G4}"));
        }

        var verdict = Decide(drifted, smaller, thresholds, notes);
        return new ColumnDriftResult(
            column, ColumnKind.Numeric, verdict, decidedBy, value, threshold, reference.Count, current.Length, notes, statistics, null);
    }

    /// <summary>Judges a categorical column.</summary>
    public static ColumnDriftResult Categorical(
        string column,
        CategoryCounts reference,
        CategoryCounts current,
        DriftThresholds? thresholds = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        thresholds ??= DriftThresholds.Default;
        thresholds.Validate();
        var notes = new List<string>();
        if (reference.Total == 0 || current.Total == 0)
        {
            notes.Add(reference.Total == 0 ? "the reference has no observations" : "the current window is empty");
            return new ColumnDriftResult(
                column, ColumnKind.Categorical, DriftVerdict.Inconclusive, DriftStatistic.None, double.NaN, double.NaN, reference.Total, current.Total, notes, null, null);
        }

        var statistics = CategoricalDrift.Compare(reference, current, thresholds.PsiEpsilon);
        if (statistics.UnseenCategories.Count > 0)
        {
            long unseenTotal = 0;
            foreach (var unseen in statistics.UnseenCategories)
            {
                unseenTotal += unseen.Count;
            }

            notes.Add(Invariant($"{statistics.UnseenCategories.Count} categories unseen in the reference ({unseenTotal} values), e.g. '{statistics.UnseenCategories[0].Category}'"));
        }

        var smaller = Math.Min(reference.Total, current.Total);
        DriftStatistic decidedBy;
        double value, threshold;
        bool drifted;
        if (smaller <= thresholds.LargeSampleSize)
        {
            (decidedBy, value, threshold) = (DriftStatistic.ChiSquare, statistics.ChiSquare.PValue, thresholds.Significance);
            drifted = value < threshold;
            notes.Add(Invariant($"small sample ({smaller} ≤ {thresholds.LargeSampleSize}): judged by the chi-square test, p = {value:G4} against {threshold:G4}"));
        }
        else
        {
            (decidedBy, value, threshold) = (DriftStatistic.JensenShannon, statistics.JensenShannonDistance, thresholds.JensenShannonThreshold);
            drifted = value > threshold;
            notes.Add(Invariant($"large sample: judged by the Jensen–Shannon distance {value:G4} against {threshold:G4}"));
        }

        var verdict = Decide(drifted, smaller, thresholds, notes);
        return new ColumnDriftResult(
            column, ColumnKind.Categorical, verdict, decidedBy, value, threshold, reference.Total, current.Total, notes, null, statistics);
    }

    private static DriftVerdict Decide(bool drifted, long smaller, DriftThresholds thresholds, List<string> notes)
    {
        if (smaller < thresholds.MinimumSampleSize)
        {
            notes.Add(Invariant($"only {smaller} values on the smaller side, fewer than the {thresholds.MinimumSampleSize} needed for a verdict"));
            return DriftVerdict.Inconclusive;
        }

        return drifted ? DriftVerdict.Drift : DriftVerdict.NoDrift;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
