using System.Globalization;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>Everything one check observed; a source that could not be read is null.</summary>
/// <param name="WindowStart">Start of the checked window; time to detect runs from here.</param>
/// <param name="At">When the check ran (the window's end).</param>
/// <param name="MaxP95LatencyMs">The latency ceiling; null when latency is not judged.</param>
/// <param name="MinKpi">The KPI floor; null when no KPI is watched.</param>
public sealed record CheckFindings(
    DateTimeOffset WindowStart,
    DateTimeOffset At,
    ServingMetrics? Serving,
    double? MaxP95LatencyMs,
    SloBurnReport? Burn,
    FeatureCheckResult? Features,
    KpiReading? Kpi,
    double? MinKpi);

/// <summary>
/// Turns a check's findings into breaches, one per kind at most. Severity follows the SRE workbook: only a burn-rate rule
/// of page severity pages; a slow burn, latency, drift, data quality and the KPI open tickets.
/// </summary>
public static class BreachClassifier
{
    private const int MaxDetails = 8;

    public static IReadOnlyList<Breach> Classify(CheckFindings findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var breaches = new List<Breach>();
        if (findings.Burn is { } burn && burn.Firing.Any())
        {
            breaches.Add(SloBurn(findings, burn));
        }

        if (findings.Serving is { RequestCount: > 0 } serving && findings.MaxP95LatencyMs is { } ceiling
            && (double.IsNaN(serving.P95LatencyMs) || serving.P95LatencyMs > ceiling))
        {
            breaches.Add(Make(
                findings,
                BreachKind.Latency,
                IncidentSeverity.Ticket,
                Invariant($"p95 latency {serving.P95LatencyMs:F1} ms exceeds {ceiling:F1} ms on v{serving.Version}"),
                [Invariant($"{serving.RequestCount} requests in the window")],
                Metrics(("p95LatencyMs", serving.P95LatencyMs), ("maxP95LatencyMs", ceiling), ("requests", serving.RequestCount))));
        }

        if (findings.Features is { Drift: DriftVerdict.Drift } drift)
        {
            breaches.Add(Make(
                findings,
                BreachKind.Drift,
                IncidentSeverity.Ticket,
                Invariant($"feature drift: {drift.DriftedCount} of {drift.ColumnCount} columns drifted ({drift.DriftedShare:P0}, threshold {drift.DriftedShareThreshold:P0})"),
                [.. drift.Columns.Where(c => c.Drift == DriftVerdict.Drift).Select(c => Invariant($"{c.Column}: {c.DecidedBy} {c.DecidingValue:G4} against {c.Threshold:G4}"))],
                Metrics(
                    [("driftedShare", drift.DriftedShare), ("driftedColumns", drift.DriftedCount), ("columns", drift.ColumnCount), ("rows", drift.Rows),
                     .. drift.Columns.Where(c => c.Drift == DriftVerdict.Drift).Select(c => ($"{c.Column}.{c.DecidedBy}", c.DecidingValue))])));
        }

        if (findings.Features is { QualityProblems.Count: > 0 } quality)
        {
            breaches.Add(Make(
                findings,
                BreachKind.DataQuality,
                IncidentSeverity.Ticket,
                Invariant($"data quality: {quality.QualityProblems.Count} problem(s) in {quality.Rows} rows"),
                quality.QualityProblems,
                Metrics(
                    [("rows", quality.Rows), ("missingColumns", quality.MissingColumns.Count),
                     .. quality.Columns.Select(c => ($"{c.Column}.nullRate", c.NullRate))])));
        }

        if (findings.Kpi is { Value: { } kpi } reading && findings.MinKpi is { } floor && kpi < floor)
        {
            breaches.Add(Make(
                findings,
                BreachKind.Kpi,
                IncidentSeverity.Ticket,
                Invariant($"{reading.Name} {kpi:G4} is below the floor {floor:G4}"),
                [Invariant($"{reading.Samples} observations in the window")],
                Metrics(("kpi", kpi), ("minKpi", floor), ("samples", reading.Samples))));
        }

        return breaches;
    }

    private static Breach SloBurn(CheckFindings findings, SloBurnReport burn)
    {
        var firing = burn.Firing.ToArray();
        var worst = firing.MaxBy(r => r.ShortWindowBurnRate)!;
        var severity = firing.Any(r => r.Severity == AlertSeverity.Page) ? IncidentSeverity.Page : IncidentSeverity.Ticket;
        return Make(
            findings,
            BreachKind.SloBurn,
            severity,
            Invariant($"error budget burning {worst.ShortWindowBurnRate:G3}× (rule {worst.Rule}: over {worst.Threshold:G3}× in both {Span(worst.LongWindow)} and {Span(worst.ShortWindow)})"),
            [.. firing.Select(r => Invariant($"{r.Rule} ({r.Severity}): {r.LongWindowBurnRate:G3}× over {Span(r.LongWindow)}, {r.ShortWindowBurnRate:G3}× over {Span(r.ShortWindow)}, threshold {r.Threshold:G3}×"))],
            Metrics(
                [("sloTarget", burn.Target), ("attainment", burn.Attainment ?? double.NaN), ("requests", burn.Requests),
                 .. firing.SelectMany(r => new[] { ($"{r.Rule}.long", r.LongWindowBurnRate), ($"{r.Rule}.short", r.ShortWindowBurnRate), ($"{r.Rule}.threshold", r.Threshold) })]));
    }

    private static Breach Make(
        CheckFindings findings, BreachKind kind, IncidentSeverity severity, string summary, IReadOnlyList<string> details, IReadOnlyDictionary<string, double> metrics) =>
        new(kind, severity, summary, findings.WindowStart, findings.At, [.. details.Take(MaxDetails)], metrics);

    // Non-finite figures are left out: incident inputs travel as JSON, which has no NaN.
    private static SortedDictionary<string, double> Metrics(params IEnumerable<(string Name, double Value)> values)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (double.IsFinite(value))
            {
                metrics[name] = value;
            }
        }

        return metrics;
    }

    private static string Span(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.TotalDays == Math.Floor(span.TotalDays) => Invariant($"{span.TotalDays:G} d"),
        { TotalHours: >= 1 } when span.TotalHours == Math.Floor(span.TotalHours) => Invariant($"{span.TotalHours:G} h"),
        { TotalMinutes: >= 1 } when span.TotalMinutes == Math.Floor(span.TotalMinutes) => Invariant($"{span.TotalMinutes:G} min"),
        _ => Invariant($"{span.TotalSeconds:G4} s"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
