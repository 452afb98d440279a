using Microsoft.DurableTask;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Steps 1 and 2: the policy for the model's risk tier, then the candidate's lineage and every evidence gate the tier requires.</summary>
internal sealed partial class ReleaseRun
{
    /// <summary>Reads the model inventory and resolves the tier (a request may raise it, never lower it) and so the policy.</summary>
    public async Task<TierResult> ResolvePolicyAsync()
    {
        MoveTo(ReleaseStage.Gating, "resolving the risk tier from the model inventory");
        SetStatus(waitingFor: "model inventory");
        var policies = input.Policies;
        RegisteredModelDetails? inventory = null;
        string? problem = null;
        try
        {
            inventory = await context.CallActivityAsync<RegisteredModelDetails>(nameof(ReadModelInventory), Key.Model, Retried);
        }
        catch (TaskFailedException missing) when (missing.FailureDetails.IsCausedBy<DependencyNotFoundException>())
        {
            problem = $"the model is not in the inventory: {missing.FailureDetails.ErrorMessage}";
        }

        var inventoryTier = inventory?.Tags.GetValueOrDefault(policies.TierTag);
        var resolution = problem is null ? policies.ResolveTier(inventoryTier, input.RequestedTier) : null;
        if (resolution is { IsResolved: true })
        {
            policy = policies.ForTier(resolution.Tier!);
            champion = inventory!.Aliases.TryGetValue(ModelAliases.Champion, out var version) ? version : null;
        }

        var reason = problem ?? resolution!.Reason;
        await evidence.RecordAsync(
            "policy",
            policy is null ? "refused" : "resolved",
            policy is null ? $"no policy applies: {reason}" : $"tier {policy.RiskTier} under policy {policies.Id} v{policies.Version}: {reason}",
            new
            {
                policySet = new { policies.Id, policies.Version, policies.ContentHash, policies.TierTag },
                inventoryTier,
                input.RequestedTier,
                tier = policy?.RiskTier,
                reason,
                owner = inventory?.Owner,
                aliases = inventory?.Aliases,
                rules = policy,
                requestedBy = input.RequestedBy,
                evidenceRefs = input.EvidenceRefs,
            });
        shownEvidence.Add(evidence.Head!);
        RefreshStatus();
        return new TierResult(policy is not null, policy is null ? $"policy: {reason}" : reason);
    }

    /// <summary>
    /// Reads the candidate and the serving state, records the candidate's lineage, then runs every gate the tier requires,
    /// each its own evidence record.
    /// </summary>
    public async Task<GatesResult> CheckEvidenceGatesAsync()
    {
        SetStatus(waitingFor: "evidence gates");
        try
        {
            candidate = await context.CallActivityAsync<ModelVersionDetails>(nameof(ReadModelVersion), new ModelVersionQuery(Key.Model, Key.Version), Retried);
            baseline = await context.CallActivityAsync<TrafficSplit>(nameof(ReadServingTraffic), input.ServingEndpoint, Retried);
            traffic = baseline;
        }
        catch (TaskFailedException missing) when (missing.FailureDetails.IsCausedBy<DependencyNotFoundException>())
        {
            // A model version or endpoint that does not exist is a failed gate with a reason, not a crashed release.
            var problem = missing.FailureDetails.ErrorMessage;
            await evidence.RecordAsync("gates", "fail", $"evidence gates cannot run: {problem}", new { model = Key.Model, version = Key.Version, servingEndpoint = input.ServingEndpoint, problem });
            return new GatesResult(false, $"evidence gates failed: {problem}", [problem]);
        }

        await RecordLineageAsync(candidate);
        var gates = Policy.Gates;
        var query = new GateQuery(candidate, champion, gates);
        var reports = new List<GateReport>();
        if (gates.Metrics.Count > 0)
        {
            reports.Add(await RunGateAsync(nameof(EvaluateMetricGate), EvaluateMetricGate.Name, query));
        }

        if (gates.Performance is not null)
        {
            reports.Add(await RunGateAsync(nameof(EvaluatePerformanceGate), PerformanceGate.Name, query));
        }

        if (gates.Artefacts is not null)
        {
            reports.Add(await RunGateAsync(nameof(EvaluateArtefactGate), ArtefactGate.Name, query));
        }

        if (gates.DataQuality is not null)
        {
            reports.Add(await RunGateAsync(nameof(EvaluateDataQualityGate), DataQualityGate.Name, query));
        }

        if (gates.Fairness is not null)
        {
            reports.Add(await RunGateAsync(nameof(EvaluateFairnessGate), FairnessGate.Name, query));
        }

        var failed = reports.Where(r => !r.Passed).ToArray();
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        Log.GatesEvaluated(logger, Key.InstanceId, failed.Length == 0);
        IReadOnlyList<string> summary = [.. reports.Select(r => $"{r.Gate}: {r.Outcome.ToString().ToLowerInvariant()}" + (r.Passed ? string.Empty : " (" + string.Join("; ", r.Reasons) + ")"))];
        return failed.Length == 0
            ? new GatesResult(true, $"all {reports.Count} evidence gates passed", summary)
            : new GatesResult(false, "evidence gates failed: " + string.Join("; ", failed.Select(r => $"{r.Gate}: {string.Join("; ", r.Reasons)}")), summary);
    }

    /// <summary>
    /// One record of where the candidate came from and how it differs from the champion it would replace, shown to
    /// approvers with the gates. A champion that cannot be read is noted with the reason: lineage informs, it never
    /// stops a release.
    /// </summary>
    private async Task RecordLineageAsync(ModelVersionDetails candidateDetails)
    {
        SetStatus(waitingFor: "lineage");
        ModelVersionDetails? championDetails = null;
        string? championProblem = null;
        if (champion is { } championVersion && championVersion != Key.Version)
        {
            try
            {
                championDetails = await context.CallActivityAsync<ModelVersionDetails>(nameof(ReadModelVersion), new ModelVersionQuery(Key.Model, championVersion), Retried);
            }
            catch (TaskFailedException failure)
            {
                championProblem = $"champion v{championVersion} could not be read: {failure.FailureDetails.ErrorMessage}";
            }
        }

        var lineage = LineageRecord.Of(candidateDetails, championDetails, championProblem);
        await evidence.RecordAsync("lineage", "recorded", lineage.Summarise(champion), lineage);
        shownEvidence.Add(evidence.Head!);
    }

    /// <summary>One gate: its activity, then its evidence record. A gate that cannot run is insufficient data, never a pass.</summary>
    private async Task<GateReport> RunGateAsync(string activity, string gate, GateQuery query)
    {
        SetStatus(waitingFor: $"{gate} gate");
        GateReport report;
        try
        {
            report = await context.CallActivityAsync<GateReport>(activity, query, Retried);
        }
        catch (TaskFailedException failure)
        {
            report = GateReport.From(gate, [new GateFinding("evaluation", gate, GateOutcome.InsufficientData, $"the {gate} gate could not be evaluated: {failure.FailureDetails.ErrorMessage}")]);
        }

        // The artefacts gate judges the model card, which lives in the version's tags: its record keeps the tags it read
        // (a free-form map, so redaction keeps only the policy's allowed keys).
        object data = gate == ArtefactGate.Name
            ? new { model = Key.Model, version = Key.Version, trainingRunId = candidate?.RunId, championVersion = champion, report, tags = query.Candidate.Tags }
            : new { model = Key.Model, version = Key.Version, trainingRunId = candidate?.RunId, championVersion = champion, report };
        await evidence.RecordAsync(
            "gate",
            report.Passed ? "pass" : report.Outcome == GateOutcome.Fail ? "fail" : "insufficient-data",
            $"{gate} gate: " + string.Join("; ", report.Reasons),
            data);
        shownEvidence.Add(evidence.Head!);
        return report;
    }
}
