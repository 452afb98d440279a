using Microsoft.DurableTask;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>
/// The watch over one production model in one environment, for as long as it serves:
/// wait for the interval → check (telemetry, SLO burn, drift, data quality, KPI) → open incidents for new breaches →
/// record the check → start over with <c>ContinueAsNew</c>. Each generation runs a few checks (or stops at the first
/// signal), so its history stays small however long the model serves. Only <see cref="MonitorEvents.Stop"/> ends it.
/// </summary>
public sealed class MonitorOrchestrator : TaskOrchestrator<MonitorInput, MonitorOutcome?>
{
    /// <summary>
    /// Checks per generation. One per generation costs an extra work item per check for the restart; many make every
    /// replay read a longer history. A few is the cheaper middle (measured with the monitors bench).
    /// </summary>
    public const int ChecksPerGeneration = 5;

    public override async Task<MonitorOutcome?> RunAsync(TaskOrchestrationContext context, MonitorInput input)
    {
        MonitorRun.Validate(input);
        var monitor = new MonitorRun(context, input);
        if (monitor.IsNewRun)
        {
            await monitor.RecordStartAsync();
        }

        var signals = new MonitorSignals(context);
        for (var check = 0; check < ChecksPerGeneration && await monitor.WaitForNextCheckAsync(signals); check++)
        {
            await monitor.CheckAsync();
        }

        return await monitor.EndGenerationAsync(signals);
    }
}

/// <summary>
/// The events one monitor generation listens for, each awaited once. Anything delivered to these waiters is acted on
/// before the generation ends; what arrives later is carried to the next generation by <c>ContinueAsNew</c>.
/// </summary>
internal sealed class MonitorSignals(TaskOrchestrationContext context)
{
    public Task<StopMonitor> Stop { get; } = context.WaitForExternalEvent<StopMonitor>(MonitorEvents.Stop);

    public Task<MonitorInput> Replace { get; } = context.WaitForExternalEvent<MonitorInput>(MonitorEvents.Replace);

    public Task<MonitoredVersionChanged> VersionChanged { get; } = context.WaitForExternalEvent<MonitoredVersionChanged>(MonitorEvents.VersionChanged);

    public IEnumerable<Task> All => [Stop, Replace, VersionChanged];
}
