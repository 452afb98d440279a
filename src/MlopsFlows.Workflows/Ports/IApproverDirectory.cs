namespace MlopsFlows.Workflows.Ports;

/// <summary>A person as the directory knows them.</summary>
/// <param name="ObjectId">The directory's immutable id (Entra object id).</param>
/// <param name="Roles">The policy roles the person holds (from group membership), e.g. <c>model-validation</c>.</param>
public sealed record DirectoryPerson(string ObjectId, string Upn, IReadOnlyList<string> Roles);

/// <summary>
/// Who holds which policy role. Entra groups through Microsoft Graph in Azure; configuration locally.
/// A decision's roles always come from here, never from what the caller claims.
/// </summary>
public interface IApproverDirectory
{
    /// <summary>The person by object id or UPN; null when the directory does not know them.</summary>
    Task<DirectoryPerson?> FindAsync(string? objectId, string? upn, CancellationToken cancellationToken);

    /// <summary>The people holding a role, for notifications.</summary>
    Task<IReadOnlyList<DirectoryPerson>> MembersAsync(string role, CancellationToken cancellationToken);
}
