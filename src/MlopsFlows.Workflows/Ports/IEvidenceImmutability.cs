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
public sealed record ImmutabilityResult(ImmutabilityState State, int Records, DateTimeOffset? Until, string Detail);

/// <summary>
/// Write-once storage (WORM) for evidence payloads, beyond the hash chain that makes tampering visible: in Azure a
/// time-based retention policy on each payload, so nobody can change or delete it before the policy tier's retention ends.
/// </summary>
public interface IEvidenceImmutability
{
    /// <summary>Protects every payload of one run of a release until <paramref name="until"/>. Repeating it changes nothing.</summary>
    Task<ImmutabilityResult> ProtectAsync(string releaseId, string runId, DateTimeOffset until, CancellationToken cancellationToken);
}
