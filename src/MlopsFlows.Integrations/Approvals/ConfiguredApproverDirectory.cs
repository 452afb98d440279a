using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// The approver directory from configuration (<see cref="ConfiguredApproverDirectoryOptions"/>), for local hosts and
/// small installations until the Microsoft Graph directory (Entra groups) takes over. Object ids and UPNs are matched
/// ignoring case; roles are reported as configured. Changes to the configuration apply to the next lookup.
/// </summary>
public sealed class ConfiguredApproverDirectory(IOptionsMonitor<ConfiguredApproverDirectoryOptions> options) : IApproverDirectory
{
    public Task<DirectoryPerson?> FindAsync(string? objectId, string? upn, CancellationToken cancellationToken)
    {
        // The object id is immutable, so it decides when given; a UPN can be reassigned.
        var person = !string.IsNullOrWhiteSpace(objectId)
            ? People().FirstOrDefault(p => string.Equals(p.ObjectId, objectId.Trim(), StringComparison.OrdinalIgnoreCase))
            : !string.IsNullOrWhiteSpace(upn)
                ? People().FirstOrDefault(p => string.Equals(p.Upn, upn.Trim(), StringComparison.OrdinalIgnoreCase))
                : null;
        return Task.FromResult(person);
    }

    public Task<IReadOnlyList<DirectoryPerson>> MembersAsync(string role, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        IReadOnlyList<DirectoryPerson> members = [.. People().Where(p => p.Roles.Contains(role.Trim(), StringComparer.OrdinalIgnoreCase))];
        return Task.FromResult(members);
    }

    private IEnumerable<DirectoryPerson> People() =>
        options.CurrentValue.People
            .Where(p => !string.IsNullOrWhiteSpace(p.ObjectId) && !string.IsNullOrWhiteSpace(p.Upn))
            .Select(p => new DirectoryPerson(p.ObjectId!.Trim(), p.Upn!.Trim(), [.. p.Roles.Select(r => r.Trim())]));
}
