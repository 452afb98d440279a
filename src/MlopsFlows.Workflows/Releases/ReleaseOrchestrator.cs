using Microsoft.DurableTask;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// One model release, start to finish: policy for the model's risk tier → evidence gates → approval (N-of-M, a
/// sub-orchestration) → deployment (canary steps, shadow or blue/green, each judged) → promote or roll back,
/// with evidence at every step and oversight commands (pause, resume, stop, override) heard at every wait.
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

        var tier = await release.ResolvePolicyAsync();
        if (!tier.Resolved)
        {
            return await release.EndAsync(ReleaseStage.GateFailed, tier.Reason);
        }

        var gates = await release.CheckEvidenceGatesAsync();
        if (!gates.Passed)
        {
            return await release.EndAsync(ReleaseStage.GateFailed, gates.Reason);
        }

        var approval = await release.AwaitApprovalAsync(gates);
        if (approval.Outcome != ReleaseStage.Deploying)
        {
            return await release.EndAsync(approval.Outcome, approval.Reason);
        }

        try
        {
            var deployment = await release.DeployAsync();
            return deployment.Outcome switch
            {
                DeploymentOutcome.Healthy => await release.PromoteAsync(deployment.Reason),
                DeploymentOutcome.Stopped => await release.RollBackAsync(deployment.Reason, ReleaseStage.Cancelled),
                _ => await release.RollBackAsync(deployment.Reason, ReleaseStage.RolledBack),
            };
        }
        catch (TaskFailedException failure)
        {
            // Traffic may have moved before the step failed for good: put it back as it was and say why.
            return await release.RollBackAsync($"{failure.TaskName} failed: {failure.FailureDetails.ErrorMessage}", ReleaseStage.RolledBack);
        }
    }
}

public sealed record TierResult(bool Resolved, string Reason);

public sealed record GatesResult(bool Passed, string Reason, IReadOnlyList<string> Summary);

public sealed record ApprovalResult(ReleaseStage Outcome, string Reason);

public enum DeploymentOutcome
{
    Healthy,
    Unhealthy,
    Stopped,
}

public sealed record DeploymentResult(DeploymentOutcome Outcome, string Reason);
