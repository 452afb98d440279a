using Microsoft.DurableTask;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Workflows;

/// <summary>The table of contents of the workflows: every orchestrator and activity, registered once for every host.</summary>
public static class WorkflowRegistration
{
    public static DurableTaskRegistry AddReleaseWorkflows(this DurableTaskRegistry tasks)
    {
        tasks.AddOrchestrator<ReleaseOrchestrator>();
        tasks.AddActivity<ReadModelVersion>();
        tasks.AddActivity<ReadServingTraffic>();
        tasks.AddActivity<SetServingTraffic>();
        tasks.AddActivity<ReadCanaryMetrics>();
        tasks.AddActivity<MoveModelAlias>();
        tasks.AddActivity<RecordEvidence>();
        tasks.AddActivity<NotifyApprovers>();
        return tasks;
    }
}
