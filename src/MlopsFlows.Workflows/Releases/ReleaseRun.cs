using Microsoft.DurableTask;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// The steps of <see cref="ReleaseOrchestrator"/> and the state they share (policy, stage, traffic, evidence chain,
/// the oversight inbox). Runs inside the orchestrator: deterministic, time only from the context, I/O only through
/// activities. The steps live in the partial files beside this one, in the order the release runs them.
/// </summary>
internal sealed partial class ReleaseRun
{
    private static readonly TaskOptions Retried = WorkflowRetries.Transient;

    private readonly TaskOrchestrationContext context;
    private readonly ReleaseInput input;
    private readonly List<StageEntry> history = [];
    private readonly EvidenceWriter evidence;
    private readonly ReleaseInbox inbox;

    // The evidence records an approver is shown (gates and later additions), whose digest a vote is bound to.
    private readonly List<string> shownEvidence = [];
    private ReleaseStage stage = ReleaseStage.Requested;
    private ReleasePolicy? policy;
    private ModelVersionDetails? candidate;
    private int? champion;
    private TrafficSplit? baseline;
    private TrafficSplit? traffic;
    private bool championMoved;
    private OversightState oversight = OversightState.Running;
    private string? waitingFor;
    private DateTimeOffset? waitingUntil;

    public ReleaseRun(TaskOrchestrationContext context, ReleaseInput input)
    {
        this.context = context;
        this.input = input;
        evidence = new EvidenceWriter(
            context,
            input.Key.InstanceId,
            input.RunId,
            new PolicyStamp(input.Policies.Id, input.Policies.Version, input.Policies.ContentHash),
            input.Policies.Redaction,
            new ChainPosition(0, null));
        inbox = new ReleaseInbox(context);
    }

    private ReleaseKey Key => input.Key;

    private ReleasePolicy Policy => policy ?? throw new InvalidOperationException("The policy is resolved first.");

    /// <summary>Step 5a: all traffic to the candidate, the previous champion kept as the rollback target, then the champion alias.</summary>
    public async Task<ReleaseOutcome> PromoteAsync(string why)
    {
        MoveTo(ReleaseStage.Promoting, why);
        SetStatus(waitingFor: "serving configuration update");
        var all = TrafficSplit.AllTo(Key.Version);
        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, all), Retried);
        var rollbackTarget = champion ?? baseline?.PrimaryVersion;
        championMoved = true; // set before the call: if it fails after Unity Catalog applied it, the undo still runs
        if (rollbackTarget is { } previous && previous != Key.Version)
        {
            await context.CallActivityAsync<bool>(nameof(MoveModelAlias), new AliasCommand(Key.Model, ModelAliases.Previous, previous), Retried);
        }

        await context.CallActivityAsync<bool>(nameof(MoveModelAlias), new AliasCommand(Key.Model, ModelAliases.Champion, Key.Version), Retried);
        await evidence.RecordAsync(
            "promote",
            "promoted",
            $"version {Key.Version} serves 100% and is the champion; rollback target v{rollbackTarget}",
            new { endpoint = input.ServingEndpoint, traffic = all.Routes, alias = ModelAliases.Champion, previousChampion = rollbackTarget, rollbackTarget, tier = Policy.RiskTier });
        await StartMonitorAsync(rollbackTarget);
        return await EndAsync(ReleaseStage.Promoted, $"promoted: v{Key.Version} serves all traffic", rollbackTarget);
    }

    /// <summary>
    /// The promoted model is watched from now on: its monitor starts (or, if an earlier version's runs, goes on under this
    /// release). A monitor that fails to start is recorded, never a reason to undo a healthy promotion.
    /// </summary>
    private async Task StartMonitorAsync(int? rollbackTarget)
    {
        try
        {
            var monitor = await context.CallActivityAsync<MonitorStartResult>(
                nameof(StartMonitor), MonitorInput.ForPromotion(Key, input.RunId, input.ServingEndpoint, rollbackTarget, Policy, input.Policies.Redaction), Retried);
            await evidence.RecordAsync("monitor", monitor.Kind.ToString().ToLowerInvariant(), $"monitor {monitor.InstanceId}: {monitor.Kind.ToString().ToLowerInvariant()}, every {Policy.Monitoring.Interval}", new { monitor, Policy.Monitoring });
        }
        catch (TaskFailedException failure)
        {
            await evidence.RecordAsync("monitor", "not-started", $"the monitor could not be started: {failure.FailureDetails.ErrorMessage}", new { failure = failure.FailureDetails.ErrorMessage });
        }
    }

    /// <summary>Step 5b: traffic back to exactly what it was before the release, and the champion alias if it had moved.</summary>
    public async Task<ReleaseOutcome> RollBackAsync(string reason, ReleaseStage endStage)
    {
        MoveTo(ReleaseStage.RollingBack, reason);
        SetStatus(waitingFor: "serving configuration update");
        if (baseline is null)
        {
            // Nothing was read, so nothing moved: there is nothing to restore.
            return await EndAsync(endStage == ReleaseStage.Cancelled ? ReleaseStage.Cancelled : ReleaseStage.RolledBack, reason);
        }

        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, baseline), Retried);
        int? championRestored = null;
        if (championMoved && (champion ?? baseline.PrimaryVersion) is { } previous && previous != Key.Version)
        {
            await context.CallActivityAsync<bool>(nameof(MoveModelAlias), new AliasCommand(Key.Model, ModelAliases.Champion, previous), Retried);
            championRestored = previous;
        }

        await evidence.RecordAsync("rollback", "rolled-back", $"traffic restored to {baseline}: {reason}", new { endpoint = input.ServingEndpoint, traffic = baseline.Routes, championRestored, reason });
        return await EndAsync(endStage, reason);
    }

    /// <summary>Closes the release with its outcome record.</summary>
    public async Task<ReleaseOutcome> EndAsync(ReleaseStage endStage, string reason, int? rollbackTarget = null)
    {
        MoveTo(endStage, reason);
        await evidence.RecordAsync("outcome", endStage.ToString().ToLowerInvariant(), reason, new { stage = endStage.ToString(), traffic = traffic?.Routes, tier = policy?.RiskTier, rollbackTarget });
        waitingFor = null;
        SetStatus(waitingFor: null, message: reason);
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        await CloseLedgerAsync(endStage, reason, logger);
        Log.ReleaseEnded(logger, Key.InstanceId, endStage, reason);
        return new ReleaseOutcome(endStage, reason, traffic, evidence.Count, evidence.Head, rollbackTarget);
    }

    /// <summary>
    /// The chain is complete: lock its payloads for the tier's retention (the longest tier's when no tier was resolved),
    /// then book the outcome and free the model's in-flight place. Neither can undo the outcome: a failure is logged, and
    /// the API frees a place whose holder has ended.
    /// </summary>
    private async Task CloseLedgerAsync(ReleaseStage endStage, string reason, Microsoft.Extensions.Logging.ILogger logger)
    {
        var endedAt = context.CurrentUtcDateTime;
        var retention = policy?.EvidenceRetention ?? input.Policies.Tiers.Values.Select(t => t.EvidenceRetention).DefaultIfEmpty().Max();
        try
        {
            await context.CallActivityAsync<ImmutabilityResult>(nameof(ProtectEvidence), new EvidenceProtection(Key.InstanceId, input.RunId, endedAt + retention, policy?.RiskTier), Retried);
        }
        catch (TaskFailedException failure)
        {
            Log.LedgerStepFailed(logger, Key.InstanceId, nameof(ProtectEvidence), failure.FailureDetails.ErrorMessage);
        }

        try
        {
            await context.CallActivityAsync<string>(
                nameof(RecordReleaseOutcome),
                new ReleaseEnding(Key, input.RunId, input.RequestedAt, endStage.ToString(), reason, endedAt, evidence.Count, evidence.Head),
                Retried);
        }
        catch (TaskFailedException failure)
        {
            Log.LedgerStepFailed(logger, Key.InstanceId, nameof(RecordReleaseOutcome), failure.FailureDetails.ErrorMessage);
        }
    }

    private void MoveTo(ReleaseStage next, string note)
    {
        stage = ReleaseTransitions.Move(stage, next);
        history.Add(new StageEntry(next, context.CurrentUtcDateTime, note));
        SetStatus(waitingFor: null, message: note);
    }

    private void SetStatus(string? waitingFor, DateTimeOffset? waitingUntil = null, string? message = null, string? digest = null)
    {
        this.waitingFor = waitingFor;
        this.waitingUntil = waitingUntil;
        context.SetCustomStatus(new ReleaseProgress(
            stage,
            traffic?.ToString() ?? "unknown",
            waitingFor,
            waitingUntil,
            message ?? history.LastOrDefault()?.Note ?? string.Empty,
            evidence.Count,
            history.ToArray(),
            policy?.RiskTier,
            policy?.Deployment.Mode.ToString(),
            oversight == OversightState.Paused,
            digest));
    }

    private void RefreshStatus() => SetStatus(waitingFor, waitingUntil);
}

/// <summary>The aliases a release moves in the registry.</summary>
public static class ModelAliases
{
    public const string Champion = "champion";

    /// <summary>The champion before the last promotion: where a rollback goes.</summary>
    public const string Previous = "previous";
}
