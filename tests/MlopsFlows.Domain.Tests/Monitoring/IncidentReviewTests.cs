using System.Text.Json;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Domain.Tests.Monitoring;

public class IncidentReviewTests
{
    private const string IncidentId = "incident:main.credit.scorer:prod:drift:20260301T090500000Z";
    private static readonly DateTimeOffset WindowStart = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset OpenedAt = WindowStart.AddMinutes(5).AddSeconds(2);

    private static readonly IncidentFacts Facts = new(
        IncidentId,
        "main.credit.scorer",
        "prod",
        12,
        11,
        "monitor:main.credit.scorer:prod",
        new Breach(
            BreachKind.Drift,
            IncidentSeverity.Ticket,
            "feature drift: 2 of 3 columns drifted (67%, threshold 50%)",
            WindowStart,
            WindowStart.AddMinutes(5),
            ["income: KolmogorovSmirnov 1e-09 against 0.05", "region | zone: ChiSquare 0 against 0.05"],
            new Dictionary<string, double> { ["driftedShare"] = 2.0 / 3, ["rows"] = 600 }),
        RemediationAction.Rollback,
        TimeSpan.FromMinutes(15));

    [Fact]
    public void Build_ResolvedIncident_HasTheSectionsTimelineAndEveryActor()
    {
        var records = Chain(
            (IncidentSteps.Opened, "ticket", "system", "drift incident", 0),
            (IncidentSteps.Notified, "sent", "system", "on-call notified (Opened)", 1),
            (IncidentSteps.Acknowledged, "acknowledged", "ana@example.com", "acknowledged by ana@example.com", 120),
            (IncidentSteps.Action, IncidentActionDecisions.RolledBack, "bob@example.com", "rolled back: v11 100%", 300),
            (IncidentSteps.Resolved, "resolved", "ana@example.com", "resolved by ana@example.com: inputs fixed upstream", 900));

        var review = IncidentReview.Build(records);

        Assert.StartsWith($"# Post-incident review: {IncidentId}\n", review, StringComparison.Ordinal);
        foreach (var section in new[] { "## What happened", "## Metrics at detection", "## Timeline", "## Actions", "## Who did what", "## Evidence" })
        {
            Assert.Contains(section, review, StringComparison.Ordinal);
        }

        Assert.Contains("| Time to detect | 00:05:02 |", review, StringComparison.Ordinal);
        Assert.Contains("| Time to remediate | 00:05:00 |", review, StringComparison.Ordinal);
        Assert.Contains("| Type | drift (ticket) |", review, StringComparison.Ordinal);
        Assert.Contains("| driftedShare | 0.666667 |", review, StringComparison.Ordinal);
        Assert.Contains("| 2026-03-01 09:10:02Z | action | bob@example.com | rolled-back | rolled back: v11 100% |", review, StringComparison.Ordinal);
        Assert.Contains("| ana@example.com | acknowledged, resolved |", review, StringComparison.Ordinal);
        Assert.Contains("| bob@example.com | action (rolled-back) |", review, StringComparison.Ordinal);
        Assert.Contains("- 2026-03-01 09:10:02Z: rolled-back by bob@example.com. rolled back: v11 100%", review, StringComparison.Ordinal);
        Assert.Contains("region \\| zone", review, StringComparison.Ordinal);
        Assert.Contains($"5 records in chain {IncidentId} run run-1, head {EvidenceChain.HashOf(records[^1])}", review, StringComparison.Ordinal);
    }

    [Fact]
    public void TimesOf_FailedActionThenResolution_RemediationIsTheResolution()
    {
        var records = Chain(
            (IncidentSteps.Opened, "ticket", "system", "opened", 0),
            (IncidentSteps.Action, IncidentActionDecisions.Failed, "system", "rollback failed", 60),
            (IncidentSteps.Resolved, "resolved", "ana@example.com", "resolved", 600));

        var times = IncidentReview.TimesOf(records);

        Assert.Null(times.RemediatedAt);
        Assert.Equal(TimeSpan.FromMinutes(10), times.TimeToRemediate);
        Assert.Equal(OpenedAt - WindowStart, times.TimeToDetect);
    }

    [Fact]
    public void TimesOf_StillOpenWithoutAction_NoTimeToRemediate()
    {
        var times = IncidentReview.TimesOf(Chain((IncidentSteps.Opened, "ticket", "system", "opened", 0)));

        Assert.Null(times.TimeToRemediate);
        Assert.Null(times.ResolvedAt);
    }

    [Fact]
    public void Build_ChainNotStartingWithOpened_Throws()
    {
        var records = Chain((IncidentSteps.Opened, "ticket", "system", "opened", 0));

        Assert.Throws<ArgumentException>(() => IncidentReview.Build([records[0] with { Step = IncidentSteps.Notified }]));
        Assert.Throws<ArgumentException>(() => IncidentReview.Build([]));
    }

    [Fact]
    public void FactsOf_OpenedRecord_RoundTripsThroughEvidenceJson()
    {
        var facts = IncidentReview.FactsOf(Chain((IncidentSteps.Opened, "ticket", "system", "opened", 0)));

        Assert.Equal(Facts with { Breach = facts.Breach }, facts);
        Assert.Equal(Facts.Breach.Metrics, facts.Breach.Metrics);
        Assert.Equal(Facts.Breach.Details, facts.Breach.Details);
    }

    private static List<EvidenceRecord> Chain(params (string Step, string Decision, string Actor, string Summary, int Seconds)[] steps)
    {
        var records = new List<EvidenceRecord>();
        string? previous = null;
        foreach (var (step, decision, actor, summary, seconds) in steps)
        {
            var record = new EvidenceRecord
            {
                ReleaseId = IncidentId,
                RunId = "run-1",
                Sequence = records.Count + 1,
                Step = step,
                RecordedAt = OpenedAt.AddSeconds(seconds),
                Actor = actor,
                Decision = decision,
                Summary = summary,
                Policy = new PolicyStamp("default", "2026.3", "abc"),
                Data = step == IncidentSteps.Opened ? JsonSerializer.SerializeToElement(Facts, IncidentEvidence.Json) : JsonSerializer.SerializeToElement(new { }),
                PreviousHash = previous,
            };
            previous = EvidenceChain.HashOf(record);
            records.Add(record);
        }

        return records;
    }
}
