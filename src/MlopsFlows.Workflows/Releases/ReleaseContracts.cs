using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Everything a release needs, fixed when it starts. The tier, and so the policy, is resolved by the workflow from the inventory.</summary>
/// <param name="RunId">Names this run's evidence chain; see <see cref="Domain.Evidence.EvidenceRecord.RunId"/>.</param>
/// <param name="Policies">The policy set in force when the release was requested (every tier), bound by its content hash.</param>
/// <param name="RequestedTier">A tier the request asks for; it may raise the inventory's tier, never lower it.</param>
public sealed record ReleaseInput(
    ReleaseKey Key,
    string RunId,
    string ServingEndpoint,
    string RequestedBy,
    PolicySet Policies,
    string? RequestedTier,
    IReadOnlyList<string> EvidenceRefs,
    DateTimeOffset RequestedAt);

/// <summary>How a release ended.</summary>
/// <param name="RollbackTarget">The version that was champion before a promotion, kept as the alias <c>previous</c>.</param>
public sealed record ReleaseOutcome(ReleaseStage Stage, string Reason, TrafficSplit? FinalTraffic, int EvidenceCount, string? EvidenceHead, int? RollbackTarget = null);

/// <summary>
/// A person's answer, raised as the <see cref="ReleaseEvents.Decision"/> event: a vote while the release waits for
/// approval, or the decision on an inconclusive canary step (approve = go on, reject = roll back).
/// </summary>
/// <param name="Approver">The person's UPN (or the name a caller claimed, when <paramref name="IdentityVerified"/> is false).</param>
/// <param name="ObjectId">The person's directory object id, when known.</param>
/// <param name="Channel">Where the decision came from: <c>http</c>, <c>teams</c>, <c>email</c>, <c>web</c>.</param>
/// <param name="IdentityVerified">Whether the identity was proven by a validated token, not just claimed.</param>
/// <param name="EvidenceDigest">The evidence digest the person was shown; an approval counts only for the current one.</param>
public sealed record ApprovalDecision(
    bool Approved,
    string Approver,
    string? Rationale,
    DateTimeOffset DecidedAt,
    string Channel = "http",
    bool IdentityVerified = false,
    string? ObjectId = null,
    string? EvidenceDigest = null);

/// <summary>An authorised person's command, raised as the <see cref="ReleaseEvents.Oversight"/> event. A rationale is mandatory.</summary>
/// <param name="Target">For an override: <c>approval</c> (grant it) or <c>step</c> (pass the current deployment step now).</param>
public sealed record OversightRequest(
    OversightCommandKind Kind,
    string RequestedBy,
    string Rationale,
    DateTimeOffset RequestedAt,
    string? ObjectId = null,
    string Channel = "http",
    bool IdentityVerified = false,
    string? Target = null);

/// <summary>New evidence attached to a waiting release (e.g. a re-run validation); approvals given before it no longer count.</summary>
public sealed record EvidenceAddition(IReadOnlyList<string> EvidenceRefs, string AddedBy, string Note, DateTimeOffset AddedAt);

/// <summary>External events a release listens for. One name each, defined once.</summary>
public static class ReleaseEvents
{
    public const string Decision = "ApprovalDecision";
    public const string Oversight = "OversightCommand";
    public const string EvidenceAdded = "EvidenceAdded";

    /// <summary>Sent by the approval to its release once it runs: from then on the release forwards what people send.</summary>
    public const string ApprovalOpened = "ApprovalOpened";
}

/// <summary>One stage the release went through, for the step history.</summary>
public sealed record StageEntry(ReleaseStage Stage, DateTimeOffset At, string Note);

/// <summary>
/// The custom status of a release instance: small and typed, so any Durable dashboard shows where a release
/// stands, how traffic is split and what it waits for. Evidence stays out of it (custom status is capped at 16 KB).
/// </summary>
/// <param name="WaitingFor">What the release waits for now, e.g. <c>approval</c> or <c>step decision</c>.</param>
/// <param name="EvidenceDigest">The digest an approver must be shown (and send back) for a decision to count.</param>
/// <param name="OutstandingRoles">Approval seats still open, by role.</param>
public sealed record ReleaseProgress(
    ReleaseStage Stage,
    string Traffic,
    string? WaitingFor,
    DateTimeOffset? WaitingUntil,
    string Message,
    int EvidenceCount,
    IReadOnlyList<StageEntry> History,
    string? RiskTier = null,
    string? DeploymentMode = null,
    bool Paused = false,
    string? EvidenceDigest = null,
    IReadOnlyList<string>? OutstandingRoles = null,
    IReadOnlyList<string>? Approvers = null);

/// <summary>Names of what a release waits for, in <see cref="ReleaseProgress.WaitingFor"/>.</summary>
public static class ReleaseWaits
{
    public const string Approval = "approval";
    public const string StepDecision = "step decision";
    public const string Resume = "resume";
}
