using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Workflows.Ports;

/// <summary>A release asking for the one in-flight place of its model and environment.</summary>
/// <param name="RequestedAt">When the release was asked for; with <paramref name="RunId"/> it names the ledger row.</param>
public sealed record ReleaseClaim(ReleaseKey Key, string RunId, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>How a release ended, as the workflow reports it.</summary>
/// <param name="EvidenceCount">Records in the run's chain (null when unknown: a run closed for its workflow); <c>verify</c> compares.</param>
public sealed record ReleaseEnding(
    ReleaseKey Key,
    string RunId,
    DateTimeOffset RequestedAt,
    string Outcome,
    string Reason,
    DateTimeOffset EndedAt,
    int? EvidenceCount,
    string? EvidenceHead);

/// <summary>One release as the ledger knows it. <see cref="Status"/> is <see cref="ReleaseLedgerStatus.InFlight"/> or the outcome.</summary>
public sealed record ReleaseLedgerEntry(
    string ReleaseId,
    string Model,
    int Version,
    string Environment,
    string RunId,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string Status,
    string? Reason,
    DateTimeOffset? EndedAt,
    int? EvidenceCount,
    string? EvidenceHead);

/// <summary>What a claim found: the place was free (or already this release's), or another release holds it.</summary>
/// <param name="Holder">The release in flight now: this one when <see cref="Claimed"/>, the other one otherwise.</param>
public sealed record ClaimResult(bool Claimed, bool Created, ReleaseLedgerEntry Holder);

public static class ReleaseLedgerStatus
{
    public const string InFlight = nameof(InFlight);
}

/// <summary>
/// The book of releases: who was released where, by whom, how it ended; and the guard that at most one version of a
/// model is in flight per environment. Claims and endings are atomic against concurrent callers.
/// </summary>
public interface IReleaseLedger
{
    /// <summary>
    /// Takes the in-flight place of the claim's model and environment. Idempotent for the same release (the same
    /// model, version and environment): a second claim returns the first one's entry, run id included.
    /// </summary>
    Task<ClaimResult> ClaimAsync(ReleaseClaim claim, CancellationToken cancellationToken);

    /// <summary>Records the outcome and frees the place if this run holds it. Repeating it changes nothing.</summary>
    Task<ReleaseLedgerEntry> EndAsync(ReleaseEnding ending, CancellationToken cancellationToken);

    /// <summary>The release in flight for a model and environment, if any.</summary>
    Task<ReleaseLedgerEntry?> FindInFlightAsync(string model, string environment, CancellationToken cancellationToken);

    /// <summary>A model's releases to one environment, newest first.</summary>
    Task<IReadOnlyList<ReleaseLedgerEntry>> ListAsync(string model, string environment, int top, CancellationToken cancellationToken);

    /// <summary>Releases with one status (<see cref="ReleaseLedgerStatus.InFlight"/> or an outcome), newest first, across models.</summary>
    Task<IReadOnlyList<ReleaseLedgerEntry>> ListByStatusAsync(string status, int top, CancellationToken cancellationToken);

    /// <summary>Releases that ended with <paramref name="status"/> at or after <paramref name="endedFrom"/> and before <paramref name="endedBefore"/>, newest request first.</summary>
    Task<IReadOnlyList<ReleaseLedgerEntry>> ListEndedAsync(string status, DateTimeOffset endedFrom, DateTimeOffset endedBefore, int top, CancellationToken cancellationToken);

    /// <summary>The ledger's entry of one run of a release, if it has one.</summary>
    Task<ReleaseLedgerEntry?> FindRunAsync(string releaseId, string runId, CancellationToken cancellationToken);
}
