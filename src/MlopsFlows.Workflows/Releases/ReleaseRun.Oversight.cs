using MlopsFlows.Domain.Approvals;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Human oversight heard at every wait: pause, resume, stop, override; and evidence added while the release waits.</summary>
internal sealed partial class ReleaseRun
{
    /// <summary>
    /// Waits <paramref name="delay"/> while hearing commands. Returns an admitted stop or override at once; pause and
    /// resume only change the state and the wait goes on (a paused step still watches its SLOs).
    /// </summary>
    private async Task<OversightRequest?> WaitOrCommandAsync(TimeSpan delay)
    {
        using var timerCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(delay, timerCancellation.Token);
        for (var handled = 0; handled < WorkflowLimits.MaxEventsPerWait; handled++)
        {
            var first = await Task.WhenAny(timer, inbox.Oversight, inbox.EvidenceAdded, inbox.Decision);
            if (first == timer)
            {
                return null;
            }

            if (first == inbox.EvidenceAdded)
            {
                await RecordLateEvidenceAsync(await inbox.TakeEvidenceAddedAsync());
                continue;
            }

            if (first == inbox.Decision)
            {
                await RecordUnexpectedDecisionAsync(await inbox.TakeDecisionAsync());
                continue;
            }

            var command = await AdmitOversightAsync(await inbox.TakeOversightAsync());
            if (command is { Kind: OversightCommandKind.Stop or OversightCommandKind.Override })
            {
                timerCancellation.Cancel();
                return command;
            }
        }

        // A flood of events: stop hearing them for this wait and let the timer end it.
        await timer;
        return null;
    }

    /// <summary>While paused, nothing moves until someone resumes (or overrides, which resumes) or stops the release.</summary>
    private async Task<DeploymentResult?> HoldWhilePausedAsync(string label)
    {
        for (var handled = 0; oversight == OversightState.Paused; handled++)
        {
            if (handled == WorkflowLimits.MaxEventsPerWait)
            {
                return new DeploymentResult(DeploymentOutcome.Stopped, $"paused and more than {WorkflowLimits.MaxEventsPerWait} events came without a resume");
            }

            SetStatus(waitingFor: ReleaseWaits.Resume, message: $"paused before {label}");
            var first = await Task.WhenAny(inbox.Oversight, inbox.EvidenceAdded, inbox.Decision);
            if (first == inbox.EvidenceAdded)
            {
                await RecordLateEvidenceAsync(await inbox.TakeEvidenceAddedAsync());
                continue;
            }

            if (first == inbox.Decision)
            {
                await RecordUnexpectedDecisionAsync(await inbox.TakeDecisionAsync());
                continue;
            }

            var command = await AdmitOversightAsync(await inbox.TakeOversightAsync());
            if (command?.Kind == OversightCommandKind.Stop)
            {
                return new DeploymentResult(DeploymentOutcome.Stopped, $"stopped by {command.RequestedBy}: {command.Rationale}");
            }

            if (command?.Kind == OversightCommandKind.Override)
            {
                oversight = OversightState.Running;
            }
        }

        return null;
    }

    /// <summary>Checks a command against the policy and the directory, records it either way, and applies pause or resume.</summary>
    private async Task<OversightRequest?> AdmitOversightAsync(OversightRequest request)
    {
        var person = await FindPersonAsync(request.ObjectId, request.RequestedBy);
        var command = new OversightCommand(
            request.Kind, person?.ObjectId ?? request.ObjectId ?? string.Empty, person?.Upn ?? request.RequestedBy, person?.Roles ?? [],
            request.Rationale, request.IdentityVerified, context.CurrentUtcDateTime, request.Target);
        var tierPolicy = policy ?? input.Policies.ForTier(input.Policies.DefaultTier);
        var admission = OversightRules.Admit(command, tierPolicy.Oversight, oversight, tierPolicy.Approval.VerifiedIdentityRequired);
        await evidence.RecordAsync(
            "oversight",
            admission.Accepted ? request.Kind.ToString().ToLowerInvariant() : "refused",
            admission.Accepted ? $"{request.Kind} by {command.Issuer.DisplayName}: {request.Rationale}" : $"{request.Kind} by {command.Issuer.DisplayName} refused: {admission.Reason}",
            new { command, request.Channel, admission.Refusal, admission.Reason, stateBefore = oversight, stateAfter = admission.Next, stage = stage.ToString() },
            actor: command.Issuer.DisplayName);
        if (!admission.Accepted)
        {
            return null;
        }

        oversight = admission.Next;
        RefreshStatus();
        return request;
    }

    private async Task RecordLateEvidenceAsync(EvidenceAddition addition)
    {
        await evidence.RecordAsync("evidence", "added", $"evidence added by {addition.AddedBy}: {addition.Note}", addition, actor: addition.AddedBy);
        shownEvidence.Add(evidence.Head!);
    }

    private Task RecordUnexpectedDecisionAsync(ApprovalDecision decision) =>
        evidence.RecordAsync("decision", "ignored", $"decision by {decision.Approver} ignored: the release is not waiting for one", decision, actor: decision.Approver);

    private Task<DirectoryPerson?> FindPersonAsync(string? objectId, string? upn) =>
        context.CallActivityAsync<DirectoryPerson?>(nameof(FindPerson), new PersonQuery(objectId, upn), Retried);

    private bool IsRequester(DirectoryPerson person) => Same(person.Upn, input.RequestedBy) || Same(person.ObjectId, input.RequestedBy);

    private static bool Same(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private async Task<IReadOnlyList<DirectoryPerson>> NotifyAsync(ApprovalNotificationKind kind, DateTimeOffset deadline, IReadOnlyList<string> roles, IReadOnlyList<string> summary, string noticeId)
    {
        var notice = new ApprovalNotice(
            $"{Key.InstanceId}/{input.RunId}/{noticeId}", kind, Key.InstanceId, Key.Model, Key.Version, Key.Environment, input.RequestedBy,
            Policy.RiskTier, deadline, roles, CurrentDigest, summary);
        return await ApprovalNotices.SendAsync(context, evidence, notice);
    }

    private string CurrentDigest => Domain.Approvals.EvidenceDigest.Of(shownEvidence);
}
