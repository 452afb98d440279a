using System.Text.Json.Serialization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>A gate's or a finding's verdict. <see cref="InsufficientData"/> is never a pass.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GateOutcome>))]
public enum GateOutcome
{
    Pass,
    Fail,
    InsufficientData,
}

/// <summary>A named number behind a finding (e.g. the champion's value, a group's selection rate, a count).</summary>
/// <param name="Value">Finite or null: NaN and infinities are stored as null so that the report is always valid JSON.</param>
public sealed record GateMeasure(string Name, double? Value)
{
    public double? Value { get; init; } = GateNumbers.Finite(Value);
}

/// <summary>A two-sided confidence interval; a bound that is undefined or infinite is null.</summary>
/// <param name="Level">The confidence level, e.g. 0.95.</param>
/// <param name="Method">How it was computed, e.g. <c>katz-log</c>, <c>newcombe-hybrid-score</c>.</param>
public sealed record ConfidenceInterval(double? Lower, double? Upper, double Level, string Method)
{
    public double? Lower { get; init; } = GateNumbers.Finite(Lower);

    public double? Upper { get; init; } = GateNumbers.Finite(Upper);
}

/// <summary>One thing a gate checked: a value against its threshold, with the verdict and the reason in words.</summary>
/// <param name="Check">What was checked, e.g. <c>disparate_impact</c>, <c>null_rate</c>, <c>regression</c>.</param>
/// <param name="Subject">What it was checked on, e.g. a metric, a column, a protected group.</param>
public sealed record GateFinding(string Check, string Subject, GateOutcome Outcome, string Reason)
{
    /// <summary>The value compared with <see cref="Threshold"/>; null when it could not be computed or is not finite.</summary>
    public double? Value { get; init => field = GateNumbers.Finite(value); }

    /// <summary>How <see cref="Value"/> must compare with <see cref="Threshold"/> to pass (written by name, for readers of the evidence).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Comparison>))]
    public Comparison? Comparison { get; init; }

    public double? Threshold { get; init => field = GateNumbers.Finite(value); }

    /// <summary>The number of observations behind <see cref="Value"/>, where it is a statistic.</summary>
    public long? SampleSize { get; init; }

    /// <summary>Confidence interval of <see cref="Value"/>, where it is an estimate.</summary>
    public ConfidenceInterval? Interval { get; init; }

    /// <summary>The other numbers behind the finding.</summary>
    public IReadOnlyList<GateMeasure> Measures { get; init; } = [];
}

/// <summary>
/// One evidence gate's report, written as the gate's evidence record: what was read (<see cref="Inputs"/>), every finding
/// and the overall outcome. Records and string-keyed maps only, and no NaN, so it serialises with System.Text.Json's
/// defaults and reads back the same.
/// </summary>
/// <param name="Gate">The gate's name, e.g. <c>fairness</c>.</param>
public sealed record GateReport(string Gate, GateOutcome Outcome, IReadOnlyList<GateFinding> Findings)
{
    /// <summary>A summary of the inputs (dataset ids, row counts, policy thresholds), sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// True only when the outcome is pass and so is every finding: a report read back from storage cannot pass with a
    /// failing or insufficient finding inside.
    /// </summary>
    public bool Passed => Outcome == GateOutcome.Pass && Findings.Count > 0 && Findings.All(f => f.Outcome == GateOutcome.Pass);

    /// <summary>Why the gate decided as it did: the findings that did not pass, or every finding when all passed.</summary>
    public IReadOnlyList<string> Reasons =>
        Passed ? [.. Findings.Select(f => f.Reason)] : [.. Findings.Where(f => f.Outcome != GateOutcome.Pass).Select(f => f.Reason)];

    /// <summary>
    /// The report whose outcome follows from its findings: fail if any fails, else insufficient data if any is, else pass.
    /// No findings at all is insufficient data: a gate that checked nothing has not passed.
    /// </summary>
    public static GateReport From(string gate, IReadOnlyList<GateFinding> findings, IEnumerable<KeyValuePair<string, string>>? inputs = null)
    {
        var outcome = findings.Count == 0 ? GateOutcome.InsufficientData
            : findings.Any(f => f.Outcome == GateOutcome.Fail) ? GateOutcome.Fail
            : findings.Any(f => f.Outcome == GateOutcome.InsufficientData) ? GateOutcome.InsufficientData
            : GateOutcome.Pass;
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in inputs ?? [])
        {
            sorted[key] = value;
        }

        return new GateReport(gate, outcome, findings) { Inputs = sorted };
    }
}

/// <summary>Number helpers shared by the gates.</summary>
internal static class GateNumbers
{
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>A rate, or null when the denominator is zero.</summary>
    public static double? Rate(long count, long total) => total > 0 ? (double)count / total : null;

    /// <summary>For reasons: six significant digits, and words for what JSON cannot hold.</summary>
    public static string Format(double? value) => value switch
    {
        null => "undefined",
        double.NaN => "NaN",
        double.PositiveInfinity => "+∞",
        double.NegativeInfinity => "−∞",
        { } v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
    };
}
