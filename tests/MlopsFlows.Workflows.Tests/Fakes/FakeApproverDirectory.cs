using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>A directory of people and the policy roles they hold.</summary>
public sealed class FakeApproverDirectory : IApproverDirectory
{
    private readonly ConcurrentDictionary<string, DirectoryPerson> people = new(StringComparer.OrdinalIgnoreCase);

    public DirectoryPerson Add(string upn, params string[] roles)
    {
        var person = new DirectoryPerson($"oid-{upn.Split('@')[0]}", upn, roles);
        people[upn] = person;
        return person;
    }

    public Task<DirectoryPerson?> FindAsync(string? objectId, string? upn, CancellationToken cancellationToken) =>
        Task.FromResult(people.Values.FirstOrDefault(p =>
            (objectId is not null && string.Equals(p.ObjectId, objectId, StringComparison.OrdinalIgnoreCase))
            || (upn is not null && string.Equals(p.Upn, upn, StringComparison.OrdinalIgnoreCase))));

    public Task<IReadOnlyList<DirectoryPerson>> MembersAsync(string role, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DirectoryPerson>>(
            [.. people.Values.Where(p => p.Roles.Contains(role, StringComparer.OrdinalIgnoreCase)).OrderBy(p => p.Upn, StringComparer.Ordinal)]);
}
