using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// The approvers a <see cref="ConfiguredApproverDirectory"/> knows. Bound from <c>MlopsFlows:Approvers</c>, a list:
/// <code>
/// "Approvers": [
///   { "objectId": "6f1c…", "upn": "ada@contoso.com", "roles": [ "model-validation" ] },
///   { "objectId": "0b2e…", "upn": "grace@contoso.com", "roles": [ "risk", "model-validation" ] }
/// ]
/// </code>
/// </summary>
public sealed class ConfiguredApproverDirectoryOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Approvers";

    /// <summary>The people; default none, so nobody can approve. Keys: <c>MlopsFlows:Approvers:{n}:ObjectId|Upn|Roles:{m}</c>.</summary>
    public IList<ConfiguredApprover> People { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var objectIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var upns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < People.Count; i++)
        {
            var person = People[i];
            if (string.IsNullOrWhiteSpace(person.ObjectId) || string.IsNullOrWhiteSpace(person.Upn))
            {
                yield return new ValidationResult($"Approver {i} needs both an objectId and a upn.", [nameof(People)]);
            }
            else if (!objectIds.Add(person.ObjectId.Trim()) || !upns.Add(person.Upn.Trim()))
            {
                // One person counts once: two entries for one identity would let them hold two seats.
                yield return new ValidationResult($"Approver {i} ({person.Upn}) repeats an objectId or upn of an earlier entry.", [nameof(People)]);
            }

            if (person.Roles.Any(string.IsNullOrWhiteSpace))
            {
                yield return new ValidationResult($"Approver {i} ({person.Upn}) has a blank role.", [nameof(People)]);
            }
        }
    }
}

/// <summary>One configured approver.</summary>
public sealed class ConfiguredApprover
{
    /// <summary>The Entra object id (the identity a verified token carries as <c>oid</c>). Required.</summary>
    public string? ObjectId { get; set; }

    /// <summary>The user principal name. Required.</summary>
    public string? Upn { get; set; }

    /// <summary>The policy roles the person holds, e.g. <c>model-validation</c>, <c>risk</c>.</summary>
    public IList<string> Roles { get; } = [];
}
