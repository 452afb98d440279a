using System.Text.Json;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Slo;
using MlopsFlows.Functions.Tests.Support;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Functions.Tests.Monitoring;

public class MonitoringWorkflowFunctionsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 15, 0, TimeSpan.Zero);

    public static TheoryData<string> Orchestrators => [nameof(MonitorOrchestrator), nameof(IncidentOrchestrator)];

    public static TheoryData<string> PortActivities =>
    [
        nameof(ObserveWindow),
        nameof(NotifyOnCall),
        nameof(RollBackModelVersion),
        nameof(StartRetraining),
    ];

    public static TheoryData<string> ClientActivities => [nameof(StartMonitor), nameof(StartIncident), nameof(ReadOpenIncidents)];

    [Theory]
    [MemberData(nameof(Orchestrators))]
    public void Metadata_MonitoringOrchestrator_HasOrchestrationTriggerOnly(string orchestrator)
    {
        var binding = Assert.Single(FunctionsApp.Bindings(FunctionsApp.Function(orchestrator)));

        Assert.Equal(("orchestrationTrigger", "In"), (FunctionsApp.Type(binding), FunctionsApp.Direction(binding)));
    }

    [Theory]
    [MemberData(nameof(PortActivities))]
    public void Metadata_PortActivity_HasActivityTriggerOnly(string activity)
    {
        var binding = Assert.Single(FunctionsApp.Bindings(FunctionsApp.Function(activity)));

        Assert.Equal(("activityTrigger", "In"), (FunctionsApp.Type(binding), FunctionsApp.Direction(binding)));
    }

    [Theory]
    [MemberData(nameof(ClientActivities))]
    public void Metadata_ClientActivity_HasActivityTriggerAndDurableClient(string activity)
    {
        var bindings = FunctionsApp.Bindings(FunctionsApp.Function(activity)).Select(FunctionsApp.Type).Order(StringComparer.Ordinal);

        Assert.Equal(["activityTrigger", "durableClient"], bindings);
    }

    [Fact]
    public void WorkerSerializer_MonitoringContracts_RoundTripUnchanged()
    {
        // Orchestration inputs, events, statuses and activity payloads travel through the worker's serializer in Azure.
        var services = new ServiceCollection();
        services.AddFunctionsWorkerCore();
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;
        var policy = new MonitoringPolicy(TimeSpan.FromMinutes(5), 0.999, TimeSpan.FromDays(30), 0.2, 0.05, 0.5, 0.05, 0.3, "rollback", TimeSpan.FromMinutes(15));
        var stamp = new PolicyStamp("default", "2026.3", "abc");
        var breach = new Breach(BreachKind.Drift, IncidentSeverity.Ticket, "drift", At.AddMinutes(-5), At, ["income"], new Dictionary<string, double> { ["driftedShare"] = 0.5 });
        var open = new OpenIncident("incident:main.credit.scorer:prod:drift:20260314T091500000Z", BreachKind.Drift, IncidentSeverity.Ticket, At);
        var state = new MonitorState(4, "ab12", 3, At.AddMinutes(5), At, TimeSpan.FromMilliseconds(120), MonitorHealth.Breached, "breach: …", [new SloEvent(At, 999, 1000)], [open]);
        var input = new MonitorInput("main.credit.scorer", "prod", 12, 11, "scorer-prod", "run-1", "release:main.credit.scorer:12:prod", policy, stamp, 250, state);
        var incident = new IncidentInput(open.InstanceId, "main.credit.scorer", "prod", 12, 11, "scorer-prod", "monitor:main.credit.scorer:prod", "run-1", breach, RemediationAction.Rollback, TimeSpan.FromMinutes(15), stamp);
        object[] contracts =
        [
            input,
            incident,
            new StopMonitor("ops@example.com", "retired"),
            new MonitoredVersionChanged(12, 11, null, "system", "rolled back"),
            new MonitorOutcome("ops@example.com", "retired", 3, 5, "ab12"),
            new MonitorStatus("main.credit.scorer", "prod", 12, 11, MonitorHealth.Healthy, 3, At, TimeSpan.Zero, At.AddMinutes(5), "healthy", [open], "run-1", 4),
            new MonitorStartResult("monitor:main.credit.scorer:prod", MonitorStartKind.Replaced),
            new AcknowledgeIncident("ana@example.com", "on it"),
            new RunIncidentAction(RemediationAction.Retrain, "bob@example.com", "drift", "teams", IdentityVerified: true),
            new SuppressIncident(At.AddHours(1), "ana@example.com", "known outage"),
            new ResolveIncident("ana@example.com", "fixed"),
            new IncidentStatus(IncidentState.Mitigated, "main.credit.scorer", "prod", 12, BreachKind.Drift, IncidentSeverity.Ticket, "drift", At, null, null, null, true, null, ["rollback by system: rolled-back"], 6),
            new IncidentOutcome(open.InstanceId, BreachKind.Drift, IncidentSeverity.Ticket, At, At.AddMinutes(30), "ana@example.com", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), ["rollback by system: rolled-back"], "# Post-incident review", 7, "cd34"),
            new ServingWindowQuery("scorer-prod", 12, TimeSpan.FromMinutes(5)),
            new FeatureWindowQuery("main.credit.scorer", "prod", At.AddMinutes(-5), At, FeatureCheckRules.From(policy)),
            new FeatureCheckResult(At.AddMinutes(-5), At, 0, DriftVerdict.Inconclusive, 1, 0, 0, 0.5, [], [], [], [new ColumnCheck("income", ColumnKind.Numeric, DriftVerdict.Inconclusive, DriftStatistic.None, double.NaN, double.NaN, 0, 0, null, null, [])]),
            new KpiQuery("main.credit.scorer", "prod", At.AddMinutes(-5), At),
            new KpiReading("approval_rate", 0.41, 120),
            new WindowQuery(
                new ServingWindowQuery("scorer-prod", 12, TimeSpan.FromMinutes(5)),
                new FeatureWindowQuery("main.credit.scorer", "prod", At.AddMinutes(-5), At, FeatureCheckRules.From(policy)),
                new KpiQuery("main.credit.scorer", "prod", At.AddMinutes(-5), At)),
            new WindowObservation(null, null, new KpiReading("approval_rate", 0.41, 120), ["serving telemetry: metrics export switched off"]),
            new IncidentIdList([open.InstanceId]),
            new IncidentNotice(open.InstanceId, IncidentNoticeReason.Opened, "main.credit.scorer", "prod", 12, BreachKind.Drift, IncidentSeverity.Ticket, "drift", At, At.AddMinutes(15), RemediationAction.Rollback, IncidentRunbook.For(incident)),
            new RollbackCommand("main.credit.scorer", "scorer-prod", 12, 11),
            new RetrainingCommand("main.credit.scorer", IncidentIds.IdempotencyKey(open.InstanceId, RemediationAction.Retrain)),
            TrafficSplit.AllTo(11),
        ];

        Assert.All(contracts, contract =>
        {
            var json = serializer.Serialize(contract, contract.GetType()).ToString();
            var back = serializer.Deserialize(BinaryData.FromString(json).ToStream(), contract.GetType(), CancellationToken.None);
            Assert.Equal(json, serializer.Serialize(back, contract.GetType()).ToString());
        });
    }

    [Fact]
    public void WorkerSerializer_IncidentEvents_ReadActionsByName()
    {
        // The incidents API and the CLI will send actions as words; the enum must not need a number.
        var serializer = new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var command = (RunIncidentAction)serializer.Deserialize(
            BinaryData.FromString("""{"action":"rollback","by":"bob@example.com"}""").ToStream(), typeof(RunIncidentAction), CancellationToken.None)!;

        Assert.Equal((RemediationAction.Rollback, "bob@example.com", "http", false), (command.Action, command.By, command.Channel, command.IdentityVerified));
    }
}
