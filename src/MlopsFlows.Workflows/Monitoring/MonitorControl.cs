using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>Starting, replacing and stopping monitors from a Durable client: the one place hosts, the API and activities share.</summary>
public static class MonitorControl
{
    /// <summary>
    /// Makes <paramref name="input"/>'s monitor run: starts it when no monitor of the model and environment is running,
    /// otherwise raises <see cref="MonitorEvents.Replace"/> on the running one (which closes its chain and goes on under
    /// the new input, keeping its open incidents). Idempotent per run id: a repeat changes nothing, and a monitor of the
    /// same run that already ended is not restarted (its chain is closed; start a new run id instead).
    /// </summary>
    public static async Task<MonitorStartResult> StartOrReplaceAsync(DurableTaskClient client, MonitorInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        var id = MonitorIds.For(input.Model, input.Environment);
        var fresh = input with { State = null };
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (existing is not null && RunIdOf(existing) == input.RunId)
        {
            return new MonitorStartResult(id, IsActive(existing) ? MonitorStartKind.AlreadyWatching : MonitorStartKind.AlreadyEnded);
        }

        if (IsActive(existing))
        {
            await client.RaiseEventAsync(id, MonitorEvents.Replace, fresh, cancellationToken);
            return new MonitorStartResult(id, MonitorStartKind.Replaced);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(MonitorOrchestrator), fresh, new StartOrchestrationOptions(id), cancellationToken);
            return new MonitorStartResult(id, MonitorStartKind.Started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another start won the race: hand it this input as any running monitor would get it.
            if (!IsActive(await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken)))
            {
                throw;
            }

            await client.RaiseEventAsync(id, MonitorEvents.Replace, fresh, cancellationToken);
            return new MonitorStartResult(id, MonitorStartKind.Replaced);
        }
    }

    /// <summary>Asks the monitor of a model in an environment to stop (the model was retired); a monitor not running ignores it.</summary>
    public static Task StopAsync(DurableTaskClient client, string model, string environment, StopMonitor request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.RaiseEventAsync(MonitorIds.For(model, environment), MonitorEvents.Stop, request, cancellationToken);
    }

    /// <summary>Running, waiting to run, or suspended: an instance that will still act on events.</summary>
    public static bool IsActive(OrchestrationMetadata? instance) => instance?.RuntimeStatus is
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;

    private static string? RunIdOf(OrchestrationMetadata instance)
    {
        try
        {
            return instance.ReadInputAs<MonitorInput>()?.RunId;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            // An input this version cannot read belongs to no run we know.
            return null;
        }
    }
}
