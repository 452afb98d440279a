using Microsoft.DurableTask;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>What the approval sub-orchestration needs: who asks, who built the model, the rules, and the chain it continues.</summary>
/// <param name="ShownEvidence">Hashes of the evidence records approvers are shown; their digest binds every vote.</param>
/// <param name="Chain">Where the release's evidence chain stands; the approval appends to it and hands it back.</param>
/// <param name="Redaction">The release's redaction settings: the approval's records are redacted as the release's are.</param>
public sealed record ApprovalInput(
    string ReleaseId,
    string RunId,
    string Model,
    int Version,
    string Environment,
    string RequestedBy,
    string? Developer,
    PolicyStamp Policy,
    RedactionSettings Redaction,
    ReleasePolicy Rules,
    IReadOnlyList<string> ShownEvidence,
    ChainPosition Chain,
    IReadOnlyList<string> GateSummary,
    OversightState Oversight);

public enum ApprovalVerdict
{
    Approved,
    Rejected,
    Expired,
    Stopped,
}

/// <summary>How the approval ended, with the chain position and oversight state the release goes on from.</summary>
/// <param name="Approvers">Who filled which seat (role: person), when approved.</param>
public sealed record ApprovalOutcomeResult(
    ApprovalVerdict Verdict,
    string Reason,
    ChainPosition Chain,
    IReadOnlyList<string> ShownEvidence,
    OversightState Oversight,
    IReadOnlyList<string> Approvers);

/// <summary>The custom status of an approval: which seats are open and the digest a vote must carry.</summary>
public sealed record ApprovalProgress(string EvidenceDigest, IReadOnlyList<string> OutstandingRoles, IReadOnlyList<string> Approvers, DateTimeOffset Deadline, bool Escalated, int Attempts);

/// <summary>
/// N-of-M approval by role for one release: notify → (remind → escalate →) expire, while counting votes under
/// segregation of duties. Votes, oversight commands and new evidence reach it from the release, which forwards them.
/// </summary>
public sealed class ApprovalOrchestrator : TaskOrchestrator<ApprovalInput, ApprovalOutcomeResult>
{
    private static readonly TaskOptions Retried = WorkflowRetries.Transient;

    /// <summary>The approval's instance id: one per run of a release.</summary>
    public static string InstanceIdFor(string releaseId, string runId) => $"{releaseId}:approval:{runId}";

    public override async Task<ApprovalOutcomeResult> RunAsync(TaskOrchestrationContext context, ApprovalInput input)
    {
        var approval = input.Rules.Approval;
        var evidence = new EvidenceWriter(context, input.ReleaseId, input.RunId, input.Policy, input.Redaction, input.Chain);
        var shown = input.ShownEvidence.ToList();
        var oversight = input.Oversight;
        var tally = ApprovalTally.Open(
            approval,
            new PersonIdentity(input.RequestedBy, input.RequestedBy),
            input.Developer is null ? null : new PersonIdentity(input.Developer, input.Developer),
            EvidenceDigest.Of(shown),
            approval.VerifiedIdentityRequired);

        var opened = context.CurrentUtcDateTime;
        var deadline = opened + approval.Timeout;
        DateTimeOffset? remindAt = approval.ReminderAfter is { } r ? opened + r : null;
        DateTimeOffset? escalateAt = approval.EscalateAfter is { } e && approval.EscalationRole is not null ? opened + e : null;
        var decisions = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEvents.Decision);
        var commands = context.WaitForExternalEvent<OversightRequest>(ReleaseEvents.Oversight);
        var additions = context.WaitForExternalEvent<EvidenceAddition>(ReleaseEvents.EvidenceAdded);

        // Events sent to an instance before it exists are lost, so the release forwards nothing until this arrives.
        context.SendEvent(input.ReleaseId, ReleaseEvents.ApprovalOpened, context.InstanceId);
        await NotifyAsync(ApprovalNotificationKind.Request, RuleRoles(), "request-0");
        for (var handled = 0; handled < WorkflowLimits.MaxEventsPerWait; handled++)
        {
            SetStatus();
            var next = new[] { remindAt, escalateAt, deadline }.Where(t => t is not null).Min()!.Value;
            using var timerCancellation = new CancellationTokenSource();
            var timer = context.CreateTimer(next.UtcDateTime, timerCancellation.Token);
            var first = await Task.WhenAny(timer, decisions, commands, additions);
            if (first != timer)
            {
                timerCancellation.Cancel();
            }

            if (first == timer)
            {
                if (next == deadline)
                {
                    await evidence.RecordAsync("approval", "expired", $"no quorum before {deadline:O}; open seats: {string.Join(", ", tally.OutstandingRoles)}", new { deadline, outstanding = tally.OutstandingRoles, approvers = tally.Approvers });
                    await NotifyAsync(ApprovalNotificationKind.Outcome, RuleRoles(), "outcome", "expired");
                    return Done(ApprovalVerdict.Expired, $"no approval quorum before {deadline:O}");
                }

                if (next == remindAt)
                {
                    remindAt = null;
                    await NotifyAsync(ApprovalNotificationKind.Reminder, tally.OutstandingRoles, "reminder");
                }
                else
                {
                    escalateAt = null;
                    tally = tally.Escalate();
                    await NotifyAsync(ApprovalNotificationKind.Escalation, [approval.EscalationRole!], "escalation");
                }

                continue;
            }

            if (first == additions)
            {
                var addition = await additions;
                additions = context.WaitForExternalEvent<EvidenceAddition>(ReleaseEvents.EvidenceAdded);
                await evidence.RecordAsync("evidence", "added", $"evidence added by {addition.AddedBy}: {addition.Note}; earlier approvals no longer count", addition, actor: addition.AddedBy);
                shown.Add(evidence.Head!);
                tally = tally.Rebase(EvidenceDigest.Of(shown));
                await NotifyAsync(ApprovalNotificationKind.Request, RuleRoles(), $"request-{shown.Count}", "the evidence changed: please decide again");
                continue;
            }

            if (first == commands)
            {
                var request = await commands;
                commands = context.WaitForExternalEvent<OversightRequest>(ReleaseEvents.Oversight);
                var person = await context.CallActivityAsync<DirectoryPerson?>(nameof(FindPerson), new PersonQuery(request.ObjectId, request.RequestedBy), Retried);
                var command = new OversightCommand(
                    request.Kind, person?.ObjectId ?? request.ObjectId ?? string.Empty, person?.Upn ?? request.RequestedBy, person?.Roles ?? [],
                    request.Rationale, request.IdentityVerified, context.CurrentUtcDateTime, request.Target);
                var admission = OversightRules.Admit(command, input.Rules.Oversight, oversight, approval.VerifiedIdentityRequired);
                var who = command.Issuer.DisplayName;
                await evidence.RecordAsync(
                    "oversight",
                    admission.Accepted ? request.Kind.ToString().ToLowerInvariant() : "refused",
                    admission.Accepted ? $"{request.Kind} by {who} during approval: {request.Rationale}" : $"{request.Kind} by {who} refused: {admission.Reason}",
                    new { command, request.Channel, admission.Refusal, admission.Reason, stateBefore = oversight, stateAfter = admission.Next },
                    actor: who);
                if (!admission.Accepted)
                {
                    continue;
                }

                oversight = admission.Next;
                if (request.Kind == OversightCommandKind.Stop)
                {
                    await NotifyAsync(ApprovalNotificationKind.Outcome, RuleRoles(), "outcome", $"stopped by {who}");
                    return Done(ApprovalVerdict.Stopped, $"stopped by {who}: {request.Rationale}");
                }

                if (request.Kind == OversightCommandKind.Override)
                {
                    await evidence.RecordAsync("approval", "approved", $"approval granted by override of {who}: {request.Rationale}", new { overriddenBy = command, outstanding = tally.OutstandingRoles, approvers = tally.Approvers }, actor: who);
                    await NotifyAsync(ApprovalNotificationKind.Outcome, RuleRoles(), "outcome", $"approved by override of {who}");
                    return Done(ApprovalVerdict.Approved, $"approved by override of {who}: {request.Rationale}", [$"override: {who}"]);
                }

                continue;
            }

            var decision = await decisions;
            decisions = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEvents.Decision);
            var voter = await context.CallActivityAsync<DirectoryPerson?>(nameof(FindPerson), new PersonQuery(decision.ObjectId, decision.Approver), Retried);
            var vote = new ApprovalVote(
                voter?.ObjectId ?? decision.ObjectId ?? string.Empty,
                voter?.Upn ?? decision.Approver,
                decision.Approved,
                decision.Rationale,
                decision.Channel,
                decision.IdentityVerified,
                decision.EvidenceDigest ?? string.Empty,
                context.CurrentUtcDateTime)
            {
                Roles = voter?.Roles ?? [],
            };
            var update = tally.Apply(vote);
            tally = update.Tally;
            var attempt = update.Attempt;
            await evidence.RecordAsync(
                "vote",
                attempt.Admission.ToString().ToLowerInvariant(),
                $"{(vote.Approve ? "approval" : "rejection")} by {vote.Voter.DisplayName} via {vote.Channel}: {attempt.Reason}",
                new { vote, attempt.Admission, attempt.Reason, decidedAt = decision.DecidedAt, outstanding = tally.OutstandingRoles },
                actor: vote.Voter.DisplayName);

            if (tally.Outcome == ApprovalOutcome.Rejected)
            {
                var reason = $"rejected by {vote.Voter.DisplayName}" + (string.IsNullOrWhiteSpace(vote.Rationale) ? string.Empty : $": {vote.Rationale}");
                await NotifyAsync(ApprovalNotificationKind.Outcome, RuleRoles(), "outcome", reason);
                return Done(ApprovalVerdict.Rejected, reason);
            }

            if (tally.Outcome == ApprovalOutcome.Approved)
            {
                var seats = tally.Assignment.Select(s => $"{s.Role}: {s.Vote.Voter.DisplayName}{(s.ViaEscalation ? " (escalation)" : string.Empty)}").ToArray();
                await evidence.RecordAsync("approval", "approved", $"approved: {string.Join("; ", seats)}", new { seats = tally.Assignment, digest = tally.EvidenceDigest, rules = approval.Rules });
                await NotifyAsync(ApprovalNotificationKind.Outcome, RuleRoles(), "outcome", "approved");
                return Done(ApprovalVerdict.Approved, $"approved by {string.Join(", ", seats)}", seats);
            }
        }

        await evidence.RecordAsync("approval", "expired", $"more than {WorkflowLimits.MaxEventsPerWait} events while waiting for approval", new { limit = WorkflowLimits.MaxEventsPerWait });
        return Done(ApprovalVerdict.Expired, $"more than {WorkflowLimits.MaxEventsPerWait} events while waiting for approval");

        IReadOnlyList<string> RuleRoles() => [.. approval.Rules.Select(rule => rule.Role)];

        ApprovalOutcomeResult Done(ApprovalVerdict verdict, string reason, IReadOnlyList<string>? approvers = null) =>
            new(verdict, reason, evidence.Position, shown, oversight, approvers ?? []);

        void SetStatus() => context.SetCustomStatus(new ApprovalProgress(
            tally.EvidenceDigest,
            tally.OutstandingRoles,
            [.. tally.Approvers.Select(p => p.DisplayName)],
            deadline,
            tally.Escalated,
            tally.Attempts.Count));

        async Task NotifyAsync(ApprovalNotificationKind kind, IReadOnlyList<string> roles, string noticeId, string? note = null)
        {
            IReadOnlyList<string> summary = note is null ? input.GateSummary : [note, .. input.GateSummary];
            var notice = new ApprovalNotice(
                $"{input.ReleaseId}/{input.RunId}/{noticeId}", kind, input.ReleaseId, input.Model, input.Version, input.Environment, input.RequestedBy,
                input.Rules.RiskTier, deadline, roles, tally.EvidenceDigest, summary);
            await ApprovalNotices.SendAsync(context, evidence, notice, note);
        }
    }
}
