using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Functions.Hosting;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Functions.Releases;

/// <summary>
/// The release workflow's orchestrator and activities as Functions triggers. Each function is named after its class,
/// so the orchestrator's <c>CallActivityAsync(nameof(X))</c> lands here. The classes live in the workflow project and
/// the Functions SDK only discovers <c>[Function]</c> methods, hence these one-line wrappers.
/// </summary>
public static class ReleaseWorkflowFunctions
{
    [Function(nameof(ReleaseOrchestrator))]
    public static Task<ReleaseOutcome> RunReleaseOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ReleaseOrchestrator().RunAsync(context, context.GetInput<ReleaseInput>()!);

    [Function(nameof(ReadModelVersion))]
    public static Task<ModelVersionDetails> RunReadModelVersion([ActivityTrigger] ModelVersionQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<ReadModelVersion, ModelVersionQuery, ModelVersionDetails>(input, function);

    [Function(nameof(ReadServingTraffic))]
    public static Task<TrafficSplit> RunReadServingTraffic([ActivityTrigger] string input, FunctionContext function) =>
        TaskActivities.RunAsync<ReadServingTraffic, string, TrafficSplit>(input, function);

    [Function(nameof(SetServingTraffic))]
    public static Task<TrafficSplit> RunSetServingTraffic([ActivityTrigger] TrafficCommand input, FunctionContext function) =>
        TaskActivities.RunAsync<SetServingTraffic, TrafficCommand, TrafficSplit>(input, function);

    [Function(nameof(ReadCanaryMetrics))]
    public static Task<ServingMetrics> RunReadCanaryMetrics([ActivityTrigger] CanaryMetricsQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<ReadCanaryMetrics, CanaryMetricsQuery, ServingMetrics>(input, function);

    [Function(nameof(MoveModelAlias))]
    public static Task<bool> RunMoveModelAlias([ActivityTrigger] AliasCommand input, FunctionContext function) =>
        TaskActivities.RunAsync<MoveModelAlias, AliasCommand, bool>(input, function);

    [Function(nameof(RecordEvidence))]
    public static Task<string> RunRecordEvidence([ActivityTrigger] EvidenceRecord input, FunctionContext function) =>
        TaskActivities.RunAsync<RecordEvidence, EvidenceRecord, string>(input, function);

    [Function(nameof(ProtectEvidence))]
    public static Task<ImmutabilityResult> RunProtectEvidence([ActivityTrigger] EvidenceProtection input, FunctionContext function) =>
        TaskActivities.RunAsync<ProtectEvidence, EvidenceProtection, ImmutabilityResult>(input, function);

    [Function(nameof(RecordReleaseOutcome))]
    public static Task<string> RunRecordReleaseOutcome([ActivityTrigger] ReleaseEnding input, FunctionContext function) =>
        TaskActivities.RunAsync<RecordReleaseOutcome, ReleaseEnding, string>(input, function);

    [Function(nameof(NotifyApprovers))]
    public static Task<IReadOnlyList<DirectoryPerson>> RunNotifyApprovers([ActivityTrigger] ApprovalNotice input, FunctionContext function) =>
        TaskActivities.RunAsync<NotifyApprovers, ApprovalNotice, IReadOnlyList<DirectoryPerson>>(input, function);

    [Function(nameof(ApprovalOrchestrator))]
    public static Task<ApprovalOutcomeResult> RunApprovalOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ApprovalOrchestrator().RunAsync(context, context.GetInput<ApprovalInput>()!);

    [Function(nameof(ReadModelInventory))]
    public static Task<RegisteredModelDetails> RunReadModelInventory([ActivityTrigger] string input, FunctionContext function) =>
        TaskActivities.RunAsync<ReadModelInventory, string, RegisteredModelDetails>(input, function);

    [Function(nameof(FindPerson))]
    public static Task<DirectoryPerson?> RunFindPerson([ActivityTrigger] PersonQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<FindPerson, PersonQuery, DirectoryPerson?>(input, function);

    [Function(nameof(JudgeCandidate))]
    public static Task<JudgeVerdict> RunJudgeCandidate([ActivityTrigger] JudgeQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<JudgeCandidate, JudgeQuery, JudgeVerdict>(input, function);

    [Function(nameof(EvaluateMetricGate))]
    public static Task<GateReport> RunEvaluateMetricGate([ActivityTrigger] GateQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<EvaluateMetricGate, GateQuery, GateReport>(input, function);

    [Function(nameof(EvaluatePerformanceGate))]
    public static Task<GateReport> RunEvaluatePerformanceGate([ActivityTrigger] GateQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<EvaluatePerformanceGate, GateQuery, GateReport>(input, function);

    [Function(nameof(EvaluateArtefactGate))]
    public static Task<GateReport> RunEvaluateArtefactGate([ActivityTrigger] GateQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<EvaluateArtefactGate, GateQuery, GateReport>(input, function);

    [Function(nameof(EvaluateDataQualityGate))]
    public static Task<GateReport> RunEvaluateDataQualityGate([ActivityTrigger] GateQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<EvaluateDataQualityGate, GateQuery, GateReport>(input, function);

    [Function(nameof(EvaluateFairnessGate))]
    public static Task<GateReport> RunEvaluateFairnessGate([ActivityTrigger] GateQuery input, FunctionContext function) =>
        TaskActivities.RunAsync<EvaluateFairnessGate, GateQuery, GateReport>(input, function);
}
