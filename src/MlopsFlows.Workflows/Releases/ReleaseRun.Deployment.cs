using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Judge;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Step 4: the candidate meets traffic the way the tier's policy says, and the judge decides at each step.</summary>
internal sealed partial class ReleaseRun
{
    // Azure Storage queues schedule in whole seconds, so a durable timer can fire up to a second early;
    // a last sliver of bake under a second would only repeat the check just made.
    private static readonly TimeSpan MinimumWatchTimer = TimeSpan.FromSeconds(1);

    public async Task<DeploymentResult> DeployAsync()
    {
        var deployment = Policy.Deployment;
        var current = baseline!.PrimaryVersion ?? Key.Version;
        if (current == Key.Version)
        {
            // The candidate already serves everything (a re-run after promotion): nothing to compare it with.
            return new DeploymentResult(DeploymentOutcome.Healthy, $"v{Key.Version} already serves all traffic");
        }

        switch (deployment.Mode)
        {
            case DeploymentMode.Shadow:
                // Deployed beside the champion with no live traffic; recent requests are replayed against it.
                await SetTrafficAsync(new TrafficSplit([new TrafficRoute(current, 100), new TrafficRoute(Key.Version, 0)]), "shadow", "deployed in shadow (0% live traffic)");
                return await BakeAndJudgeAsync("shadow", DeploymentMode.Shadow, current);

            case DeploymentMode.BlueGreen:
                // Green takes everything at once; blue stays deployed at 0% so switching back is instant.
                await SetTrafficAsync(new TrafficSplit([new TrafficRoute(Key.Version, 100), new TrafficRoute(current, 0)]), "blue-green", "switched to green (100%), blue kept warm at 0%");
                return await BakeAndJudgeAsync("blue-green", DeploymentMode.BlueGreen, current);

            default:
                var steps = deployment.Steps;
                for (var i = 0; i < steps.Count; i++)
                {
                    var label = $"canary step {i + 1}/{steps.Count} ({steps[i]}%)";
                    var held = await HoldWhilePausedAsync(label);
                    if (held is not null)
                    {
                        return held;
                    }

                    await SetTrafficAsync(TrafficSplit.Canary(current, Key.Version, steps[i]), "canary", $"{label}: {steps[i]}% to v{Key.Version}");
                    var result = await BakeAndJudgeAsync(label, DeploymentMode.Canary, current);
                    if (result.Outcome != DeploymentOutcome.Healthy)
                    {
                        return result;
                    }
                }

                return new DeploymentResult(DeploymentOutcome.Healthy, $"all {steps.Count} canary steps passed");
        }
    }

    private async Task SetTrafficAsync(TrafficSplit split, string step, string summary)
    {
        if (stage != ReleaseStage.Deploying)
        {
            MoveTo(ReleaseStage.Deploying, summary);
        }

        SetStatus(waitingFor: "serving configuration update");
        var before = traffic;
        traffic = await context.CallActivityAsync<TrafficSplit>(nameof(SetServingTraffic), new TrafficCommand(input.ServingEndpoint, Key.Model, split), Retried);
        await evidence.RecordAsync(step, "traffic-set", summary, new { endpoint = input.ServingEndpoint, before = before?.Routes, after = split.Routes, mode = Policy.Deployment.Mode });
        var logger = context.CreateReplaySafeLogger<ReleaseOrchestrator>();
        Log.TrafficSet(logger, Key.InstanceId, split);
    }

    /// <summary>
    /// Watches one step for the bake time (an SLO breach fails it at once), then asks the judge. Inconclusive holds the
    /// step and asks a person; oversight commands are heard throughout.
    /// </summary>
    private async Task<DeploymentResult> BakeAndJudgeAsync(string label, DeploymentMode mode, int baselineVersion)
    {
        var deployment = Policy.Deployment;
        MoveTo(ReleaseStage.Watching, $"{label}: baking for {deployment.BakeTime}");
        var bakeEnds = context.CurrentUtcDateTime + deployment.BakeTime;
        for (var window = 1; ; window++)
        {
            if (mode != DeploymentMode.Shadow)
            {
                // Shadow serves nobody, so live SLOs say nothing about it; the replay is judged at the end.
                var breach = await CheckSloWindowAsync(label, window);
                if (breach is not null)
                {
                    return breach;
                }
            }

            var remaining = bakeEnds - context.CurrentUtcDateTime;
            if (remaining < MinimumWatchTimer)
            {
                break;
            }

            SetStatus(waitingFor: $"{label}: bake (window {window})", waitingUntil: bakeEnds);
            var command = await WaitOrCommandAsync(remaining < deployment.WatchInterval ? remaining : deployment.WatchInterval);
            if (command?.Kind == OversightCommandKind.Stop)
            {
                return new DeploymentResult(DeploymentOutcome.Stopped, $"stopped by {command.RequestedBy}: {command.Rationale}");
            }

            if (command?.Kind == OversightCommandKind.Override)
            {
                await evidence.RecordAsync("judge", "overridden", $"{label}: bake cut short and passed by {command.RequestedBy}: {command.Rationale}", new { label, command }, actor: command.RequestedBy);
                return await AfterStepAsync(label);
            }
        }

        var judgement = await JudgeAsync(label, mode, baselineVersion);
        switch (judgement.Outcome)
        {
            case JudgeOutcome.Pass:
                return await AfterStepAsync(label);
            case JudgeOutcome.Fail:
                return new DeploymentResult(DeploymentOutcome.Unhealthy, $"{label}: judge failed the candidate: " + string.Join("; ", judgement.Metrics.Where(m => m.Outcome == JudgeOutcome.Fail).Select(m => $"{m.Metric}: {m.Reason}")));
            default:
                return await AskAboutInconclusiveStepAsync(label, judgement);
        }
    }

    private async Task<DeploymentResult?> CheckSloWindowAsync(string label, int window)
    {
        var deployment = Policy.Deployment;
        var metrics = await context.CallActivityAsync<ServingMetrics>(
            nameof(ReadCanaryMetrics),
            new CanaryMetricsQuery(input.ServingEndpoint, Key.Version, deployment.WatchInterval),
            Retried);
        var verdict = SloEvaluation.Evaluate(metrics, Policy.Slo);
        await evidence.RecordAsync(
            "watch",
            verdict.Status.ToString().ToLowerInvariant(),
            $"{label}, window {window}: " + string.Join("; ", verdict.Reasons),
            new { label, window, metrics, errorRate = metrics.ErrorRate, slo = Policy.Slo, verdict = verdict.Status.ToString() });
        return verdict.Status == SloStatus.Breached
            ? new DeploymentResult(DeploymentOutcome.Unhealthy, $"{label}: SLO breached: " + string.Join("; ", verdict.Reasons))
            : null;
    }

    private async Task<CanaryJudgement> JudgeAsync(string label, DeploymentMode mode, int baselineVersion)
    {
        var deployment = Policy.Deployment;
        SetStatus(waitingFor: $"{label}: judge");
        var verdict = await context.CallActivityAsync<JudgeVerdict>(
            nameof(JudgeCandidate),
            new JudgeQuery(input.ServingEndpoint, Key.Model, baselineVersion, Key.Version, mode, deployment.BakeTime, deployment.MinRequestsPerStep, deployment.Judge, Policy.Slo),
            Retried);
        await evidence.RecordAsync(
            "judge",
            verdict.Judgement.Outcome.ToString().ToLowerInvariant(),
            $"{label}: " + string.Join("; ", verdict.Judgement.Metrics.Select(m => $"{m.Metric} {m.Outcome.ToString().ToLowerInvariant()}: {m.Reason}")),
            new { label, mode, verdict.Observed, judgement = verdict.Judgement, criteria = deployment.Judge, slo = Policy.Slo, deployment.MinRequestsPerStep });
        return verdict.Judgement;
    }

    /// <summary>
    /// Inconclusive is never a pass: the step holds (traffic unchanged) and a person decides within the policy's time,
    /// or the candidate is rolled back.
    /// </summary>
    private async Task<DeploymentResult> AskAboutInconclusiveStepAsync(string label, CanaryJudgement judgement)
    {
        var deadline = context.CurrentUtcDateTime + Policy.Deployment.InconclusiveTimeout;
        var reasons = judgement.Metrics.Where(m => m.Outcome != JudgeOutcome.Pass).Select(m => $"{m.Metric}: {m.Reason}").ToArray();
        var deciders = Policy.Approval.Rules.Select(r => r.Role).Concat(Policy.Oversight.Roles).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        await NotifyAsync(Ports.ApprovalNotificationKind.HoldDecision, deadline, deciders, [$"{label} is inconclusive", .. reasons], $"hold-{evidence.Count}");
        SetStatus(waitingFor: ReleaseWaits.StepDecision, waitingUntil: deadline, message: $"{label} inconclusive: a person decides whether to go on");

        using var timerCancellation = new CancellationTokenSource();
        var expiry = context.CreateTimer(deadline, timerCancellation.Token);
        for (var handled = 0; handled < WorkflowLimits.MaxEventsPerWait; handled++)
        {
            var first = await Task.WhenAny(expiry, inbox.Decision, inbox.Oversight, inbox.EvidenceAdded);
            if (first == expiry)
            {
                await evidence.RecordAsync("hold", "expired", $"{label}: nobody decided before {deadline:O}", new { label, deadline });
                return new DeploymentResult(DeploymentOutcome.Unhealthy, $"{label} was inconclusive and nobody decided before {deadline:O}");
            }

            if (first == inbox.EvidenceAdded)
            {
                await RecordLateEvidenceAsync(await inbox.TakeEvidenceAddedAsync());
                continue;
            }

            if (first == inbox.Oversight)
            {
                var command = await AdmitOversightAsync(await inbox.TakeOversightAsync());
                if (command is null or { Kind: OversightCommandKind.Pause or OversightCommandKind.Resume })
                {
                    continue;
                }

                timerCancellation.Cancel();
                return command.Kind == OversightCommandKind.Stop
                    ? new DeploymentResult(DeploymentOutcome.Stopped, $"stopped by {command.RequestedBy}: {command.Rationale}")
                    : await AfterStepAsync(label);
            }

            var decision = await inbox.TakeDecisionAsync();
            var person = await FindPersonAsync(decision.ObjectId, decision.Approver);
            var refusal = StepDecisionRefusal(decision, person, deciders);
            await evidence.RecordAsync(
                "hold",
                refusal is null ? (decision.Approved ? "continue" : "roll-back") : "refused",
                refusal is null
                    ? $"{label}: {(decision.Approved ? "go on" : "roll back")} decided by {decision.Approver}: {decision.Rationale}"
                    : $"{label}: decision by {decision.Approver} refused: {refusal}",
                new { label, decision, roles = person?.Roles, refusal },
                actor: decision.Approver);
            if (refusal is not null)
            {
                continue;
            }

            timerCancellation.Cancel();
            return decision.Approved
                ? await AfterStepAsync(label)
                : new DeploymentResult(DeploymentOutcome.Unhealthy, $"{label} was inconclusive; {decision.Approver} chose to roll back: {decision.Rationale}");
        }

        timerCancellation.Cancel();
        return new DeploymentResult(DeploymentOutcome.Unhealthy, $"{label} was inconclusive and more than {WorkflowLimits.MaxEventsPerWait} events came without a decision");
    }

    private string? StepDecisionRefusal(ApprovalDecision decision, Ports.DirectoryPerson? person, IReadOnlyList<string> deciders)
    {
        if (person is null)
        {
            return $"{decision.Approver} is not in the directory";
        }

        if (Policy.Approval.VerifiedIdentityRequired && !decision.IdentityVerified)
        {
            return $"{decision.Approver}'s identity was not verified on channel {decision.Channel}";
        }

        if (IsRequester(person))
        {
            return "the requester cannot decide on their own release";
        }

        if (!person.Roles.Any(r => deciders.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return $"{person.Upn} holds none of the roles that decide: {string.Join(", ", deciders)}";
        }

        if (Policy.Approval.RationaleRequired && string.IsNullOrWhiteSpace(decision.Rationale))
        {
            return "the policy requires a rationale";
        }

        return null;
    }

    /// <summary>A step that passed still waits here while the release is paused, so a pause always holds the next move.</summary>
    private async Task<DeploymentResult> AfterStepAsync(string label) =>
        await HoldWhilePausedAsync(label) ?? new DeploymentResult(DeploymentOutcome.Healthy, $"{label} passed");
}
