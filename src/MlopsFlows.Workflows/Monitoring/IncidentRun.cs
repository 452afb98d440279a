using System.Text.Json;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>
/// The steps of <see cref="IncidentOrchestrator"/> and the state they share. Keeps every evidence record it writes, so
/// the review is built from exactly the chain that was stored. Deterministic: time only from the context.
/// </summary>
internal sealed class IncidentRun(TaskOrchestrationContext context, IncidentInput input)
{
    private const string SystemActor = "system";

    private readonly EvidenceRedactor redactor = new(input.Redaction ?? RedactionSettings.Default);
    private readonly List<EvidenceRecord> records = [];
    private readonly List<string> actions = [];
    private string? evidenceHead;
    private DateTimeOffset openedAt;
    private DateTimeOffset? ackDeadline;
    private string? acknowledgedBy;
    private DateTimeOffset? acknowledgedAt;
    private DateTimeOffset? suppressedUntil;
    private bool escalated;
    private bool remediated;
    private ResolveIncident? resolution;
    private DateTimeOffset? resolutionAt;

    public bool IsResolved => resolution is not null;

    /// <summary>The next time something happens by itself: a suppression running out, else escalation if nobody acknowledged.</summary>
    public DateTimeOffset? NextDeadline => suppressedUntil ?? ackDeadline;

    private DateTimeOffset Now => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    /// <summary>Step 1: the incident's facts on record, on-call told with the runbook.</summary>
    public async Task OpenAsync()
    {
        openedAt = Now;
        ackDeadline = openedAt + input.AckTimeout;
        var breach = input.Breach;
        await RecordAsync(
            IncidentSteps.Opened,
            breach.Severity.ToString().ToLowerInvariant(),
            $"{BreachKinds.Slug(breach.Kind)} incident on v{input.Version} of {input.Model} in {input.Environment}: {breach.Summary}",
            new IncidentFacts(input.IncidentId, input.Model, input.Environment, input.Version, input.PreviousVersion, input.MonitorId, breach, input.AutoAction, input.AckTimeout));
        await NotifyAsync(IncidentNoticeReason.Opened);
    }

    public async Task AcknowledgeAsync(AcknowledgeIncident command)
    {
        Own(command.By);
        await RecordAsync(IncidentSteps.Acknowledged, "acknowledged", $"acknowledged by {command.By}{Note(command.Note)}", command, command.By);
    }

    /// <summary>An operator's action; it also acknowledges the incident (whoever acts owns it).</summary>
    public async Task RunActionAsync(RunIncidentAction command)
    {
        Own(command.By);
        await RemediateAsync(command.Action, command.By, command.Rationale, command);
    }

    public async Task SuppressAsync(SuppressIncident command)
    {
        if (command.Until <= Now)
        {
            await RecordAsync(IncidentSteps.Suppressed, "ignored", $"suppression until {command.Until:O} asked by {command.By} is already over", command, command.By);
            return;
        }

        suppressedUntil = command.Until;
        await RecordAsync(IncidentSteps.Suppressed, "suppressed", $"suppressed until {command.Until:O} by {command.By}{Note(command.Rationale)}", command, command.By);
    }

    public async Task ResolveAsync(ResolveIncident command)
    {
        resolution = command;
        resolutionAt = Now;
        (ackDeadline, suppressedUntil) = (null, null);
        await RecordAsync(IncidentSteps.Resolved, "resolved", $"resolved by {command.By}{Note(command.Note)}", command, command.By);
    }

    /// <summary>The deadline that came due: the end of a suppression, or the acknowledgement deadline.</summary>
    public async Task OnDeadlineAsync()
    {
        if (suppressedUntil is not null)
        {
            await EndSuppressionAsync();
        }
        else
        {
            await EscalateAsync();
        }
    }

    /// <summary>Last step: the review, from the evidence, as the chain's last record and in the outcome.</summary>
    public async Task<IncidentOutcome> CloseAsync()
    {
        var review = IncidentReview.Build(records);
        var times = IncidentReview.TimesOf(records);
        var resolvedAt = times.ResolvedAt ?? Now;
        var timeToRemediate = times.TimeToRemediate ?? resolvedAt - openedAt;
        await RecordAsync(
            IncidentSteps.Review,
            "written",
            $"post-incident review: detected in {times.TimeToDetect}, remediated in {timeToRemediate}",
            new
            {
                markdown = review,
                times.TimeToDetect,
                timeToRemediate,
                times.WindowStart,
                times.OpenedAt,
                times.RemediatedAt,
                resolvedAt,

                // The review names who did what; as actors of their records they are identity values here too, so redaction keeps them.
                whoDidWhat = records.GroupBy(r => r.Actor, StringComparer.Ordinal).Select(g => new { actor = g.Key, steps = g.Select(r => r.Step).Distinct().ToArray() }),
            });
        SetStatus();
        var logger = context.CreateReplaySafeLogger<IncidentOrchestrator>();
        Log.IncidentResolved(logger, input.IncidentId, resolution!.By, times.TimeToDetect, timeToRemediate);
        return new IncidentOutcome(
            input.IncidentId,
            input.Breach.Kind,
            input.Breach.Severity,
            openedAt,
            resolvedAt,
            resolution.By,
            times.TimeToDetect,
            timeToRemediate,
            [.. actions],
            review,
            records.Count,
            evidenceHead!);
    }

    // The first owner stays the owner; the deadline is gone either way.
    private void Own(string by)
    {
        acknowledgedBy ??= by;
        acknowledgedAt ??= Now;
        ackDeadline = null;
    }

    private async Task EndSuppressionAsync()
    {
        suppressedUntil = null;
        var stillUnowned = acknowledgedBy is null && !escalated;
        if (stillUnowned)
        {
            // The clock that suppression paused starts again in full: on-call gets the whole timeout to answer.
            ackDeadline = Now + input.AckTimeout;
        }

        await RecordAsync(IncidentSteps.SuppressionEnded, "ended", stillUnowned ? "suppression over: on-call notified again" : "suppression over", new { ackDeadline });
        if (stillUnowned)
        {
            await NotifyAsync(IncidentNoticeReason.SuppressionEnded);
        }
    }

    private async Task EscalateAsync()
    {
        escalated = true;
        ackDeadline = null;
        var logger = context.CreateReplaySafeLogger<IncidentOrchestrator>();
        Log.IncidentEscalated(logger, input.IncidentId, input.AckTimeout);
        await NotifyAsync(IncidentNoticeReason.Escalated);
        if (input.AutoAction is { } action && !remediated)
        {
            await RemediateAsync(action, SystemActor, $"pre-approved by policy {input.PolicyStamp.Id} v{input.PolicyStamp.Version}: nobody acknowledged within {input.AckTimeout}", new { preApproved = true, action });
        }
    }

    private async Task RemediateAsync(RemediationAction action, string actor, string? rationale, object request)
    {
        string decision, summary;
        object? result = null;
        try
        {
            (decision, summary, result) = action switch
            {
                RemediationAction.Rollback => await RollBackAsync(actor),
                _ => await RetrainAsync(),
            };
        }
        catch (TaskFailedException failure)
        {
            (decision, summary) = (IncidentActionDecisions.Failed, $"{action.ToString().ToLowerInvariant()} failed: {failure.FailureDetails.ErrorMessage}");
        }
        catch (InvalidOperationException refused)
        {
            (decision, summary) = (IncidentActionDecisions.Failed, $"{action.ToString().ToLowerInvariant()} not possible: {refused.Message}");
        }

        remediated |= IncidentActionDecisions.Remediated(decision);
        actions.Add($"{action.ToString().ToLowerInvariant()} by {actor}: {decision}");
        await RecordAsync(IncidentSteps.Action, decision, summary + Note(rationale), new { action, request, result }, actor);
        var logger = context.CreateReplaySafeLogger<IncidentOrchestrator>();
        Log.ActionRan(logger, input.IncidentId, action, actor, decision);
    }

    private async Task<(string Decision, string Summary, object? Result)> RollBackAsync(string actor)
    {
        var previous = input.PreviousVersion
            ?? throw new InvalidOperationException($"v{input.Version} is the first version of {input.Model} in {input.Environment}; there is no previous version to roll back to.");
        var traffic = await context.CallActivityAsync<TrafficSplit>(
            nameof(RollBackModelVersion), new RollbackCommand(input.Model, input.ServingEndpoint, input.Version, previous), MonitoringRetries.Transient);

        // The monitor watches what serves production: tell it, so its telemetry follows the rollback.
        context.SendEvent(
            input.MonitorId,
            MonitorEvents.VersionChanged,
            new MonitoredVersionChanged(input.Version, previous, null, actor, $"rolled back by incident {input.IncidentId}"));
        return (IncidentActionDecisions.RolledBack, $"rolled back: {input.ServingEndpoint} serves {traffic}, champion alias on v{previous}", new { traffic = traffic.Routes, champion = previous });
    }

    private async Task<(string Decision, string Summary, object? Result)> RetrainAsync()
    {
        var key = IncidentIds.IdempotencyKey(input.IncidentId, RemediationAction.Retrain);
        var runId = await context.CallActivityAsync<string>(nameof(StartRetraining), new RetrainingCommand(input.Model, key), MonitoringRetries.Transient);
        return (IncidentActionDecisions.RetrainingStarted, $"retraining job of {input.Model} started: run {runId}", new { runId, idempotencyKey = key });
    }

    private async Task NotifyAsync(IncidentNoticeReason reason)
    {
        var notice = new IncidentNotice(
            input.IncidentId,
            reason,
            input.Model,
            input.Environment,
            input.Version,
            input.Breach.Kind,
            input.Breach.Severity,
            input.Breach.Summary,
            openedAt,
            ackDeadline,
            remediated ? null : input.AutoAction,
            IncidentRunbook.For(input));
        string? failed = null;
        try
        {
            await context.CallActivityAsync<bool>(nameof(NotifyOnCall), notice, MonitoringRetries.Transient);
        }
        catch (TaskFailedException failure)
        {
            // A notice that could not be sent is evidence too; the deadline and escalation still run.
            failed = failure.FailureDetails.ErrorMessage;
        }

        var who = reason == IncidentNoticeReason.Escalated ? "escalation contacts" : "on-call";
        await RecordAsync(
            reason == IncidentNoticeReason.Escalated ? IncidentSteps.Escalated : IncidentSteps.Notified,
            failed is null ? "sent" : "failed",
            $"{who} notified ({reason}){(failed is null ? string.Empty : ": " + failed)}",
            notice);
    }

    private async Task RecordAsync(string step, string decision, string summary, object data, string actor = SystemActor)
    {
        var record = new EvidenceRecord
        {
            ReleaseId = input.IncidentId,
            RunId = input.RunId,
            Sequence = records.Count + 1,
            Step = step,
            RecordedAt = context.CurrentUtcDateTime,
            Actor = actor,
            Decision = decision,
            Summary = summary,
            Policy = input.PolicyStamp,
            Data = JsonSerializer.SerializeToElement(data, IncidentEvidence.Json),
            PreviousHash = evidenceHead,
        };
        (var written, evidenceHead) = await RedactedEvidence.AppendAsync(context, record, redactor, MonitoringRetries.Transient);
        records.Add(written);
        SetStatus();
    }

    private void SetStatus() =>
        context.SetCustomStatus(new IncidentStatus(
            StateOf(),
            input.Model,
            input.Environment,
            input.Version,
            input.Breach.Kind,
            input.Breach.Severity,
            input.Breach.Summary,
            openedAt,
            ackDeadline,
            acknowledgedBy,
            suppressedUntil,
            escalated,
            remediated ? null : input.AutoAction,
            [.. actions],
            records.Count,
            acknowledgedAt,
            resolutionAt));

    private IncidentState StateOf() => this switch
    {
        { IsResolved: true } => IncidentState.Resolved,
        { suppressedUntil: not null } => IncidentState.Suppressed,
        { remediated: true } => IncidentState.Mitigated,
        { acknowledgedBy: not null } => IncidentState.Acknowledged,
        _ => IncidentState.Open,
    };

    private static string Note(string? note) => string.IsNullOrWhiteSpace(note) ? string.Empty : ": " + note;
}
