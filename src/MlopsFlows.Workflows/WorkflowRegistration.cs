using Microsoft.DurableTask;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Workflows;

/// <summary>The table of contents of the workflows: every orchestrator and activity, registered once for every host.</summary>
public static class WorkflowRegistration
{
    public static DurableTaskRegistry AddReleaseWorkflows(this DurableTaskRegistry tasks)
    {
        tasks.AddOrchestrator<ReleaseOrchestrator>();
        tasks.AddOrchestrator<ApprovalOrchestrator>();
        tasks.AddActivity<ReadModelInventory>();
        tasks.AddActivity<ReadModelVersion>();
        tasks.AddActivity<EvaluateMetricGate>();
        tasks.AddActivity<EvaluatePerformanceGate>();
        tasks.AddActivity<EvaluateArtefactGate>();
        tasks.AddActivity<EvaluateDataQualityGate>();
        tasks.AddActivity<EvaluateFairnessGate>();
        tasks.AddActivity<FindPerson>();
        tasks.AddActivity<JudgeCandidate>();
        tasks.AddActivity<ReadServingTraffic>();
        tasks.AddActivity<SetServingTraffic>();
        tasks.AddActivity<ReadCanaryMetrics>();
        tasks.AddActivity<MoveModelAlias>();
        tasks.AddActivity<RecordEvidence>();
        tasks.AddActivity<NotifyApprovers>();
        tasks.AddActivity<ProtectEvidence>();
        tasks.AddActivity<RecordReleaseOutcome>();
        return tasks;
    }

    /// <summary>
    /// The monitor of each production model and the incidents it opens. <see cref="StartMonitor"/> is what the release
    /// workflow calls on promotion; three activities use the host's <c>DurableTaskClient</c>.
    /// Evidence is written by the release workflows' <c>RecordEvidence</c>: register both.
    /// </summary>
    public static DurableTaskRegistry AddMonitoringWorkflows(this DurableTaskRegistry tasks)
    {
        tasks.AddOrchestrator<MonitorOrchestrator>();
        tasks.AddOrchestrator<IncidentOrchestrator>();
        tasks.AddActivity<StartMonitor>();
        tasks.AddActivity<ObserveWindow>();
        tasks.AddActivity<ReadOpenIncidents>();
        tasks.AddActivity<StartIncident>();
        tasks.AddActivity<NotifyOnCall>();
        tasks.AddActivity<RollBackModelVersion>();
        tasks.AddActivity<StartRetraining>();
        return tasks;
    }
}
