using System.Text.Json.Serialization;

namespace MlopsFlows.Domain.Approvals;

/// <summary>
/// One person's answer to an approval request, as it arrived from a channel (Teams, e-mail, API, CLI).
/// </summary>
/// <param name="ObjectId">The voter's directory object id; empty when the channel does not supply it.</param>
/// <param name="Upn">The voter's user principal name; empty when the channel does not supply it.</param>
/// <param name="Approve">True to approve, false to reject.</param>
/// <param name="Channel">Where the vote came from, recorded as evidence only: it never makes a second vote count.</param>
/// <param name="IdentityVerified">The channel verified who the voter is (e.g. a validated token).</param>
/// <param name="EvidenceDigest">The evidence digest the voter was shown; see <see cref="Approvals.EvidenceDigest"/>.</param>
/// <param name="At">When the vote was cast, from the workflow's clock.</param>
public sealed record ApprovalVote(
    string ObjectId,
    string Upn,
    bool Approve,
    string? Rationale,
    string Channel,
    bool IdentityVerified,
    string EvidenceDigest,
    DateTimeOffset At)
{
    /// <summary>
    /// Roles the voter holds, resolved by the workflow from the directory before the vote reaches the tally;
    /// never the voter's own claim. Compared case-insensitively.
    /// </summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    [JsonIgnore]
    public PersonIdentity Voter => new(ObjectId, Upn);
}
