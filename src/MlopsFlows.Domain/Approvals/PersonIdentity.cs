using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Approvals;

/// <summary>
/// A person as the directory names them: an object id, a UPN, or both. Either may be empty when a channel does not
/// supply it, so two identities are the same person when either field matches (case-insensitive): one person counts
/// once whatever channel they use, and a renamed UPN or a missing object id does not make them somebody else.
/// </summary>
public sealed record PersonIdentity(string? ObjectId, string? Upn)
{
    /// <summary>False when neither field is given: such a person can be checked for nothing and is never admitted.</summary>
    [JsonIgnore]
    public bool IsKnown => !IsBlank(ObjectId) || !IsBlank(Upn);

    public bool IsSamePersonAs(PersonIdentity other) =>
        SameField(ObjectId, other.ObjectId) || SameField(Upn, other.Upn);

    /// <summary>How messages and evidence name the person: the UPN when known, otherwise the object id.</summary>
    [JsonIgnore]
    public string DisplayName => !IsBlank(Upn) ? Upn!.Trim() : !IsBlank(ObjectId) ? ObjectId!.Trim() : "(unknown)";

    private static bool SameField(string? a, string? b) =>
        !IsBlank(a) && !IsBlank(b) && string.Equals(a!.Trim(), b!.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool IsBlank(string? value) => string.IsNullOrWhiteSpace(value);
}
