using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Functions.Hosting;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Functions.Monitoring;

/// <summary>
/// The monitoring workflows' orchestrators and activities as Functions triggers, each named after its class (see
/// <c>ReleaseWorkflowFunctions</c>). The three activities that start or inspect instances get the Durable client
/// from their <c>[DurableClient]</c> binding: the isolated worker has no client in its container.
/// </summary>
public static class MonitoringWorkflowFunctions
{
    [Function(nameof(MonitorOrchestrator))]
    public static Task<MonitorOutcome?> RunMonitorOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new MonitorOrchestrator().RunAsync(context, context.GetInput<MonitorInput>()!);

    [Function(nameof(IncidentOrchestrator))]
    public static Task<IncidentOutcome> RunIncidentOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new IncidentOrchestrator().RunAsync(context, context.GetInput<IncidentInput>()!);

    [Function(nameof(StartMonitor))]
    public static Task<MonitorStartResult> RunStartMonitor([ActivityTrigger] MonitorInput input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        new StartMonitor(client).RunAsync(new FunctionActivityContext(function), input);

    [Function(nameof(StartIncident))]
    public static Task<string> RunStartIncident([ActivityTrigger] IncidentInput input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        new StartIncident(client).RunAsync(new FunctionActivityContext(function), input);

    [Function(nameof(ReadOpenIncidents))]
    public static Task<IncidentIdList> RunReadOpenIncidents([ActivityTrigger] IncidentIdList input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        new ReadOpenIncidents(client).RunAsync(new FunctionActivityContext(function), input);

    [Function(nameof(ObserveWindow))]
    public static Task<WindowObservation> RunObserveWindow([ActivityTrigger] WindowQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<ObserveWindow, WindowQuery, WindowObservation>(input, function);

    [Function(nameof(NotifyOnCall))]
    public static Task<bool> RunNotifyOnCall([ActivityTrigger] IncidentNotice input, FunctionContext function) =>
        TaskActivities.RunAsync<NotifyOnCall, IncidentNotice, bool>(input, function);

    [Function(nameof(RollBackModelVersion))]
    public static Task<TrafficSplit> RunRollBackModelVersion([ActivityTrigger] RollbackCommand input, FunctionContext function) =>
        TaskActivities.RunAsync<RollBackModelVersion, RollbackCommand, TrafficSplit>(input, function);

    [Function(nameof(StartRetraining))]
    public static Task<string> RunStartRetraining([ActivityTrigger] RetrainingCommand input, FunctionContext function) =>
        TaskActivities.RunAsync<StartRetraining, RetrainingCommand, string>(input, function);
}
