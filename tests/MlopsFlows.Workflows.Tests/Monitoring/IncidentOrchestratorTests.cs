using System.Text;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Support;

namespace MlopsFlows.Workflows.Tests.Monitoring;

/// <summary>
/// Incidents started directly, as a monitor starts them, so each runbook path is driven by the test's own events.
/// Acknowledgement timeouts are seconds: the in-memory host's timers are real time.
/// </summary>
public sealed class IncidentOrchestratorTests(MonitoringHost host) : IClassFixture<MonitoringHost>
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task RunAsync_AcknowledgedInTime_NeitherEscalatesNorRunsThePreApprovedAction()
    {
        var (scenario, id) = await OpenAsync("acked", RemediationAction.Rollback);

        await host.Client.RaiseEventAsync(id, IncidentEvents.Acknowledge, new AcknowledgeIncident("ana@example.com", "looking"));
        var acked = await scenario.WaitForIncidentAsync(id, s => s.State == IncidentState.Acknowledged, "the acknowledgement");
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > acked.OpenedAt + AckTimeout + TimeSpan.FromSeconds(1), MonitoringScenario.Deadline, "the acknowledgement timeout to pass");
        var outcome = await scenario.ResolveAsync(id);
        var resolved = await scenario.IncidentStatusAsync(id);

        Assert.Equal(("ana@example.com", null), (acked.AcknowledgedBy, acked.AckDeadline));
        Assert.InRange(acked.AcknowledgedAt!.Value, acked.OpenedAt, acked.OpenedAt + AckTimeout);
        Assert.Equal((IncidentState.Resolved, acked.AcknowledgedAt, outcome.ResolvedAt), (resolved!.State, resolved.AcknowledgedAt, resolved.ResolvedAt));
        Assert.Empty(outcome.Actions);
        Assert.Equal([IncidentNoticeReason.Opened], host.Notifier.SentFor(id).Select(n => n.Reason));
        Assert.Equal(TrafficSplit.AllTo(MonitoringScenario.Version), host.Serving.TrafficOf(scenario.Endpoint));
        var evidence = await scenario.VerifiedEvidenceAsync(id);
        Assert.Equal(
            [IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Acknowledged, IncidentSteps.Resolved, IncidentSteps.Review],
            evidence.Select(r => r.Step));
        Assert.Equal(evidence[3].RecordedAt - evidence[0].RecordedAt, outcome.TimeToRemediate);
    }

    [Fact]
    public async Task RunAsync_NobodyAcknowledges_EscalatesOnceAndActsOnlyWhenThePolicySays()
    {
        var (scenario, id) = await OpenAsync("unacked", autoAction: null);

        var escalated = await scenario.WaitForIncidentAsync(id, s => s.Escalated, "the escalation");
        var notices = host.Notifier.SentFor(id);
        var outcome = await scenario.ResolveAsync(id);

        Assert.Equal((IncidentState.Open, null), (escalated.State, escalated.AckDeadline));
        Assert.Equal([IncidentNoticeReason.Opened, IncidentNoticeReason.Escalated], notices.Select(n => n.Reason));
        Assert.Equal(notices[0].OpenedAt + AckTimeout, notices[0].AckDeadline);
        Assert.Null(notices[1].AckDeadline);
        Assert.Empty(outcome.Actions);
        Assert.Equal(TrafficSplit.AllTo(MonitoringScenario.Version), host.Serving.TrafficOf(scenario.Endpoint));
        var evidence = await scenario.VerifiedEvidenceAsync(id);
        Assert.True(evidence[2].RecordedAt - evidence[0].RecordedAt >= AckTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal((IncidentSteps.Escalated, "sent"), (evidence[2].Step, evidence[2].Decision));
    }

    [Fact]
    public async Task RunAsync_Suppressed_HoldsEscalationUntilTheSuppressionEndsThenGivesTheFullTimeoutAgain()
    {
        var (scenario, id) = await OpenAsync("suppressed", RemediationAction.Rollback);
        var until = DateTimeOffset.UtcNow.AddSeconds(3);

        await host.Client.RaiseEventAsync(id, IncidentEvents.Suppress, new SuppressIncident(until, "ana@example.com", "known upstream outage"));
        var suppressed = await scenario.WaitForIncidentAsync(id, s => s.State == IncidentState.Suppressed, "the suppression");
        await scenario.WaitForIncidentAsync(id, s => s.State == IncidentState.Mitigated, "the rollback after the suppression");
        var outcome = await scenario.ResolveAsync(id);

        Assert.Equal(until, suppressed.SuppressedUntil);
        Assert.Equal(
            [IncidentNoticeReason.Opened, IncidentNoticeReason.SuppressionEnded, IncidentNoticeReason.Escalated],
            host.Notifier.SentFor(id).Select(n => n.Reason));
        var evidence = await scenario.VerifiedEvidenceAsync(id);
        var ended = evidence.Single(r => r.Step == IncidentSteps.SuppressionEnded).RecordedAt;
        var escalated = evidence.Single(r => r.Step == IncidentSteps.Escalated).RecordedAt;
        Assert.True(ended >= until.AddSeconds(-1), $"suppression ended at {ended:O}, before {until:O}");
        Assert.True(escalated - ended >= AckTimeout - TimeSpan.FromSeconds(1), $"escalated {escalated - ended} after the suppression ended");
        Assert.Equal(["rollback by system: rolled-back"], outcome.Actions);
    }

    [Fact]
    public async Task RunAsync_PeopleActAndResolve_ReviewHasTheTimelineMetricsAndWhoDidWhat()
    {
        var (scenario, id) = await OpenAsync("reviewed", RemediationAction.Retrain, ackTimeout: TimeSpan.FromMinutes(10));

        await host.Client.RaiseEventAsync(id, IncidentEvents.Acknowledge, new AcknowledgeIncident("ana@example.com", "on it"));
        await scenario.WaitForIncidentAsync(id, s => s.AcknowledgedBy is not null, "the acknowledgement");
        await host.Client.RaiseEventAsync(id, IncidentEvents.RunAction, new RunIncidentAction(RemediationAction.Rollback, "bob@example.com", "drift started with v12", "teams", IdentityVerified: true));
        await scenario.WaitForIncidentAsync(id, s => s.State == IncidentState.Mitigated, "the rollback");
        var outcome = await scenario.ResolveAsync(id, "ana@example.com", "upstream feed repaired");

        var evidence = await scenario.VerifiedEvidenceAsync(id);
        Assert.Equal(IncidentSteps.Review, evidence[^1].Step);
        Assert.Equal(outcome.Review, evidence[^1].Data.GetProperty("markdown").GetString());
        Assert.Equal((evidence.Count, Domain.Evidence.EvidenceChain.HashOf(evidence[^1])), (outcome.EvidenceCount, outcome.EvidenceHead));
        Assert.Equal(IncidentReview.Build([.. evidence.SkipLast(1)]), outcome.Review);
        Assert.Contains("## Timeline", outcome.Review, StringComparison.Ordinal);
        Assert.Contains("| ana@example.com | acknowledged, resolved |", outcome.Review, StringComparison.Ordinal);
        Assert.Contains("| bob@example.com | action (rolled-back) |", outcome.Review, StringComparison.Ordinal);
        Assert.Contains("| driftedShare | 1 |", outcome.Review, StringComparison.Ordinal);
        Assert.Contains("drift started with v12", outcome.Review, StringComparison.Ordinal);
        Assert.Contains("| Time to detect |", outcome.Review, StringComparison.Ordinal);
        Assert.Equal(["rollback by bob@example.com: rolled-back"], outcome.Actions);
        Assert.Equal(("ana@example.com", evidence.Single(r => r.Step == IncidentSteps.Action).RecordedAt - evidence[0].RecordedAt), (outcome.ResolvedBy, outcome.TimeToRemediate));
        Assert.InRange(outcome.TimeToDetect, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(TrafficSplit.AllTo(MonitoringScenario.Previous), host.Serving.TrafficOf(scenario.Endpoint));
        Assert.Empty(host.Retraining.RequestsFor(scenario.Model));
        var action = evidence.Single(r => r.Step == IncidentSteps.Action);
        Assert.True(action.Data.GetProperty("request").GetProperty("identityVerified").GetBoolean());
    }

    [Fact]
    public async Task RunAsync_RollbackWithoutPreviousVersion_RecordsTheFailureAndWaits()
    {
        var (scenario, id) = await OpenAsync("first-version", autoAction: null, previous: null);

        await host.Client.RaiseEventAsync(id, IncidentEvents.RunAction, new RunIncidentAction(RemediationAction.Rollback, "bob@example.com"));
        var status = await scenario.WaitForIncidentAsync(id, s => s.Actions.Count == 1, "the rollback attempt");
        var outcome = await scenario.ResolveAsync(id);

        Assert.Equal((IncidentState.Acknowledged, "rollback by bob@example.com: failed"), (status.State, status.Actions[0]));
        Assert.NotNull(status.AcknowledgedAt);
        Assert.Null(status.ResolvedAt);
        Assert.Contains(host.Notifier.SentFor(id)[0].Runbook, r => r.Command == RunbookCommand.Retrain);
        Assert.DoesNotContain(host.Notifier.SentFor(id)[0].Runbook, r => r.Command == RunbookCommand.RollBack);
        var action = (await scenario.VerifiedEvidenceAsync(id)).Single(r => r.Step == IncidentSteps.Action);
        Assert.Contains("no previous version", action.Summary, StringComparison.Ordinal);
        Assert.Equal(outcome.ResolvedAt - outcome.OpenedAt, outcome.TimeToRemediate);
    }

    [Fact]
    public async Task RunAsync_ProductionMovedOnBeforeTheRollback_RefusesToTouchIt()
    {
        var (scenario, id) = await OpenAsync("moved-on", autoAction: null);
        host.Serving.Seed(scenario.Endpoint, TrafficSplit.AllTo(13));

        await host.Client.RaiseEventAsync(id, IncidentEvents.RunAction, new RunIncidentAction(RemediationAction.Rollback, "bob@example.com"));
        var status = await scenario.WaitForIncidentAsync(id, s => s.Actions.Count == 1, "the rollback attempt");
        await scenario.ResolveAsync(id);

        Assert.Equal("rollback by bob@example.com: failed", status.Actions[0]);
        Assert.Equal(TrafficSplit.AllTo(13), host.Serving.TrafficOf(scenario.Endpoint));
        Assert.Equal(MonitoringScenario.Version, host.Registry.AliasOf(scenario.Model, "champion"));
    }

    [Fact]
    public async Task RunAsync_NotesWithPersonalData_AreRedactedAsTheMonitorsSettingsSayAndTheReviewKeepsWhoActed()
    {
        var redaction = RedactionSettings.Default with { Custom = [new CustomRedactionRule("employee-id", @"\bE\d{6}\b")] };
        var (scenario, id) = await OpenAsync("redacted", RemediationAction.Retrain, ackTimeout: TimeSpan.FromMinutes(10), redaction: redaction);

        await host.Client.RaiseEventAsync(id, IncidentEvents.Acknowledge, new AcknowledgeIncident("ana@example.com", "customer jane.customer@gmail.com called about it; E123456 is on it"));
        await scenario.WaitForIncidentAsync(id, s => s.AcknowledgedBy is not null, "the acknowledgement");
        var outcome = await scenario.ResolveAsync(id, "ana@example.com", "refund sent to DE89 3704 0044 0532 0130 00");

        var evidence = await scenario.VerifiedEvidenceAsync(id);
        var stored = string.Join('\n', evidence.Select(r => Encoding.UTF8.GetString(EvidenceChain.ToCanonicalJson(r))));
        Assert.DoesNotContain("jane.customer", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("E123456", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("3704", stored, StringComparison.Ordinal);
        var acknowledged = evidence.Single(r => r.Step == IncidentSteps.Acknowledged);
        Assert.Equal(("ana@example.com", "ana@example.com"), (acknowledged.Actor, acknowledged.Data.GetProperty("by").GetString()));
        Assert.Equal("customer [redacted:email] called about it; [redacted:employee-id] is on it", acknowledged.Data.GetProperty("note").GetString());
        Assert.Equal(
            [new Redaction("summary", RedactionRuleNames.Email), new Redaction("summary", "employee-id"), new Redaction("data.note", RedactionRuleNames.Email), new Redaction("data.note", "employee-id")],
            acknowledged.Redactions);
        Assert.Contains(new Redaction("data.note", RedactionRuleNames.Iban), evidence.Single(r => r.Step == IncidentSteps.Resolved).Redactions);

        // The review is built from the redacted records and names who acted; its own record keeps those names.
        var review = evidence[^1];
        Assert.Equal(outcome.Review, review.Data.GetProperty("markdown").GetString());
        Assert.Contains("| ana@example.com | acknowledged, resolved |", outcome.Review, StringComparison.Ordinal);
        Assert.Empty(review.Redactions);
    }

    private async Task<(MonitoringScenario Scenario, string Id)> OpenAsync(
        string name, RemediationAction? autoAction, TimeSpan? ackTimeout = null, int? previous = MonitoringScenario.Previous, RedactionSettings? redaction = null)
    {
        var scenario = new MonitoringScenario(host, name).Arrange();
        var detectedAt = DateTimeOffset.UtcNow;
        var id = IncidentIds.For(scenario.Model, MonitoringScenario.Environment, BreachKind.Drift, detectedAt);
        var breach = new Breach(
            BreachKind.Drift,
            IncidentSeverity.Ticket,
            "feature drift: 3 of 3 columns drifted (100%, threshold 50%)",
            detectedAt.AddSeconds(-1),
            detectedAt,
            ["income: KolmogorovSmirnov 1e-30 against 0.05"],
            new Dictionary<string, double> { ["driftedShare"] = 1 });
        var input = new IncidentInput(
            id, scenario.Model, MonitoringScenario.Environment, MonitoringScenario.Version, previous, scenario.Endpoint,
            scenario.MonitorId, "run-1", breach, autoAction, ackTimeout ?? AckTimeout, MonitoringScenario.Stamp, redaction);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), input, new StartOrchestrationOptions(id));
        await scenario.WaitForIncidentAsync(id, s => s.EvidenceCount >= 2, "the incident to open");
        return (scenario, id);
    }
}
