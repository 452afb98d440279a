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

/// <summary>What one check reads: the serving window, the feature window and (when the policy sets a floor) the KPI.</summary>
public sealed record WindowQuery(ServingWindowQuery Serving, FeatureWindowQuery Features, KpiQuery? Kpi);

/// <summary>What one check saw; a source that could not be read is null and named in <see cref="Problems"/>.</summary>
public sealed record WindowObservation(ServingMetrics? Serving, FeatureCheckResult? Features, KpiReading? Kpi, IReadOnlyList<string> Problems);

/// <summary>
/// Reads a check's three sources side by side in one activity. One round trip per check instead of three is what lets
/// one engine keep a thousand monitors on a one-minute interval; the adapters' HTTP pipelines already retry transient
/// failures, so a source still failing here is a gap in this check (recorded), never the end of the monitor.
/// Drift and data quality are judged here too, so only verdicts travel back.
/// </summary>
public sealed class ObserveWindow(IServingTelemetry telemetry, IFeatureWindows features, IBusinessKpis kpis) : TaskActivity<WindowQuery, WindowObservation>
{
    public override async Task<WindowObservation> RunAsync(TaskActivityContext context, WindowQuery input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = new List<string>();
        var serving = ReadAsync("serving telemetry", problems, () => telemetry.GetMetricsAsync(input.Serving.Endpoint, input.Serving.Version, input.Serving.Window, CancellationToken.None));
        var window = ReadAsync("feature window", problems, () => EvaluateFeaturesAsync(input.Features));
        var kpi = input.Kpi is { } query
            ? ReadAsync("business KPI", problems, () => kpis.ReadAsync(query.Model, query.Environment, query.From, query.To, CancellationToken.None))
            : Task.FromResult<KpiReading?>(null);
        await Task.WhenAll(serving, window, kpi);
        return new WindowObservation(await serving, await window, await kpi, problems);
    }

    private async Task<FeatureCheckResult> EvaluateFeaturesAsync(FeatureWindowQuery query)
    {
        var reference = await features.GetReferenceAsync(query.Model, CancellationToken.None);
        var current = await features.GetWindowAsync(query.Model, query.Environment, query.From, query.To, CancellationToken.None);
        return FeatureWindowCheck.Evaluate(reference, current, query.Rules);
    }

    // Any failure of one source is that source's problem; the others are still judged.
#pragma warning disable CA1031
    private static async Task<T?> ReadAsync<T>(string source, List<string> problems, Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception failure)
        {
            lock (problems)
            {
                problems.Add($"{source}: {failure.Message}");
            }

            return null;
        }
    }
#pragma warning restore CA1031
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
