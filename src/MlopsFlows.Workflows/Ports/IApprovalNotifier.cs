namespace MlopsFlows.Workflows.Ports;

/// <summary>Why approvers are being told something.</summary>
public enum ApprovalNotificationKind
{
    /// <summary>A release waits for their decision.</summary>
    Request,

    /// <summary>It still waits; they have not answered.</summary>
    Reminder,

    /// <summary>The backup group is asked as well.</summary>
    Escalation,

    /// <summary>The approval is over (approved, rejected, expired, stopped): cards shown earlier are refreshed.</summary>
    Outcome,

    /// <summary>A canary step is inconclusive and holds until a person decides.</summary>
    HoldDecision,
}

/// <summary>What approvers are told. <see cref="NotificationId"/> is deterministic so a repeated send can be deduplicated.</summary>
/// <param name="Recipients">The people addressed, from the directory.</param>
/// <param name="Roles">The roles whose seats are still open.</param>
/// <param name="EvidenceDigest">The evidence digest the approver is shown; a decision must carry it back.</param>
/// <param name="Summary">Gate results or the outcome, one line each.</param>
public sealed record ApprovalRequest(
    string NotificationId,
    ApprovalNotificationKind Kind,
    string ReleaseId,
    string Model,
    int Version,
    string Environment,
    string RequestedBy,
    string RiskTier,
    DateTimeOffset Deadline,
    IReadOnlyList<DirectoryPerson> Recipients,
    IReadOnlyList<string> Roles,
    string EvidenceDigest,
    IReadOnlyList<string> Summary);

/// <summary>Reaches approvers (Teams, email, …). Must tolerate being called twice with the same notification.</summary>
public interface IApprovalNotifier
{
    Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
