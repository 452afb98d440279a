using System.Text.Json;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// The steps of <see cref="ReleaseOrchestrator"/> and the state they share (stage, traffic, evidence chain).
/// Runs inside the orchestrator: deterministic, time only from the context, I/O only through activities.
/// </summary>
internal sealed class ReleaseRun
{
    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30))
    {
        HandleFailure = failure => failure.IsCausedBy<TransientDependencyException>(),
    });

    private static readonly TimeSpan MinimumWatchTimer = TimeSpan.FromSeconds(1);

    private readonly TaskOrchestrationContext context;
    private readonly ReleaseInput input;
    private readonly List<StageEntry> history = [];
    private readonly PolicyStamp policyStamp;
    private ReleaseStage stage = ReleaseStage.Requested;
    private TrafficSplit? baseline;
    private TrafficSplit? traffic;
    private int evidenceCount;
    private string? evidenceHead;
    private bool championMoved;

    public ReleaseRun(TaskOrchestrationContext context, ReleaseInput input)
    {
        this.context = context;
        this.input = input;
        policyStamp = new PolicyStamp(input.Policy.Id, input.Policy.Version, input.Policy.ContentHash);
    }

    private ReleaseKey Key => input.Key;

    /// <summary>Step 1: read the candidate's metrics and the endpoint's current traffic; compare metrics with the policy's gates.</summary>
    public async Task<GateVerdict> CheckEvidenceGatesAsync()
    {
        MoveTo(ReleaseStage.Gating, "reading evaluation metrics and serving state");
        SetStatus(waitingFor: "evidence gates");

        ModelVersionDetails? version = null;
        GateVerdict verdict;
        try
        {
            version = await context.CallActivityAsync<ModelVersionDetails>(
                nameof(ReadModelVersion), new ModelVersionQuery(Key.Model, Key.Version), Retried);
            baseline = await context.CallActivityAsync<TrafficSplit>(nameof(ReadServingTraffic), input.ServingEndpoint, Retried);
            traffic = baseline;
            verdict = GateEvaluation.Evaluate(version.Metrics, input.Policy.Gates);
        }
        catch (TaskFailedException missing) when (missing.FailureDetails.IsCausedBy<DependencyNotFoundException>())
        {
            // A model version or endpoint that does not exist is a failed gate with a reason, not a crashed release.
            verdict = GateVerdict.CannotEvaluate(missing.FailureDetails.ErrorMessage);
        }

        await RecordAsync(
            step: "gates",
            decision: verdict.Passed ? "pass" : "fail",
            summary: verdict.Passed
                ? $"all {verdict.Checks.Count} evidence gates passed"
                : "evidence gates failed: " + string.Join("; ", verdict.FailureReasons),
            data: new
            {
                model = Key.Model,
                version = Key.Version,
                trainingRunId = version?.RunId,
                metrics = version?.Metrics,
                checks = verdict.Checks,
                problem = verdict.Problem,
                servingEndpoint = input.ServingEndpoint,
                trafficBefore = baseline?.Routes,
                evidenceRefs = input.EvidenceRefs,
            });
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        Log.GatesEvaluated(logger, Key.InstanceId, verdict.Passed);
        return verdict;
    }

    /// <summary>Step 2: wait for an approver, racing the policy's deadline and a cancel request.</summary>
    public async Task<ApprovalResult> AwaitApprovalAsync(GateVerdict gates, Task<CancelRequest> cancel)
    {
        MoveTo(ReleaseStage.AwaitingApproval, input.Policy.RequiresApproval ? "waiting for an approver" : "pre-approved by policy");
        if (cancel.IsCompleted)
        {
            // Cancelled while the gates ran: nobody is asked to approve a release that was already stopped.
            return await CancelledAsync(await cancel, "before approval was requested");
        }

        if (!input.Policy.RequiresApproval)
        {
            await RecordAsync("approval", "approved", $"pre-approved by policy {input.Policy.Id} v{input.Policy.Version} for tier {input.Policy.RiskTier}", new { preApproved = true });
            MoveTo(ReleaseStage.Deploying, "approved by policy");
            return new ApprovalResult(ReleaseStage.Deploying, "pre-approved by policy");
        }

        var deadline = context.CurrentUtcDateTime + input.Policy.ApprovalTimeout;
        SetStatus(waitingFor: "approval decision", waitingUntil: deadline);
        await context.CallActivityAsync<bool>(
            nameof(NotifyApprovers),
            new ApprovalRequest(Key.InstanceId, Key.Model, Key.Version, Key.Environment, input.RequestedBy, input.Policy.RiskTier, deadline, gates.Checks.Select(c => c.Reason).ToArray()),
            Retried);

        using var timerCancellation = new CancellationTokenSource();
        var decision = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEvents.Decision);
        var expiry = context.CreateTimer(deadline, timerCancellation.Token);
        var first = await Task.WhenAny(decision, expiry, cancel);
        if (first != expiry)
        {
            timerCancellation.Cancel();
        }

        if (first == cancel)
        {
            return await CancelledAsync(await cancel, "while waiting for approval");
        }

        if (first == expiry)
        {
            await RecordAsync("approval", "expired", $"no decision before {deadline:O}", new { deadline });
            return new ApprovalResult(ReleaseStage.Expired, $"no approval decision before {deadline:O}");
        }

        var answer = await decision;
        await RecordAsync(
            "approval",
            answer.Approved ? "approved" : "rejected",
            $"{(answer.Approved ? "approved" : "rejected")} by {answer.Approver}" + (string.IsNullOrWhiteSpace(answer.Rationale) ? string.Empty : $": {answer.Rationale}"),
            answer,
            actor: answer.Approver);
        if (!answer.Approved)
        {
            return new ApprovalResult(ReleaseStage.Rejected, $"rejected by {answer.Approver}" + (string.IsNullOrWhiteSpace(answer.Rationale) ? string.Empty : $": {answer.Rationale}"));
        }

        MoveTo(ReleaseStage.Deploying, $"approved by {answer.Approver}");
        return new ApprovalResult(ReleaseStage.Deploying, $"approved by {answer.Approver}");
    }

    /// <summary>Step 3: send the policy's canary share of traffic to the candidate.</summary>
    public async Task StartCanaryAsync()
    {
        var current = baseline!.PrimaryVersion ?? Key.Version;
        var canary = current == Key.Version
            ? TrafficSplit.AllTo(Key.Version)
            : TrafficSplit.Canary(current, Key.Version, input.Policy.CanaryTrafficPercent);
        SetStatus(waitingFor: "serving configuration update");
        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, canary), Retried);
        await RecordAsync("canary", "traffic-set", $"canary started: {canary}", new { endpoint = input.ServingEndpoint, before = baseline.Routes, after = canary.Routes });
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        Log.TrafficSet(logger, Key.InstanceId, canary);
    }

    /// <summary>Step 4: read the canary's telemetry every interval for the bake time and hold it to the SLOs.</summary>
    public async Task<WatchResult> WatchCanaryAsync(Task<CancelRequest> cancel)
    {
        MoveTo(ReleaseStage.Watching, $"baking for {input.Policy.BakeTime}");
        var bakeEnds = context.CurrentUtcDateTime + input.Policy.BakeTime;
        var windowsWithData = 0;
        for (var window = 1; ; window++)
        {
            SetStatus(waitingFor: $"canary telemetry (window {window})", waitingUntil: bakeEnds);
            var metrics = await context.CallActivityAsync<ServingMetrics>(
                nameof(ReadCanaryMetrics),
                new CanaryMetricsQuery(input.ServingEndpoint, Key.Version, input.Policy.WatchInterval),
                Retried);
            var verdict = SloEvaluation.Evaluate(metrics, input.Policy.Slo);
            await RecordAsync(
                "watch",
                verdict.Status.ToString().ToLowerInvariant(),
                $"window {window}: " + string.Join("; ", verdict.Reasons),
                new { window, metrics, errorRate = metrics.ErrorRate, slo = input.Policy.Slo, verdict = verdict.Status.ToString() });

            if (verdict.Status == SloStatus.Breached)
            {
                return new WatchResult(WatchOutcome.Unhealthy, "SLO breached: " + string.Join("; ", verdict.Reasons));
            }

            if (verdict.Status == SloStatus.Met)
            {
                windowsWithData++;
            }

            // Azure Storage queues schedule in whole seconds, so a durable timer can fire up to a second early;
            // a last sliver of bake under a second would only repeat the check just made.
            var remaining = bakeEnds - context.CurrentUtcDateTime;
            if (remaining < MinimumWatchTimer)
            {
                break;
            }

            using var timerCancellation = new CancellationTokenSource();
            var next = context.CreateTimer(remaining < input.Policy.WatchInterval ? remaining : input.Policy.WatchInterval, timerCancellation.Token);
            if (await Task.WhenAny(next, cancel) == cancel)
            {
                timerCancellation.Cancel();
                var request = await cancel;
                return new WatchResult(WatchOutcome.Cancelled, $"cancelled by {request.RequestedBy}: {request.Reason}");
            }
        }

        if (cancel.IsCompleted)
        {
            // A cancel that arrived during the last check still wins over promotion.
            var request = await cancel;
            return new WatchResult(WatchOutcome.Cancelled, $"cancelled by {request.RequestedBy}: {request.Reason}");
        }

        // A canary that never saw traffic proved nothing: it is not promoted.
        return windowsWithData > 0
            ? new WatchResult(WatchOutcome.Healthy, $"SLOs met in {windowsWithData} window(s)")
            : new WatchResult(WatchOutcome.Unhealthy, "no requests reached the canary during the bake");
    }

    /// <summary>Step 5a: all traffic to the candidate, then the champion alias.</summary>
    public async Task<ReleaseOutcome> PromoteAsync()
    {
        MoveTo(ReleaseStage.Promoting, "canary healthy");
        SetStatus(waitingFor: "serving configuration update");
        var all = TrafficSplit.AllTo(Key.Version);
        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, all), Retried);
        championMoved = true; // set before the call: if it fails after Unity Catalog applied it, the undo still runs
        await context.CallActivityAsync<bool>(nameof(MoveModelAlias), new AliasCommand(Key.Model, "champion", Key.Version), Retried);
        await RecordAsync(
            "promote",
            "promoted",
            $"version {Key.Version} serves 100% and is the champion; rollback target v{baseline?.PrimaryVersion}",
            new { endpoint = input.ServingEndpoint, traffic = all.Routes, alias = "champion", previousChampion = baseline?.PrimaryVersion });
        return await EndAsync(ReleaseStage.Promoted, $"promoted: v{Key.Version} serves all traffic");
    }

    /// <summary>Step 5b: traffic back to exactly what it was before the release.</summary>
    public async Task<ReleaseOutcome> RollBackAsync(string reason, ReleaseStage endStage)
    {
        MoveTo(ReleaseStage.RollingBack, reason);
        SetStatus(waitingFor: "serving configuration update");
        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, baseline!), Retried);
        int? championRestored = null;
        if (championMoved && baseline!.PrimaryVersion is { } previous && previous != Key.Version)
        {
            await context.CallActivityAsync<bool>(nameof(MoveModelAlias), new AliasCommand(Key.Model, "champion", previous), Retried);
            championRestored = previous;
        }

        await RecordAsync("rollback", "rolled-back", $"traffic restored to {baseline}: {reason}", new { endpoint = input.ServingEndpoint, traffic = baseline!.Routes, championRestored, reason });
        return await EndAsync(endStage, reason);
    }

    /// <summary>Closes the release: cancellations that arrived before any traffic moved are recorded here too.</summary>
    public async Task<ReleaseOutcome> EndAsync(ReleaseStage endStage, string reason)
    {
        MoveTo(endStage, reason);
        await RecordAsync("outcome", endStage.ToString().ToLowerInvariant(), reason, new { stage = endStage.ToString(), traffic = traffic?.Routes });
        SetStatus(waitingFor: null, message: reason);
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        Log.ReleaseEnded(logger, Key.InstanceId, endStage, reason);
        return new ReleaseOutcome(endStage, reason, traffic, evidenceCount, evidenceHead);
    }

    private async Task<ApprovalResult> CancelledAsync(CancelRequest request, string when)
    {
        await RecordAsync("cancel", "cancelled", $"cancelled by {request.RequestedBy} {when}: {request.Reason}", request, actor: request.RequestedBy);
        return new ApprovalResult(ReleaseStage.Cancelled, $"cancelled by {request.RequestedBy}: {request.Reason}");
    }

    private async Task RecordAsync(string step, string decision, string summary, object data, string actor = "system")
    {
        var record = new EvidenceRecord
        {
            ReleaseId = Key.InstanceId,
            RunId = input.RunId,
            Sequence = evidenceCount + 1,
            Step = step,
            RecordedAt = context.CurrentUtcDateTime,
            Actor = actor,
            Decision = decision,
            Summary = summary,
            Policy = policyStamp,
            Data = JsonSerializer.SerializeToElement(data, EvidenceJson.Options),
            PreviousHash = evidenceHead,
        };
        evidenceHead = await context.CallActivityAsync<string>(nameof(RecordEvidence), record, Retried);
        evidenceCount++;
    }

    private void MoveTo(ReleaseStage next, string note)
    {
        stage = ReleaseTransitions.Move(stage, next);
        history.Add(new StageEntry(next, context.CurrentUtcDateTime, note));
        SetStatus(waitingFor: null, message: note);
    }

    private void SetStatus(string? waitingFor, DateTimeOffset? waitingUntil = null, string? message = null) =>
        context.SetCustomStatus(new ReleaseProgress(
            stage,
            traffic?.ToString() ?? "unknown",
            waitingFor,
            waitingUntil,
            message ?? history.LastOrDefault()?.Note ?? string.Empty,
            evidenceCount,
            history.ToArray()));
}
