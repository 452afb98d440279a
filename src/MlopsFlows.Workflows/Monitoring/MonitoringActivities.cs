using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Workflows.Monitoring;

// Activities run at least once, so each is safe to repeat: reads are reads, writes set a value, starts are keyed by a
// deterministic instance id or idempotency key. The three that start or inspect workflow instances use the Durable
// client the host registers; the Functions app has none in its container and passes its [DurableClient] binding
// instead, hence the optional constructor parameter.

public sealed record ServingWindowQuery(string Endpoint, int Version, TimeSpan Window);

public sealed record FeatureWindowQuery(string Model, string Environment, DateTimeOffset From, DateTimeOffset To, FeatureCheckRules Rules);

public sealed record KpiQuery(string Model, string Environment, DateTimeOffset From, DateTimeOffset To);

/// <summary>Incident instance ids, asked about or answered with.</summary>
public sealed record IncidentIdList(IReadOnlyList<string> Ids);

/// <param name="FromVersion">The version the rollback moves production away from; production serving another one refuses it.</param>
public sealed record RollbackCommand(string Model, string Endpoint, int FromVersion, int ToVersion);

public sealed record RetrainingCommand(string Model, string IdempotencyKey);

public sealed class ReadServingWindow(IServingTelemetry telemetry) : TaskActivity<ServingWindowQuery, ServingMetrics>
{
    public override Task<ServingMetrics> RunAsync(TaskActivityContext context, ServingWindowQuery input) =>
        telemetry.GetMetricsAsync(input.Endpoint, input.Version, input.Window, CancellationToken.None);
}

/// <summary>Reads the reference and the window and judges drift and data quality here, so only the verdicts travel back.</summary>
public sealed class EvaluateFeatureWindow(IFeatureWindows features) : TaskActivity<FeatureWindowQuery, FeatureCheckResult>
{
    public override async Task<FeatureCheckResult> RunAsync(TaskActivityContext context, FeatureWindowQuery input)
    {
        var reference = await features.GetReferenceAsync(input.Model, CancellationToken.None);
        var window = await features.GetWindowAsync(input.Model, input.Environment, input.From, input.To, CancellationToken.None);
        return FeatureWindowCheck.Evaluate(reference, window, input.Rules);
    }
}

public sealed class ReadBusinessKpi(IBusinessKpis kpis) : TaskActivity<KpiQuery, KpiReading>
{
    public override Task<KpiReading> RunAsync(TaskActivityContext context, KpiQuery input) =>
        kpis.ReadAsync(input.Model, input.Environment, input.From, input.To, CancellationToken.None);
}

/// <summary>Which of the given incidents are still open (running, pending or suspended): how a monitor learns that one closed.</summary>
public sealed class ReadOpenIncidents(DurableTaskClient? client = null) : TaskActivity<IncidentIdList, IncidentIdList>
{
    public override async Task<IncidentIdList> RunAsync(TaskActivityContext context, IncidentIdList input)
    {
        var open = new List<string>();
        foreach (var id in input.Ids)
        {
            var instance = await DurableClients.Require(client).GetInstanceAsync(id, getInputsAndOutputs: false, CancellationToken.None);
            if (MonitorControl.IsActive(instance))
            {
                open.Add(id);
            }
        }

        return new IncidentIdList(open);
    }
}

/// <summary>Starts an incident unless its instance already exists (a repeat of this activity); returns its id either way.</summary>
public sealed class StartIncident(DurableTaskClient? client = null) : TaskActivity<IncidentInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, IncidentInput input)
    {
        var durable = DurableClients.Require(client);
        if (await durable.GetInstanceAsync(input.IncidentId, getInputsAndOutputs: false, CancellationToken.None) is null)
        {
            try
            {
                await durable.ScheduleNewOrchestrationInstanceAsync(
                    nameof(IncidentOrchestrator), input, new StartOrchestrationOptions(input.IncidentId), CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A concurrent repeat that created it first is fine: the incident exists, which is all this activity promises.
                if (await durable.GetInstanceAsync(input.IncidentId, getInputsAndOutputs: false, CancellationToken.None) is null)
                {
                    throw;
                }
            }
        }

        return input.IncidentId;
    }
}

/// <summary>
/// Starts the monitor of a promoted model, or hands a running one the new input (see <see cref="MonitorControl.StartOrReplaceAsync"/>).
/// The release workflow calls it when it promotes.
/// </summary>
public sealed class StartMonitor(DurableTaskClient? client = null) : TaskActivity<MonitorInput, MonitorStartResult>
{
    public override Task<MonitorStartResult> RunAsync(TaskActivityContext context, MonitorInput input) =>
        MonitorControl.StartOrReplaceAsync(DurableClients.Require(client), input, CancellationToken.None);
}

public sealed class NotifyOnCall(IIncidentNotifier notifier) : TaskActivity<IncidentNotice, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, IncidentNotice input)
    {
        await notifier.NotifyAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Rolls production back: all traffic to the previous version, then the champion alias (both set-to-value, so a repeat
/// changes nothing). Refuses when production has moved on to a third version since the incident opened: rolling that
/// back is a new release's business, not this incident's.
/// </summary>
public sealed class RollBackModelVersion(IServingEndpoints serving, IModelRegistry registry) : TaskActivity<RollbackCommand, TrafficSplit>
{
    public override async Task<TrafficSplit> RunAsync(TaskActivityContext context, RollbackCommand input)
    {
        var current = await serving.GetTrafficAsync(input.Endpoint, CancellationToken.None);
        if (current.PrimaryVersion is { } primary && primary != input.FromVersion && primary != input.ToVersion)
        {
            throw new InvalidOperationException(
                $"{input.Endpoint} now serves v{primary} mostly ({current}), not v{input.FromVersion}: production moved on since the incident opened, so it is not rolled back to v{input.ToVersion}.");
        }

        var target = TrafficSplit.AllTo(input.ToVersion);
        await serving.SetTrafficAsync(input.Endpoint, input.Model, target, CancellationToken.None);
        await registry.SetAliasAsync(input.Model, ModelAliases.Champion, input.ToVersion, CancellationToken.None);
        return target;
    }
}

public sealed class StartRetraining(IRetrainingJobs jobs) : TaskActivity<RetrainingCommand, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, RetrainingCommand input) =>
        jobs.StartAsync(input.Model, input.IdempotencyKey, CancellationToken.None);
}

internal static class DurableClients
{
    public static DurableTaskClient Require(DurableTaskClient? client) => client
        ?? throw new InvalidOperationException("This activity needs a Durable client: register one with AddDurableTaskClient, or pass the trigger's [DurableClient] binding.");
}
