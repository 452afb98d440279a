using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Workflows.Releases;

/// <summary>Everything a release needs, fixed when it starts (the policy included).</summary>
/// <param name="RunId">Names this run's evidence chain; see <see cref="Domain.Evidence.EvidenceRecord.RunId"/>.</param>
public sealed record ReleaseInput(
    ReleaseKey Key,
    string RunId,
    string ServingEndpoint,
    string RequestedBy,
    ReleasePolicy Policy,
    IReadOnlyList<string> EvidenceRefs,
    DateTimeOffset RequestedAt);

/// <summary>How a release ended.</summary>
public sealed record ReleaseOutcome(ReleaseStage Stage, string Reason, TrafficSplit? FinalTraffic, int EvidenceCount, string? EvidenceHead);

/// <summary>An approver's answer, raised as the <see cref="ReleaseEvents.Decision"/> event.</summary>
/// <param name="Channel">Where the decision came from: <c>http</c>, <c>teams</c>, <c>email</c>, <c>web</c>.</param>
/// <param name="IdentityVerified">Whether the approver's identity was proven by a validated token, not just claimed.</param>
public sealed record ApprovalDecision(bool Approved, string Approver, string? Rationale, DateTimeOffset DecidedAt, string Channel = "http", bool IdentityVerified = false);

/// <summary>An operator's request to stop a release, raised as the <see cref="ReleaseEvents.Cancel"/> event.</summary>
public sealed record CancelRequest(string RequestedBy, string Reason, DateTimeOffset RequestedAt);

/// <summary>External events a release listens for. One name each, defined once.</summary>
public static class ReleaseEvents
{
    public const string Decision = "ApprovalDecision";
    public const string Cancel = "CancelRequested";
}

/// <summary>One stage the release went through, for the step history.</summary>
public sealed record StageEntry(ReleaseStage Stage, DateTimeOffset At, string Note);

/// <summary>
/// The custom status of a release instance: small and typed, so any Durable dashboard shows where a release
/// stands, how traffic is split and what it waits for. Evidence stays out of it (custom status is capped at 16 KB).
/// </summary>
public sealed record ReleaseProgress(
    ReleaseStage Stage,
    string Traffic,
    string? WaitingFor,
    DateTimeOffset? WaitingUntil,
    string Message,
    int EvidenceCount,
    IReadOnlyList<StageEntry> History);
