using Microsoft.DurableTask;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>
/// One incident, opened by a monitor on a breach, until someone resolves it:
/// record and notify on-call with the runbook → wait for acknowledge, action, suppress or resolve, racing the
/// acknowledgement deadline (escalation, then the policy's pre-approved action) and any suppression → on resolve,
/// write the post-incident review from the evidence and end.
/// </summary>
public sealed class IncidentOrchestrator : TaskOrchestrator<IncidentInput, IncidentOutcome>
{
    public override async Task<IncidentOutcome> RunAsync(TaskOrchestrationContext context, IncidentInput input)
    {
        var incident = new IncidentRun(context, input);
        await incident.OpenAsync();

        var commands = new IncidentCommands(context);
        while (!incident.IsResolved)
        {
            using var timerCancellation = new CancellationTokenSource();
            var deadline = incident.NextDeadline is { } due ? context.CreateTimer(due.UtcDateTime, timerCancellation.Token) : null;
            var first = await Task.WhenAny(deadline is null ? commands.All : [deadline, .. commands.All]);
            if (first == deadline)
            {
                await incident.OnDeadlineAsync();
                continue;
            }

            timerCancellation.Cancel();
            if (first == commands.Acknowledge)
            {
                await incident.AcknowledgeAsync(await commands.TakeAcknowledgeAsync());
            }
            else if (first == commands.RunAction)
            {
                await incident.RunActionAsync(await commands.TakeRunActionAsync());
            }
            else if (first == commands.Suppress)
            {
                await incident.SuppressAsync(await commands.TakeSuppressAsync());
            }
            else
            {
                await incident.ResolveAsync(await commands.TakeResolveAsync());
            }
        }

        return await incident.CloseAsync();
    }
}

/// <summary>
/// The four commands an incident listens for, one waiter per name at any time: a waiter is replaced only once its event
/// has been taken, so no event is ever delivered to a waiter nobody reads.
/// </summary>
internal sealed class IncidentCommands(TaskOrchestrationContext context)
{
    public Task<AcknowledgeIncident> Acknowledge { get; private set; } = context.WaitForExternalEvent<AcknowledgeIncident>(IncidentEvents.Acknowledge);

    public Task<RunIncidentAction> RunAction { get; private set; } = context.WaitForExternalEvent<RunIncidentAction>(IncidentEvents.RunAction);

    public Task<SuppressIncident> Suppress { get; private set; } = context.WaitForExternalEvent<SuppressIncident>(IncidentEvents.Suppress);

    public Task<ResolveIncident> Resolve { get; private set; } = context.WaitForExternalEvent<ResolveIncident>(IncidentEvents.Resolve);

    public Task[] All => [Acknowledge, RunAction, Suppress, Resolve];

    public async Task<AcknowledgeIncident> TakeAcknowledgeAsync()
    {
        var command = await Acknowledge;
        Acknowledge = context.WaitForExternalEvent<AcknowledgeIncident>(IncidentEvents.Acknowledge);
        return command;
    }

    public async Task<RunIncidentAction> TakeRunActionAsync()
    {
        var command = await RunAction;
        RunAction = context.WaitForExternalEvent<RunIncidentAction>(IncidentEvents.RunAction);
        return command;
    }

    public async Task<SuppressIncident> TakeSuppressAsync()
    {
        var command = await Suppress;
        Suppress = context.WaitForExternalEvent<SuppressIncident>(IncidentEvents.Suppress);
        return command;
    }

    public async Task<ResolveIncident> TakeResolveAsync()
    {
        var command = await Resolve;
        Resolve = context.WaitForExternalEvent<ResolveIncident>(IncidentEvents.Resolve);
        return command;
    }
}
