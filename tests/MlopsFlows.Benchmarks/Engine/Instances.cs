using System.Diagnostics;
using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>Waiting on, and reading back, the orchestration instances a phase started.</summary>
internal static class Instances
{
    private static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>
    /// Polls the engine every 250 ms until <paramref name="expected"/> instances whose id starts with
    /// <paramref name="idPrefix"/> have ended; returns the Stopwatch timestamp of the poll that saw them all.
    /// </summary>
    public static async Task<long> WaitUntilEndedAsync(DurableTaskClient client, string idPrefix, int expected, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ended = 0;
        while (Stopwatch.GetElapsedTime(started) < deadline)
        {
            ended = await CountAsync(client, new OrchestrationQuery { InstanceIdPrefix = idPrefix, Statuses = Ended, PageSize = 1000 }, cancellationToken);
            if (ended >= expected)
            {
                return Stopwatch.GetTimestamp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new TimeoutException($"Only {ended} of {expected} instances '{idPrefix}…' ended within {deadline}.");
    }

    /// <summary>Every instance whose id starts with <paramref name="idPrefix"/>, with inputs and outputs.</summary>
    public static async Task<IReadOnlyList<OrchestrationMetadata>> ReadAsync(DurableTaskClient client, string idPrefix, CancellationToken cancellationToken)
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = idPrefix, FetchInputsAndOutputs = true, PageSize = 1000 })
            .WithCancellation(cancellationToken))
        {
            if (IsTopLevel(instance.InstanceId))
            {
                all.Add(instance);
            }
        }

        return all;
    }

    /// <summary>Activity calls (TaskScheduled events) and orchestrator episodes in an instance's history, as the engine stored it.</summary>
    public static async Task<(int Activities, int Episodes)> CountStepsAsync(IOrchestrationServiceClient engine, string instanceId)
    {
        var state = (await engine.GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault()
            ?? throw new InvalidOperationException($"The engine has no state for {instanceId}.");
        var history = await engine.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance.ExecutionId);
        using var events = JsonDocument.Parse(history);
        var activities = 0;
        var episodes = 0;
        foreach (var e in events.RootElement.EnumerateArray())
        {
            switch (TypeOf(e))
            {
                case EventType.TaskScheduled:
                    activities++;
                    break;
                case EventType.OrchestratorStarted:
                    episodes++;
                    break;
                default:
                    break;
            }
        }

        return (activities, episodes);
    }

    private static async Task<int> CountAsync(DurableTaskClient client, OrchestrationQuery query, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            count += IsTopLevel(instance.InstanceId) ? 1 : 0;
        }

        return count;
    }

    // A release's approval runs as its own instance under the release's id; the phases count releases only.
    private static bool IsTopLevel(string instanceId) => !instanceId.Contains(":approval:", StringComparison.Ordinal);

    // The history is Newtonsoft's rendering of DurableTask.Core's events: the type as a number, or as a name with a string-enum converter.
    private static EventType? TypeOf(JsonElement e) =>
        e.TryGetProperty("EventType", out var type)
            ? type.ValueKind switch
            {
                JsonValueKind.Number => (EventType)type.GetInt32(),
                JsonValueKind.String when Enum.TryParse<EventType>(type.GetString(), out var named) => named,
                _ => null,
            }
            : null;
}
