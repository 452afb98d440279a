using System.Text.Json;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Where a chain stands: how many records it holds and the hash of the last one.</summary>
public sealed record ChainPosition(int Count, string? Head);

/// <summary>
/// Appends evidence records to one chain from inside an orchestration: the sequence and previous hash come from the
/// position it carries, so a sub-orchestration can take the chain over and hand it back. Records are redacted as the
/// policy's <paramref name="redaction"/> says before they are written.
/// </summary>
internal sealed class EvidenceWriter(
    TaskOrchestrationContext context, string chainId, string runId, PolicyStamp policy, RedactionSettings redaction, ChainPosition start)
{
    private readonly EvidenceRedactor redactor = new(redaction);

    public PolicyStamp Policy => policy;

    public RedactionSettings Redaction => redaction;

    public int Count { get; private set; } = start.Count;

    public string? Head { get; private set; } = start.Head;

    public ChainPosition Position => new(Count, Head);

    /// <summary>Takes over the position a sub-orchestration reached.</summary>
    public void MoveTo(ChainPosition position)
    {
        Count = position.Count;
        Head = position.Head;
    }

    public async Task RecordAsync(string step, string decision, string summary, object data, string actor = "system")
    {
        var record = new EvidenceRecord
        {
            ReleaseId = chainId,
            RunId = runId,
            Sequence = Count + 1,
            Step = step,
            RecordedAt = context.CurrentUtcDateTime,
            Actor = actor,
            Decision = decision,
            Summary = summary,
            Policy = policy,
            Data = JsonSerializer.SerializeToElement(data, EvidenceJson.Options),
            PreviousHash = Head,
        };
        (_, Head) = await RedactedEvidence.AppendAsync(context, record, redactor, WorkflowRetries.Transient);
        Count++;
    }
}

/// <summary>
/// The one way a workflow writes evidence (releases, approvals, monitors and incidents all come here): the record is
/// redacted before the activity is called, so personal data never reaches the activity's input, the orchestration
/// history of the call or the store. The store takes what it is given; redaction is the workflow's, where the policy is.
/// </summary>
internal static class RedactedEvidence
{
    /// <returns>The record as written and its hash.</returns>
    public static async Task<(EvidenceRecord Written, string Hash)> AppendAsync(
        TaskOrchestrationContext context, EvidenceRecord record, EvidenceRedactor redactor, TaskOptions retry)
    {
        var written = redactor.Redact(record);
        var hash = await context.CallActivityAsync<string>(nameof(RecordEvidence), written, retry);
        return (written, hash);
    }
}

/// <summary>The retry rule for every activity: transient dependency failures only.</summary>
internal static class WorkflowRetries
{
    public static readonly TaskOptions Transient = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30))
    {
        HandleFailure = failure => failure.IsCausedBy<Ports.TransientDependencyException>(),
    });

    /// <summary>
    /// Notifications are best effort: a few quick attempts, then the failure is recorded and the release goes on (people
    /// can still decide on the web page or through the API, and the reminder, escalation and expiry clocks keep running).
    /// </summary>
    public static readonly TaskOptions Notification = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(4))
    {
        HandleFailure = failure => failure.IsCausedBy<Ports.TransientDependencyException>(),
    });
}

/// <summary>Bounds on event loops, so a flood of commands can never grow an orchestration's history without end.</summary>
internal static class WorkflowLimits
{
    /// <summary>Events one wait will handle (decisions, commands, evidence, reminders) before it gives up.</summary>
    public const int MaxEventsPerWait = 500;
}

/// <summary>Tells approvers something and records that it was sent, to whom, or that it could not be delivered.</summary>
internal static class ApprovalNotices
{
    /// <summary>
    /// Best effort: a notification that cannot be delivered after a few attempts is recorded as <c>failed</c> and the
    /// workflow goes on (people can still decide on the web page or through the API; the reminder, escalation, expiry
    /// and hold deadlines keep running). Returns who was addressed, none on failure.
    /// </summary>
    public static async Task<IReadOnlyList<Ports.DirectoryPerson>> SendAsync(TaskOrchestrationContext context, EvidenceWriter evidence, ApprovalNotice notice, string? note = null)
    {
        IReadOnlyList<Ports.DirectoryPerson> recipients;
        try
        {
            recipients = await context.CallActivityAsync<IReadOnlyList<Ports.DirectoryPerson>>(nameof(NotifyApprovers), notice, WorkflowRetries.Notification);
        }
        catch (TaskFailedException failure)
        {
            await evidence.RecordAsync(
                "notification",
                "failed",
                $"{notice.Kind} could not be delivered: {failure.FailureDetails.ErrorMessage}",
                new { notice.NotificationId, notice.Kind, notice.Roles, error = failure.FailureDetails.ErrorMessage, notice.Deadline, digest = notice.EvidenceDigest, note });
            return [];
        }

        await evidence.RecordAsync(
            "notification",
            notice.Kind.ToString().ToLowerInvariant(),
            $"{notice.Kind} sent to {recipients.Count} people ({string.Join(", ", notice.Roles)})",
            new { notice.NotificationId, notice.Kind, notice.Roles, recipients = recipients.Select(p => new { p.ObjectId, p.Upn }), notice.Deadline, digest = notice.EvidenceDigest, note });
        return recipients;
    }
}
