using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>The clock of one incident, read from its evidence.</summary>
/// <param name="TimeToDetect">From the start of the window that showed the breach to the incident opening.</param>
/// <param name="TimeToRemediate">From opening to the first action that changed production, or to resolution when none did; null while neither happened.</param>
public sealed record IncidentTimes(
    DateTimeOffset WindowStart,
    DateTimeOffset OpenedAt,
    DateTimeOffset? RemediatedAt,
    DateTimeOffset? ResolvedAt,
    TimeSpan TimeToDetect,
    TimeSpan? TimeToRemediate);

/// <summary>
/// The post-incident review, written from the incident's evidence alone (so it can be regenerated from a stored chain):
/// what broke and the figures behind it, the timeline, the actions and who did what.
/// </summary>
public static class IncidentReview
{
    /// <summary>The incident's facts from its first record.</summary>
    /// <exception cref="ArgumentException">The chain does not start with an <see cref="IncidentSteps.Opened"/> record.</exception>
    public static IncidentFacts FactsOf(IReadOnlyList<EvidenceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0 || records[0].Step != IncidentSteps.Opened)
        {
            throw new ArgumentException("An incident's evidence starts with its 'opened' record.", nameof(records));
        }

        return records[0].Data.Deserialize<IncidentFacts>(IncidentEvidence.Json)
            ?? throw new ArgumentException("The 'opened' record carries no incident facts.", nameof(records));
    }

    /// <summary>Time to detect and time to remediate, as the evidence shows them.</summary>
    public static IncidentTimes TimesOf(IReadOnlyList<EvidenceRecord> records)
    {
        var facts = FactsOf(records);
        var openedAt = records[0].RecordedAt;
        var remediatedAt = records.FirstOrDefault(r => r.Step == IncidentSteps.Action && IncidentActionDecisions.Remediated(r.Decision))?.RecordedAt;
        var resolvedAt = records.FirstOrDefault(r => r.Step == IncidentSteps.Resolved)?.RecordedAt;
        var remediation = remediatedAt ?? resolvedAt;
        return new IncidentTimes(
            facts.Breach.WindowStart,
            openedAt,
            remediatedAt,
            resolvedAt,
            openedAt - facts.Breach.WindowStart,
            remediation - openedAt);
    }

    /// <summary>The review in Markdown.</summary>
    /// <exception cref="ArgumentException">The chain does not start with an <see cref="IncidentSteps.Opened"/> record.</exception>
    public static string Build(IReadOnlyList<EvidenceRecord> records)
    {
        var facts = FactsOf(records);
        var times = TimesOf(records);
        var breach = facts.Breach;
        var resolved = records.FirstOrDefault(r => r.Step == IncidentSteps.Resolved);
        var text = new StringBuilder();
        Line(text, $"# Post-incident review: {facts.IncidentId}");
        Line(text);
        Line(text, $"| | |");
        Line(text, $"| --- | --- |");
        Line(text, $"| Model | {Cell(facts.Model)} v{facts.Version} in {Cell(facts.Environment)} |");
        Line(text, $"| Type | {BreachKinds.Slug(breach.Kind)} ({breach.Severity.ToString().ToLowerInvariant()}) |");
        Line(text, $"| Breach window from | {Time(times.WindowStart)} |");
        Line(text, $"| Opened | {Time(times.OpenedAt)} |");
        Line(text, $"| Time to detect | {Duration(times.TimeToDetect)} |");
        Line(text, $"| Remediated | {(times.RemediatedAt is { } remediated ? Time(remediated) : "no production change")} |");
        Line(text, $"| Resolved | {(resolved is null ? "open" : $"{Time(resolved.RecordedAt)} by {Cell(resolved.Actor)}")} |");
        Line(text, $"| Time to remediate | {(times.TimeToRemediate is { } ttr ? Duration(ttr) : "open")} |");
        Line(text, $"| Pre-approved action | {(facts.AutoAction is { } auto ? $"{auto.ToString().ToLowerInvariant()} after {Duration(facts.AckTimeout)} without acknowledgement" : "none")} |");
        Line(text, $"| Opened by | {Cell(facts.MonitorId)} |");
        Line(text);

        Line(text, $"## What happened");
        Line(text);
        Line(text, $"{Cell(breach.Summary)}");
        Line(text);
        foreach (var detail in breach.Details)
        {
            Line(text, $"- {Cell(detail)}");
        }

        if (breach.Details.Count > 0)
        {
            Line(text);
        }

        Line(text, $"## Metrics at detection");
        Line(text);
        if (breach.Metrics.Count == 0)
        {
            Line(text, $"No figures were recorded.");
        }
        else
        {
            Line(text, $"| Metric | Value |");
            Line(text, $"| --- | ---: |");
            foreach (var (name, value) in breach.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                Line(text, $"| {Cell(name)} | {value:G6} |");
            }
        }

        Line(text);
        Line(text, $"## Timeline");
        Line(text);
        Line(text, $"| Time (UTC) | Step | Actor | Decision | What |");
        Line(text, $"| --- | --- | --- | --- | --- |");
        foreach (var record in records)
        {
            Line(text, $"| {Time(record.RecordedAt)} | {Cell(record.Step)} | {Cell(record.Actor)} | {Cell(record.Decision)} | {Cell(record.Summary)} |");
        }

        Line(text);
        Line(text, $"## Actions");
        Line(text);
        var actions = records.Where(r => r.Step == IncidentSteps.Action).ToArray();
        if (actions.Length == 0)
        {
            Line(text, $"No runbook action was run.");
        }

        foreach (var action in actions)
        {
            Line(text, $"- {Time(action.RecordedAt)}: {Cell(action.Decision)} by {Cell(action.Actor)}. {Cell(action.Summary)}");
        }

        Line(text);
        Line(text, $"## Who did what");
        Line(text);
        Line(text, $"| Actor | Did |");
        Line(text, $"| --- | --- |");
        foreach (var actor in records.GroupBy(r => r.Actor, StringComparer.Ordinal))
        {
            var did = actor.Select(r => r.Step == IncidentSteps.Action ? $"{r.Step} ({r.Decision})" : r.Step).Distinct(StringComparer.Ordinal);
            Line(text, $"| {Cell(actor.Key)} | {Cell(string.Join(", ", did))} |");
        }

        Line(text);
        Line(text, $"## Evidence");
        Line(text);
        Line(text, $"{records.Count} records in chain {Cell(records[0].ReleaseId)} run {Cell(records[0].RunId)}, head {EvidenceChain.HashOf(records[^1])}; policy {Cell(records[0].Policy.Id)} v{Cell(records[0].Policy.Version)}.");
        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString? line = null)
    {
        if (line is not null)
        {
            text.Append(line.ToString(CultureInfo.InvariantCulture));
        }

        text.Append('\n');
    }

    // A table cell stays one cell: pipes escaped, line breaks flattened.
    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span switch
    {
        _ when span < TimeSpan.Zero => "-" + Duration(span.Negate()),
        { TotalMinutes: < 1 } => span.TotalSeconds.ToString("0.0' s'", CultureInfo.InvariantCulture),
        { TotalDays: >= 1 } => span.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture),
        _ => span.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture),
    };
}
