using Microsoft.DurableTask;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// One model release, start to finish:
/// evidence gates → approval → canary → watch → promote or roll back, with evidence at every step.
/// </summary>
public sealed class ReleaseOrchestrator : TaskOrchestrator<ReleaseInput, ReleaseOutcome>
{
    public override async Task<ReleaseOutcome> RunAsync(TaskOrchestrationContext context, ReleaseInput input)
    {
        if (!Domain.Evidence.EvidenceRecord.IsValidRunId(input.RunId))
        {
            // Evidence could not be stored under this run id; refuse before anything is read or changed.
            throw new ArgumentException($"Release {input.Key.InstanceId} has no valid run id ('{input.RunId}').", nameof(input));
        }

        var release = new ReleaseRun(context, input);
        var cancel = context.WaitForExternalEvent<CancelRequest>(ReleaseEvents.Cancel);

        var gates = await release.CheckEvidenceGatesAsync();
        if (!gates.Passed)
        {
            return await release.EndAsync(ReleaseStage.GateFailed, "evidence gates failed: " + string.Join("; ", gates.FailureReasons));
        }

        var approval = await release.AwaitApprovalAsync(gates, cancel);
        if (approval.Outcome != ReleaseStage.Deploying)
        {
            return await release.EndAsync(approval.Outcome, approval.Reason);
        }

        try
        {
            await release.StartCanaryAsync();

            var watch = await release.WatchCanaryAsync(cancel);
            return watch.Outcome switch
            {
                WatchOutcome.Healthy => await release.PromoteAsync(),
                WatchOutcome.Cancelled => await release.RollBackAsync(watch.Reason, ReleaseStage.Cancelled),
                _ => await release.RollBackAsync(watch.Reason, ReleaseStage.RolledBack),
            };
        }
        catch (TaskFailedException failure)
        {
            // Traffic may have moved before the step failed for good: put it back as it was and say why.
            return await release.RollBackAsync($"{failure.TaskName} failed: {failure.FailureDetails.ErrorMessage}", ReleaseStage.RolledBack);
        }
    }
}

public enum WatchOutcome
{
    Healthy,
    Unhealthy,
    Cancelled,
}

public sealed record WatchResult(WatchOutcome Outcome, string Reason);

public sealed record ApprovalResult(ReleaseStage Outcome, string Reason);
