using System.Text.Json;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;

namespace MlopsFlows.Workflows.Tests.Monitoring;

/// <summary>
/// The monitor and the incidents it opens on the in-memory host, over fake ports. Intervals and acknowledgement
/// timeouts are seconds (timers are real time); every test has its own model and endpoint in the shared host.
/// </summary>
public sealed class MonitorOrchestratorTests(MonitoringHost host) : IClassFixture<MonitoringHost>
{
    [Fact]
    public async Task RunAsync_StoppedWithPersonalDataInTheReason_RecordsTheStopRedactedAndWhoStoppedIt()
    {
        // A monitor started without redaction settings (as one started before they existed) redacts with the defaults.
        var scenario = new MonitoringScenario(host, "stop-redacted").Arrange();
        await scenario.StartAsync(MonitoringScenario.Policy());
        await scenario.WaitForMonitorAsync(s => s.Checks >= 1, "a check");

        await scenario.StopAsync(reason: "retired after a complaint by jane.customer@gmail.com");

        var stopped = (await scenario.VerifiedEvidenceAsync(scenario.MonitorId))[^1];
        Assert.Equal((MonitorSteps.Stopped, "ops@example.com"), (stopped.Step, stopped.Actor));
        Assert.Equal("stopped by ops@example.com: retired after a complaint by [redacted:email]", stopped.Summary);
        Assert.Equal("retired after a complaint by [redacted:email]", stopped.Data.GetProperty("reason").GetString());
        Assert.Equal([new Redaction("summary", RedactionRuleNames.Email), new Redaction("data.reason", RedactionRuleNames.Email)], stopped.Redactions);
    }

    [Fact]
    public async Task RunAsync_HealthyModel_ChecksOnItsIntervalWithOneChainAcrossContinueAsNew()
    {
        var scenario = new MonitoringScenario(host, "healthy").Arrange();

        Assert.Equal(MonitorStartKind.Started, (await scenario.StartAsync(MonitoringScenario.Policy())).Kind);
        var status = await scenario.WaitForMonitorAsync(s => s.Checks >= 3, "three checks");
        var outcome = await scenario.StopAsync();

        Assert.Equal(MonitorHealth.Healthy, status.Health);
        Assert.Empty(status.OpenIncidents);
        var evidence = await scenario.VerifiedEvidenceAsync(scenario.MonitorId);
        var checks = evidence.Where(r => r.Step == MonitorSteps.Check).ToList();
        Assert.Equal(MonitorSteps.Started, evidence[0].Step);
        Assert.Equal((MonitorSteps.Stopped, "ops@example.com"), (evidence[^1].Step, evidence[^1].Actor));
        Assert.Equal(evidence.Count - 2, checks.Count);
        Assert.Equal((checks.Count, evidence.Count), (outcome.Checks, outcome.EvidenceCount));
        Assert.All(checks, c => Assert.Equal("healthy", c.Decision));
        Assert.Equal(Enumerable.Range(1, checks.Count), checks.Select(c => c.Data.GetProperty("check").GetInt32()));

        // Each generation ran one check and handed the clock on: due times one interval apart, none skipped.
        var due = checks.Select(c => c.Data.GetProperty("scheduledAt").GetDateTimeOffset()).ToArray();
        Assert.All(due.Zip(due.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        Assert.All(checks, c => Assert.True(c.RecordedAt >= c.Data.GetProperty("scheduledAt").GetDateTimeOffset().AddSeconds(-1)));
        Assert.All(evidence, r => Assert.Equal(MonitoringScenario.Stamp, r.Policy));
        Assert.True(host.Features.ReadsOf(scenario.Model, MonitoringScenario.Environment) >= checks.Count);
    }

    [Fact]
    public async Task RunAsync_DriftWithRollbackPreApproved_OneIncidentRollsBackAfterTheAckTimeout()
    {
        var scenario = new MonitoringScenario(host, "drift-rollback").Arrange();
        host.Features.Serve(scenario.Model, MonitoringScenario.Environment, FakeFeatureWindows.Drifted);

        await scenario.StartAsync(MonitoringScenario.Policy(autoAction: "rollback", ackTimeout: TimeSpan.FromSeconds(2)));
        var incident = await scenario.WaitForOpenIncidentAsync(BreachKind.Drift);
        var mitigated = await scenario.WaitForIncidentAsync(incident.InstanceId, s => s.State == IncidentState.Mitigated, "the automatic rollback");

        Assert.Equal(TrafficSplit.AllTo(MonitoringScenario.Previous), host.Serving.TrafficOf(scenario.Endpoint));
        Assert.Equal(MonitoringScenario.Previous, host.Registry.AliasOf(scenario.Model, "champion"));
        Assert.True(mitigated.Escalated);
        Assert.Null(mitigated.AcknowledgedBy);
        Assert.Equal(["rollback by system: rolled-back"], mitigated.Actions);
        Assert.Equal(
            [IncidentNoticeReason.Opened, IncidentNoticeReason.Escalated],
            host.Notifier.SentFor(incident.InstanceId).Select(n => n.Reason));

        // The monitor follows production to v11 and, with the drift incident open, opens no second one.
        var following = await scenario.WaitForMonitorAsync(s => s.Version == MonitoringScenario.Previous, "the monitor to watch v11");
        await scenario.WaitForMonitorAsync(s => s.Checks >= following.Checks + 2, "two more checks");
        Assert.Single(host.Notifier.SentAbout(scenario.Model), n => n.Reason == IncidentNoticeReason.Opened);
        Assert.Null(following.PreviousVersion);

        var outcome = await scenario.ResolveAsync(incident.InstanceId);
        await scenario.StopAsync();

        var evidence = await scenario.VerifiedEvidenceAsync(incident.InstanceId);
        Assert.Equal(
            [IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Escalated, IncidentSteps.Action, IncidentSteps.Resolved, IncidentSteps.Review],
            evidence.Select(r => r.Step));
        var escalatedAt = evidence[2].RecordedAt;
        Assert.True(escalatedAt - evidence[0].RecordedAt >= TimeSpan.FromSeconds(1), "escalated before the acknowledgement timeout");
        Assert.Equal((IncidentActionDecisions.RolledBack, "system"), (evidence[3].Decision, evidence[3].Actor));
        Assert.Equal(evidence[3].RecordedAt - evidence[0].RecordedAt, outcome.TimeToRemediate);
        Assert.True(outcome.TimeToDetect >= TimeSpan.FromSeconds(1), $"time to detect {outcome.TimeToDetect} is shorter than the window");
        var monitorEvidence = await scenario.VerifiedEvidenceAsync(scenario.MonitorId);
        Assert.Contains(monitorEvidence, r => r.Step == MonitorSteps.VersionChanged && r.Summary.Contains("v11 instead of v12", StringComparison.Ordinal));
        var breach = monitorEvidence.First(r => r.Decision == "breach");
        Assert.Contains(incident.InstanceId, breach.Summary, StringComparison.Ordinal);
        Assert.Equal("Drift", breach.Data.GetProperty("features").GetProperty("drift").GetString());
    }

    [Fact]
    public async Task RunAsync_DriftWithRetrainPreApproved_StartsOneRetrainingRunUnderTheIncidentsKey()
    {
        var scenario = new MonitoringScenario(host, "drift-retrain").Arrange();
        host.Features.Serve(scenario.Model, MonitoringScenario.Environment, FakeFeatureWindows.Drifted);

        await scenario.StartAsync(MonitoringScenario.Policy(autoAction: "retrain", ackTimeout: TimeSpan.FromSeconds(1)));
        var incident = await scenario.WaitForOpenIncidentAsync(BreachKind.Drift);
        await scenario.WaitForIncidentAsync(incident.InstanceId, s => s.State == IncidentState.Mitigated, "the automatic retraining");

        // Asking again (an operator after the policy) reaches the same job run: the key is the incident's.
        await host.Client.RaiseEventAsync(incident.InstanceId, IncidentEvents.RunAction, new RunIncidentAction(RemediationAction.Retrain, "bob@example.com", "make sure"));
        await scenario.WaitForIncidentAsync(incident.InstanceId, s => s.Actions.Count == 2, "the second retraining request");
        var outcome = await scenario.ResolveAsync(incident.InstanceId);
        await scenario.StopAsync();

        var key = IncidentIds.IdempotencyKey(incident.InstanceId, RemediationAction.Retrain);
        Assert.Equal([(scenario.Model, key), (scenario.Model, key)], host.Retraining.RequestsFor(scenario.Model));
        var actions = (await scenario.VerifiedEvidenceAsync(incident.InstanceId)).Where(r => r.Step == IncidentSteps.Action).ToList();
        Assert.Equal([("system", IncidentActionDecisions.RetrainingStarted), ("bob@example.com", IncidentActionDecisions.RetrainingStarted)], actions.Select(a => (a.Actor, a.Decision)));
        var runs = actions.Select(a => a.Data.GetProperty("result").GetProperty("runId").GetString()).Distinct().ToList();
        Assert.Equal([host.Retraining.RunOf(key)], runs);
        Assert.Equal(TrafficSplit.AllTo(MonitoringScenario.Version), host.Serving.TrafficOf(scenario.Endpoint));
        Assert.Equal(2, outcome.Actions.Count);
    }

    [Fact]
    public async Task RunAsync_HalfTheRequestsFailing_OpensAPageSeverityBurnIncident()
    {
        var scenario = new MonitoringScenario(host, "burn-page").Arrange();
        host.Telemetry.Answer(scenario.Endpoint, v => new ServingMetrics(v, 1_000, 500, 80));

        await scenario.StartAsync(MonitoringScenario.Policy());
        var incident = await scenario.WaitForOpenIncidentAsync(BreachKind.SloBurn);
        var status = await scenario.WaitForIncidentAsync(incident.InstanceId, _ => true, "the burn incident's status");

        Assert.Equal(IncidentSeverity.Page, incident.Severity);
        Assert.Equal(IncidentSeverity.Page, status.Severity);
        Assert.Contains("page-fast-burn", status.Summary, StringComparison.Ordinal);
        var opened = Assert.Single(host.Notifier.SentFor(incident.InstanceId));
        Assert.Equal((IncidentSeverity.Page, BreachKind.SloBurn), (opened.Severity, opened.Kind));
        Assert.Contains(opened.Runbook, r => r.Command == RunbookCommand.RollBack && r.Description.Contains("v11", StringComparison.Ordinal));
        Assert.True(IncidentIds.TryParse(incident.InstanceId, out var key));
        Assert.Equal((scenario.Model, BreachKind.SloBurn), (key.Model, key.Kind));

        await scenario.ResolveAsync(incident.InstanceId);
        await scenario.StopAsync();
        var facts = IncidentReview.FactsOf(await scenario.VerifiedEvidenceAsync(incident.InstanceId));
        Assert.Equal(500, facts.Breach.Metrics["page-fast-burn.short"], 6);
    }

    [Fact]
    public async Task RunAsync_NullRatesAndLowKpi_OpenDataQualityAndKpiTickets()
    {
        var scenario = new MonitoringScenario(host, "quality-kpi").Arrange();
        host.Features.Serve(scenario.Model, MonitoringScenario.Environment, FakeFeatureWindows.MissingIncomes);
        host.Kpis.Answer(scenario.Model, new KpiReading("approval_rate", 0.2, 80));

        await scenario.StartAsync(MonitoringScenario.Policy(minKpi: 0.3));
        var status = await scenario.WaitForMonitorAsync(s => s.OpenIncidents.Count == 2, "two incidents");
        await scenario.StopAsync();

        Assert.Equal([BreachKind.DataQuality, BreachKind.Kpi], status.OpenIncidents.Select(i => i.Kind).Order());
        Assert.All(status.OpenIncidents, i => Assert.Equal(IncidentSeverity.Ticket, i.Severity));
        var quality = host.Notifier.SentFor(status.OpenIncidents.Single(i => i.Kind == BreachKind.DataQuality).InstanceId)[0];
        Assert.Contains("data quality", quality.Summary, StringComparison.Ordinal);
        foreach (var incident in status.OpenIncidents)
        {
            await scenario.ResolveAsync(incident.InstanceId);
        }
    }

    [Fact]
    public async Task RunAsync_TelemetryFailingForGood_RecordsADegradedCheckAndKeepsWatching()
    {
        var scenario = new MonitoringScenario(host, "no-telemetry").Arrange();
        host.Telemetry.Answer(scenario.Endpoint, _ => throw new InvalidOperationException("metrics export switched off"));

        await scenario.StartAsync(MonitoringScenario.Policy());
        var status = await scenario.WaitForMonitorAsync(s => s.Checks >= 2, "two checks");
        await scenario.StopAsync();

        Assert.Equal(MonitorHealth.Degraded, status.Health);
        var check = (await scenario.VerifiedEvidenceAsync(scenario.MonitorId)).First(r => r.Step == MonitorSteps.Check);
        Assert.Equal("degraded", check.Decision);
        Assert.Contains("metrics export switched off", check.Data.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, check.Data.GetProperty("burn").ValueKind);
    }

    [Fact]
    public async Task StartOrReplaceAsync_NewReleaseWhileWatching_ClosesTheOldChainAndKeepsTheOpenIncident()
    {
        var scenario = new MonitoringScenario(host, "replaced").Arrange();
        host.Features.Serve(scenario.Model, MonitoringScenario.Environment, FakeFeatureWindows.Drifted);
        var policy = MonitoringScenario.Policy(ackTimeout: TimeSpan.FromMinutes(10));
        await scenario.StartAsync(policy, runId: "run-a");
        var incident = await scenario.WaitForOpenIncidentAsync(BreachKind.Drift);

        var replaced = await MonitorControl.StartOrReplaceAsync(host.Client, scenario.Input(policy, "run-b", version: 13, previous: 12), CancellationToken.None);
        var watching = await scenario.WaitForMonitorAsync(s => s.RunId == "run-b" && s.Checks >= 2, "two checks of run b");
        var repeated = await MonitorControl.StartOrReplaceAsync(host.Client, scenario.Input(policy, "run-b", version: 13, previous: 12), CancellationToken.None);
        await scenario.StopAsync();
        var afterStop = await MonitorControl.StartOrReplaceAsync(host.Client, scenario.Input(policy, "run-b", version: 13, previous: 12), CancellationToken.None);

        Assert.Equal((MonitorStartKind.Replaced, MonitorStartKind.AlreadyWatching, MonitorStartKind.AlreadyEnded), (replaced.Kind, repeated.Kind, afterStop.Kind));
        Assert.Equal((13, 12), (watching.Version, watching.PreviousVersion));
        Assert.Equal([incident.InstanceId], watching.OpenIncidents.Select(i => i.InstanceId));
        Assert.Single(host.Notifier.SentAbout(scenario.Model), n => n.Reason == IncidentNoticeReason.Opened);
        var old = await scenario.VerifiedEvidenceAsync(scenario.MonitorId, "run-a");
        Assert.Equal((MonitorSteps.Replaced, "run-b"), (old[^1].Step, old[^1].Data.GetProperty("runId").GetString()));
        var fresh = await scenario.VerifiedEvidenceAsync(scenario.MonitorId, "run-b");
        Assert.Equal(MonitorSteps.Started, fresh[0].Step);
        Assert.Equal(incident.InstanceId, fresh[0].Data.GetProperty("carriedIncidents")[0].GetProperty("instanceId").GetString());
        Assert.Equal(MonitorSteps.Stopped, fresh[^1].Step);

        await scenario.ResolveAsync(incident.InstanceId);
    }
}
