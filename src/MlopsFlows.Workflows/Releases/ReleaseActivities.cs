using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

// Activities are thin: each calls its ports and at most one piece of domain logic. They may run more than once
// (at-least-once delivery), so each is safe to repeat: reads are reads, writes set a value or are keyed by a
// deterministic id.

public sealed record ModelVersionQuery(string Model, int Version);

public sealed record TrafficCommand(string Endpoint, string Model, TrafficSplit Split);

public sealed record CanaryMetricsQuery(string Endpoint, int Version, TimeSpan Window);

public sealed record AliasCommand(string Model, string Alias, int Version);

public sealed record PersonQuery(string? ObjectId, string? Upn);

/// <summary>A notification before its recipients are looked up: the activity resolves the roles to people.</summary>
public sealed record ApprovalNotice(
    string NotificationId,
    ApprovalNotificationKind Kind,
    string ReleaseId,
    string Model,
    int Version,
    string Environment,
    string RequestedBy,
    string RiskTier,
    DateTimeOffset Deadline,
    IReadOnlyList<string> Roles,
    string EvidenceDigest,
    IReadOnlyList<string> Summary);

public sealed record JudgeQuery(
    string Endpoint,
    string Model,
    int BaselineVersion,
    int CandidateVersion,
    DeploymentMode Mode,
    TimeSpan Window,
    long MinRequests,
    JudgePolicy Judge,
    ServiceLevelObjectives Slo);

/// <summary>What the judge saw, in counts: the evidence behind its verdict without the raw samples.</summary>
public sealed record ObservedWindow(
    DateTimeOffset Start,
    DateTimeOffset End,
    long BaselineRequests,
    long BaselineErrors,
    int BaselineLatencies,
    int BaselinePredictions,
    long CandidateRequests,
    long CandidateErrors,
    int CandidateLatencies,
    int CandidatePredictions,
    double? PredictionPsi);

public sealed record JudgeVerdict(CanaryJudgement Judgement, ObservedWindow Observed);

public sealed class ReadModelVersion(IModelRegistry registry) : TaskActivity<ModelVersionQuery, ModelVersionDetails>
{
    public override Task<ModelVersionDetails> RunAsync(TaskActivityContext context, ModelVersionQuery input) =>
        registry.GetModelVersionAsync(input.Model, input.Version, CancellationToken.None);
}

public sealed class ReadModelInventory(IModelRegistry registry) : TaskActivity<string, RegisteredModelDetails>
{
    public override Task<RegisteredModelDetails> RunAsync(TaskActivityContext context, string input) =>
        registry.GetRegisteredModelAsync(input, CancellationToken.None);
}

public sealed class ReadServingTraffic(IServingEndpoints serving) : TaskActivity<string, TrafficSplit>
{
    public override Task<TrafficSplit> RunAsync(TaskActivityContext context, string input) =>
        serving.GetTrafficAsync(input, CancellationToken.None);
}

public sealed class SetServingTraffic(IServingEndpoints serving) : TaskActivity<TrafficCommand, TrafficSplit>
{
    public override async Task<TrafficSplit> RunAsync(TaskActivityContext context, TrafficCommand input)
    {
        await serving.SetTrafficAsync(input.Endpoint, input.Model, input.Split, CancellationToken.None);
        return input.Split;
    }
}

public sealed class ReadCanaryMetrics(IServingTelemetry telemetry) : TaskActivity<CanaryMetricsQuery, ServingMetrics>
{
    public override Task<ServingMetrics> RunAsync(TaskActivityContext context, CanaryMetricsQuery input) =>
        telemetry.GetMetricsAsync(input.Endpoint, input.Version, input.Window, CancellationToken.None);
}

public sealed class MoveModelAlias(IModelRegistry registry) : TaskActivity<AliasCommand, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AliasCommand input)
    {
        await registry.SetAliasAsync(input.Model, input.Alias, input.Version, CancellationToken.None);
        return true;
    }
}

public sealed class RecordEvidence(IEvidenceStore store) : TaskActivity<EvidenceRecord, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, EvidenceRecord input) =>
        store.AppendAsync(input, CancellationToken.None);
}

/// <summary>Looks a person up in the directory: their roles always come from there, never from the caller.</summary>
public sealed class FindPerson(IApproverDirectory directory) : TaskActivity<PersonQuery, DirectoryPerson?>
{
    public override Task<DirectoryPerson?> RunAsync(TaskActivityContext context, PersonQuery input) =>
        directory.FindAsync(input.ObjectId, input.Upn, CancellationToken.None);
}

/// <summary>Sends a notice to every holder of its roles and returns who was addressed (for the evidence).</summary>
public sealed class NotifyApprovers(IApproverDirectory directory, IApprovalNotifier notifier) : TaskActivity<ApprovalNotice, IReadOnlyList<DirectoryPerson>>
{
    public override async Task<IReadOnlyList<DirectoryPerson>> RunAsync(TaskActivityContext context, ApprovalNotice input)
    {
        var recipients = new List<DirectoryPerson>();
        foreach (var role in input.Roles)
        {
            foreach (var person in await directory.MembersAsync(role, CancellationToken.None))
            {
                if (!recipients.Any(p => string.Equals(p.ObjectId, person.ObjectId, StringComparison.OrdinalIgnoreCase)))
                {
                    recipients.Add(person);
                }
            }
        }

        await notifier.NotifyAsync(
            new ApprovalRequest(
                input.NotificationId, input.Kind, input.ReleaseId, input.Model, input.Version, input.Environment, input.RequestedBy,
                input.RiskTier, input.Deadline, recipients, input.Roles, input.EvidenceDigest, input.Summary),
            CancellationToken.None);
        return recipients;
    }
}

/// <summary>
/// Observes the candidate beside its baseline over the window (live traffic, or a replay in shadow mode) and runs the
/// canary judge. Samples stay here; only counts and the verdict go back into the orchestration's history.
/// </summary>
public sealed class JudgeCandidate(ICanaryTelemetry canary, IShadowTraffic shadow) : TaskActivity<JudgeQuery, JudgeVerdict>
{
    // Fewer predictions than this on either side give a PSI too noisy to judge by: the drift check is inconclusive.
    private const int MinimumPredictionsForPsi = 100;

    public override async Task<JudgeVerdict> RunAsync(TaskActivityContext context, JudgeQuery input)
    {
        var observation = input.Mode == DeploymentMode.Shadow
            ? await shadow.ReplayAsync(input.Endpoint, input.Model, input.BaselineVersion, input.CandidateVersion, input.Window, CancellationToken.None)
            : await canary.ObserveAsync(input.Endpoint, input.Model, input.BaselineVersion, input.CandidateVersion, input.Window, CancellationToken.None);
        var psi = PredictionPsi(observation);
        var criteria = new CanaryJudgeCriteria
        {
            Alpha = input.Judge.Alpha,
            MinimumLatencySamples = input.Judge.MinLatencySamples,
            MinimumRequests = input.MinRequests,
            MaxLatencyEffect = input.Judge.MaxLatencyEffect,
            AllowedErrorRateIncrease = input.Judge.AllowedErrorRateIncrease,
            MaxP95LatencyMs = input.Slo.MaxP95LatencyMs,
            MaxErrorRate = input.Slo.MaxErrorRate,
            MaxPredictionPsi = input.Judge.MaxPredictionPsi,
        };

        var baselineSample = observation.Baseline.Sample;
        var candidateSample = observation.Candidate.Sample;
        var judgement = input.Mode == DeploymentMode.BlueGreen
            ? JudgeAlone(candidateSample, criteria)
            : CanaryJudge.Judge(new CanaryComparison(observation.WindowStart, observation.WindowEnd, baselineSample, candidateSample, psi), criteria);
        return new JudgeVerdict(
            judgement,
            new ObservedWindow(
                observation.WindowStart, observation.WindowEnd,
                baselineSample.Requests, baselineSample.Errors, baselineSample.LatenciesMs.Count, observation.Baseline.Predictions.Count,
                candidateSample.Requests, candidateSample.Errors, candidateSample.LatenciesMs.Count, observation.Candidate.Predictions.Count,
                psi));
    }

    /// <summary>
    /// Blue/green leaves blue without traffic, so there is no baseline over the same window: green is held to the
    /// absolute SLOs alone, with the same minimum sample sizes.
    /// </summary>
    private static CanaryJudgement JudgeAlone(VersionSample candidate, CanaryJudgeCriteria criteria)
    {
        MetricJudgement[] metrics =
        [
            CanaryJudge.JudgeLatencySlo(candidate.LatenciesMs, criteria.MaxP95LatencyMs!.Value, criteria.MinimumLatencySamples),
            CanaryJudge.JudgeErrorRateSlo(candidate, criteria.MaxErrorRate!.Value, criteria.MinimumRequests),
        ];
        return new CanaryJudgement(CanaryJudge.Combine(metrics), metrics);
    }

    private static double? PredictionPsi(CanaryObservation observation)
    {
        var baseline = observation.Baseline.Predictions;
        var candidate = observation.Candidate.Predictions;
        if (baseline.Count < MinimumPredictionsForPsi || candidate.Count < MinimumPredictionsForPsi
            || baseline.Any(v => !double.IsFinite(v)) || candidate.Any(v => !double.IsFinite(v)))
        {
            return null;
        }

        return PopulationStabilityIndex.Compute(baseline.ToArray(), candidate.ToArray()).Value;
    }
}
