using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Tests.Support;

namespace MlopsFlows.Workflows.Tests.Monitoring;

/// <summary>
/// One monitored model in the shared host: its own model name, endpoint and ids, production on v12 with v11 before it,
/// and the helpers the monitoring tests read state through (custom status and evidence chains, polled with deadlines).
/// </summary>
public sealed class MonitoringScenario(MonitoringHost host, string name)
{
    public const int Version = 12;
    public const int Previous = 11;
    public const string Environment = "prod";
    public static readonly PolicyStamp Stamp = new("test-monitoring", "3", "9c1d000000000000000000000000000000000000000000000000000000000000");
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    public string Model { get; } = $"main.monitoring.{name.Replace('-', '_')}";

    public string Endpoint { get; } = $"{name}-prod";

    public string MonitorId => MonitorIds.For(Model, Environment);

    public MonitoringHost Host => host;

    /// <summary>Second-scale timings: the in-memory host's timers are real time.</summary>
    public static MonitoringPolicy Policy(string autoAction = "none", TimeSpan? ackTimeout = null, double? minKpi = null, TimeSpan? interval = null) => new(
        Interval: interval ?? TimeSpan.FromSeconds(1),
        SloTarget: 0.999,
        SloWindow: TimeSpan.FromDays(30),
        DriftPsi: 0.2,
        DriftKsPValue: 0.05,
        DriftedShare: 0.5,
        MaxNullRate: 0.1,
        MinKpi: minKpi,
        IncidentAutoAction: autoAction,
        IncidentAckTimeout: ackTimeout ?? TimeSpan.FromSeconds(2));

    /// <summary>Production as a promotion leaves it: v12 serves everything and is the champion; requests without errors.</summary>
    public MonitoringScenario Arrange()
    {
        host.Serving.Seed(Endpoint, TrafficSplit.AllTo(Version));
        host.Registry.SetAlias(Model, "champion", Version);
        host.Telemetry.Answer(Endpoint, v => new ServingMetrics(v, 1_000, 0, 80));
        return this;
    }

    public MonitorInput Input(MonitoringPolicy policy, string runId = "run-1", int version = Version, int? previous = Previous) =>
        new(Model, Environment, version, previous, Endpoint, runId, $"release:{Model}:{version}:{Environment}", policy, Stamp, MaxP95LatencyMs: 250);

    public Task<MonitorStartResult> StartAsync(MonitoringPolicy policy, string runId = "run-1") =>
        MonitorControl.StartOrReplaceAsync(host.Client, Input(policy, runId), CancellationToken.None);

    public async Task<MonitorStatus> MonitorStatusAsync() =>
        (await host.Client.GetInstanceAsync(MonitorId, getInputsAndOutputs: true))?.ReadCustomStatusAs<MonitorStatus>()
            ?? throw new InvalidOperationException($"{MonitorId} has no status yet");

    public async Task<MonitorStatus> WaitForMonitorAsync(Func<MonitorStatus, bool> condition, string what) =>
        (await Poll.UntilAsync(
            async () => (await host.Client.GetInstanceAsync(MonitorId, getInputsAndOutputs: true))?.ReadCustomStatusAs<MonitorStatus>(),
            s => s is not null && condition(s),
            Deadline,
            what))!;

    public async Task<IncidentStatus?> IncidentStatusAsync(string incidentId) =>
        (await host.Client.GetInstanceAsync(incidentId, getInputsAndOutputs: true))?.ReadCustomStatusAs<IncidentStatus>();

    public async Task<IncidentStatus> WaitForIncidentAsync(string incidentId, Func<IncidentStatus, bool> condition, string what) =>
        (await Poll.UntilAsync(() => IncidentStatusAsync(incidentId), s => s is not null && condition(s), Deadline, what))!;

    /// <summary>The one incident of a kind the monitor lists as open, once it does.</summary>
    public async Task<OpenIncident> WaitForOpenIncidentAsync(Domain.Monitoring.BreachKind kind) =>
        (await WaitForMonitorAsync(s => s.OpenIncidents.Any(i => i.Kind == kind), $"a {kind} incident of {Model}")).OpenIncidents.Single(i => i.Kind == kind);

    public async Task<IncidentOutcome> ResolveAsync(string incidentId, string by = "ana@example.com", string? note = "fixed")
    {
        await host.Client.RaiseEventAsync(incidentId, IncidentEvents.Resolve, new ResolveIncident(by, note));
        var done = await host.Client.WaitForInstanceCompletionAsync(incidentId, getInputsAndOutputs: true, new CancellationTokenSource(Deadline).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<IncidentOutcome>()!;
    }

    public async Task<MonitorOutcome> StopAsync(string by = "ops@example.com", string reason = "model retired")
    {
        await MonitorControl.StopAsync(host.Client, Model, Environment, new StopMonitor(by, reason), CancellationToken.None);
        var done = await host.Client.WaitForInstanceCompletionAsync(MonitorId, getInputsAndOutputs: true, new CancellationTokenSource(Deadline).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<MonitorOutcome>()!;
    }

    /// <summary>The chain as stored, checked link by link, records parsed back.</summary>
    public async Task<IReadOnlyList<EvidenceRecord>> VerifiedEvidenceAsync(string releaseId, string runId = "run-1")
    {
        var stored = await host.Evidence.ReadChainAsync(releaseId, runId, CancellationToken.None);
        var check = EvidenceChain.Verify(stored, releaseId, runId);
        Assert.True(check.Intact, check.Reason);
        return [.. stored.Select(s => EvidenceChain.Parse(s.Content.Span))];
    }
}
