namespace MlopsFlows.Workflows.Ports;

/// <summary>What protecting a run's evidence achieved.</summary>
public enum ImmutabilityState
{
    /// <summary>Every payload carries a time-based retention policy until the given date.</summary>
    Enforced,

    /// <summary>Configured not to apply storage immutability (locally): the hash chain alone proves integrity.</summary>
    NotEnforcedLocally,

    /// <summary>The storage does not implement immutability policies (Azurite answers 501).</summary>
    NotSupported,
}

/// <summary>The result of <see cref="IEvidenceImmutability.ProtectAsync"/>, in words an auditor can read.</summary>
/// <param name="Stamped">Payloads that carry the retention stamp (tier and until) after the call.</param>
public sealed record ImmutabilityResult(ImmutabilityState State, int Records, DateTimeOffset? Until, string Detail, int Stamped = 0);

/// <summary>
/// Write-once storage (WORM) for evidence payloads, beyond the hash chain that makes tampering visible: in Azure a
/// time-based retention policy on each payload, so nobody can change or delete it before the policy tier's retention ends.
/// </summary>
public interface IEvidenceImmutability
{
    /// <summary>
    /// Stamps every payload of one run of a release with its retention (<paramref name="tier"/> and <paramref name="until"/>,
    /// as blob index tags the storage lifecycle rules act on), then protects it until <paramref name="until"/> where the
    /// storage can. A stamp is never shortened. Repeating it changes nothing.
    /// </summary>
    Task<ImmutabilityResult> ProtectAsync(string releaseId, string runId, DateTimeOffset until, string? tier, CancellationToken cancellationToken);
}
