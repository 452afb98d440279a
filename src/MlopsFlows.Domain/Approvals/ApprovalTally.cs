using System.Text.Json.Serialization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Approvals;

// Enums are stored by name so approval state held by in-flight workflows survives reordering them.
[JsonConverter(typeof(JsonStringEnumConverter<ApprovalOutcome>))]
public enum ApprovalOutcome
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>What became of a vote: counted, a rejection that ends the approval, or refused for the reason named.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VoteAdmission>))]
public enum VoteAdmission
{
    /// <summary>The approval counts towards a seat.</summary>
    Counted,

    /// <summary>A valid rejection: the approval ends, rejected.</summary>
    Rejected,

    /// <summary>The voter requested the release (when the policy excludes the requester).</summary>
    SelfApproval,

    /// <summary>The voter developed the model (when the policy excludes the developer).</summary>
    Developer,

    /// <summary>The voter holds no role a rule names, nor the escalation role once escalated.</summary>
    NotInRole,

    /// <summary>The voter holds a rule's role, but every seat they could fill is already taken by others.</summary>
    SeatsFilled,

    /// <summary>The same person has already been counted, on this channel or another.</summary>
    Duplicate,

    /// <summary>The approval was given on evidence other than the current evidence (rejections are not bound to it).</summary>
    StaleDigest,

    /// <summary>The policy requires a rationale and the vote carries none.</summary>
    MissingRationale,

    /// <summary>The tally requires a verified identity and the channel did not verify it.</summary>
    Unverified,

    /// <summary>The vote names neither an object id nor a UPN, so nothing about the voter can be checked.</summary>
    MissingIdentity,

    /// <summary>The approval is already approved or rejected.</summary>
    Decided,
}

/// <summary>One vote and what became of it; every attempt is kept, refused ones included, for the record.</summary>
/// <param name="Superseded">A counted approval that no longer counts because the evidence changed after it.</param>
public sealed record VoteAttempt(ApprovalVote Vote, VoteAdmission Admission, string Reason, bool Superseded = false)
{
    [JsonIgnore]
    public bool IsRefused => Admission is not (VoteAdmission.Counted or VoteAdmission.Rejected);
}

/// <summary>The tally after a vote, and the attempt for the workflow to record.</summary>
public sealed record TallyUpdate(ApprovalTally Tally, VoteAttempt Attempt);

/// <summary>A rule's seat and the approval filling it.</summary>
/// <param name="ViaEscalation">The approver holds only the escalation role, not the rule's.</param>
public sealed record SeatAssignment(string Role, ApprovalVote Vote, bool ViaEscalation);

/// <summary>
/// The state of one release's approval: N-of-M by role, segregation of duties, and the evidence the votes are bound to.
/// </summary>
/// <remarks>
/// Immutable and plain so the approval workflow can keep it as its state and System.Text.Json can carry it through
/// history: only facts are stored (policy, identities, digest, attempts); outcome, seats and outstanding roles are
/// derived from them on every read, never cached, so a copy made with <c>with</c> cannot carry a stale answer.
/// Nothing here reads a clock: times come in on the votes.
/// </remarks>
public sealed record ApprovalTally
{
    public required ApprovalPolicy Policy { get; init; }

    public required PersonIdentity Requester { get; init; }

    /// <summary>The model's developer (the training run's owner); null when unknown.</summary>
    public PersonIdentity? Developer { get; init; }

    /// <summary>The digest of the evidence approvers are shown now; votes cast on another digest are stale.</summary>
    public required string EvidenceDigest { get; init; }

    /// <summary>
    /// Refuse votes whose channel did not verify the voter's identity. Off by default because channel token
    /// verification arrives in a later issue; until then every channel reports unverified and nobody could approve.
    /// </summary>
    public bool RequireVerifiedIdentity { get; init; }

    /// <summary>The approval has escalated: holders of the policy's escalation role may fill any rule's seat.</summary>
    public bool Escalated { get; init; }

    /// <summary>Every vote received, in order, with what became of it.</summary>
    public IReadOnlyList<VoteAttempt> Attempts { get; init; } = [];

    public static ApprovalTally Open(
        ApprovalPolicy policy,
        PersonIdentity requester,
        PersonIdentity? developer,
        string evidenceDigest,
        bool requireVerifiedIdentity = false)
    {
        // An approval nobody can give, or one that is given by default, is a broken policy: fail loudly, never approve.
        if (policy.Rules.Any(rule => rule.Count < 0 || string.IsNullOrWhiteSpace(rule.Role)) || policy.Rules.Sum(rule => rule.Count) == 0)
        {
            throw new ArgumentException("The approval policy needs at least one rule, each naming a role and a count of zero or more.", nameof(policy));
        }

        if (!requester.IsKnown)
        {
            throw new ArgumentException("The requester needs an object id or a UPN.", nameof(requester));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(evidenceDigest);
        return new ApprovalTally
        {
            Policy = policy,
            Requester = requester,
            Developer = developer is { IsKnown: true } ? developer : null,
            EvidenceDigest = evidenceDigest,
            RequireVerifiedIdentity = requireVerifiedIdentity,
        };
    }

    [JsonIgnore]
    public ApprovalOutcome Outcome =>
        Rejection is not null ? ApprovalOutcome.Rejected
        : SeatsOutstanding == 0 ? ApprovalOutcome.Approved
        : ApprovalOutcome.Pending;

    /// <summary>The rejection that ended the approval (its vote carries the rationale); null when none.</summary>
    [JsonIgnore]
    public VoteAttempt? Rejection => Attempts.FirstOrDefault(attempt => attempt.Admission == VoteAdmission.Rejected);

    /// <summary>The approvals that count on the current evidence, in the order they came.</summary>
    [JsonIgnore]
    public IReadOnlyList<VoteAttempt> Counted =>
        [.. Attempts.Where(attempt => attempt.Admission == VoteAdmission.Counted && !attempt.Superseded)];

    /// <summary>Who has approved on the current evidence: leave them out of reminders.</summary>
    [JsonIgnore]
    public IReadOnlyList<PersonIdentity> Approvers => [.. Counted.Select(attempt => attempt.Vote.Voter)];

    /// <summary>Each filled seat and who fills it, in rule order; complete when <see cref="Outcome"/> is approved.</summary>
    [JsonIgnore]
    public IReadOnlyList<SeatAssignment> Assignment
    {
        get
        {
            var votes = Counted.Select(attempt => attempt.Vote).ToList();
            var seats = Seats;
            var owner = Match(votes, seats);
            return
            [
                .. seats
                    .Select((role, seat) => (role, person: owner[seat]))
                    .Where(filled => filled.person >= 0)
                    .Select(filled => new SeatAssignment(filled.role, votes[filled.person], !Holds(votes[filled.person], filled.role))),
            ];
        }
    }

    [JsonIgnore]
    public int SeatsOutstanding
    {
        get
        {
            var votes = Counted.Select(attempt => attempt.Vote).ToList();
            return Match(votes, Seats).Count(person => person < 0);
        }
    }

    /// <summary>
    /// Roles whose holders would still be counted, for reminders. With someone holding two roles in one seat, both
    /// roles can be outstanding: whichever arrives, they move to the other seat.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<string> OutstandingRoles
    {
        get
        {
            var votes = Counted.Select(attempt => attempt.Vote).ToList();
            var filled = Match(votes, Seats).Count(person => person >= 0);
            return
            [
                .. Seats
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .Where(role => Filled(Probe(role, votes)) > filled),
            ];
        }
    }

    /// <summary>Judges a vote and returns the new tally with the attempt recorded, whatever became of it.</summary>
    public TallyUpdate Apply(ApprovalVote vote)
    {
        var (admission, reason) = Admit(vote);
        var attempt = new VoteAttempt(vote, admission, reason);
        return new TallyUpdate(this with { Attempts = [.. Attempts, attempt] }, attempt);
    }

    /// <summary>From now on holders of the policy's escalation role may fill any rule's seat.</summary>
    public ApprovalTally Escalate() => Escalated ? this : this with { Escalated = true };

    /// <summary>
    /// The evidence changed: approvals cast on the old evidence stop counting (kept, marked superseded) and the
    /// approval is pending again. A rejection stays final: new evidence does not undo someone's no.
    /// </summary>
    public ApprovalTally Rebase(string newDigest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newDigest);
        if (string.Equals(newDigest, EvidenceDigest, StringComparison.Ordinal))
        {
            return this;
        }

        return this with
        {
            EvidenceDigest = newDigest,
            Attempts =
            [
                .. Attempts.Select(attempt => attempt.Admission == VoteAdmission.Counted ? attempt with { Superseded = true } : attempt),
            ],
        };
    }

    private (VoteAdmission Admission, string Reason) Admit(ApprovalVote vote)
    {
        var voter = vote.Voter;
        var name = voter.DisplayName;
        var counted = Counted.Select(attempt => attempt.Vote).ToList();
        if (Outcome != ApprovalOutcome.Pending)
        {
            return (VoteAdmission.Decided, $"the approval is already {Outcome.ToString().ToLowerInvariant()}");
        }

        if (!voter.IsKnown)
        {
            return (VoteAdmission.MissingIdentity, "the vote names neither an object id nor a UPN");
        }

        if (RequireVerifiedIdentity && !vote.IdentityVerified)
        {
            return (VoteAdmission.Unverified, $"{name}'s identity was not verified on channel {vote.Channel}");
        }

        // Segregation of duties comes before every other check so an attempt to approve one's own work is always recorded as such.
        if (Policy.ExcludeRequester && voter.IsSamePersonAs(Requester))
        {
            return (VoteAdmission.SelfApproval, $"{name} requested this release and may not decide on it");
        }

        if (Policy.ExcludeDeveloper && Developer is not null && voter.IsSamePersonAs(Developer))
        {
            return (VoteAdmission.Developer, $"{name} developed this model and may not decide on it");
        }

        if (counted.Any(earlier => earlier.Voter.IsSamePersonAs(voter)))
        {
            return (VoteAdmission.Duplicate, $"{name} has already been counted");
        }

        if (!Seats.Any(role => CanFill(vote, role)))
        {
            return (VoteAdmission.NotInRole, $"{name} holds none of the roles asked ({string.Join(", ", EligibleRoles)})");
        }

        // An approval vouches for the evidence it was shown; a rejection stands whatever evidence prompted it.
        if (vote.Approve && !string.Equals(vote.EvidenceDigest, EvidenceDigest, StringComparison.Ordinal))
        {
            return (VoteAdmission.StaleDigest, $"{name} voted on evidence {Abbreviate(vote.EvidenceDigest)}, the evidence is now {Abbreviate(EvidenceDigest)}");
        }

        if (Policy.RationaleRequired && string.IsNullOrWhiteSpace(vote.Rationale))
        {
            return (VoteAdmission.MissingRationale, $"the policy requires a rationale and {name} gave none");
        }

        if (!vote.Approve)
        {
            return (VoteAdmission.Rejected, $"{name} rejected the release: {vote.Rationale ?? "(no rationale)"}");
        }

        // Max matching never shrinks as people are added, so someone who fills no seat now never will (until a rebase clears the seats).
        if (Filled([.. counted, vote]) == Filled(counted))
        {
            return (VoteAdmission.SeatsFilled, $"every seat {name} could fill is already taken");
        }

        return (VoteAdmission.Counted, $"{name} approved");
    }

    // One entry per seat: a rule of count n gives n seats of its role, in rule order.
    private List<string> Seats => [.. Policy.Rules.SelectMany(rule => Enumerable.Repeat(rule.Role, Math.Max(rule.Count, 0)))];

    private IEnumerable<string> EligibleRoles =>
        Seats.Concat(Escalated && !string.IsNullOrWhiteSpace(Policy.EscalationRole) ? [Policy.EscalationRole] : [])
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private int[] Match(List<ApprovalVote> votes, List<string> seats) =>
        SeatMatching.Match(votes.Count, seats.Count, (person, seat) => CanFill(votes[person], seats[seat]));

    private int Filled(List<ApprovalVote> votes) => Match(votes, Seats).Count(person => person >= 0);

    // A stand-in voter holding only the given role, to ask whether such a person would still be counted.
    private static List<ApprovalVote> Probe(string role, List<ApprovalVote> votes) =>
        [.. votes, new ApprovalVote(string.Empty, string.Empty, true, null, string.Empty, false, string.Empty, default) { Roles = [role] }];

    private bool CanFill(ApprovalVote vote, string seatRole) =>
        Holds(vote, seatRole)
        || (Escalated && !string.IsNullOrWhiteSpace(Policy.EscalationRole) && Holds(vote, Policy.EscalationRole));

    // Roles may be missing from a hand-written or older payload; treat that as holding none.
    private static bool Holds(ApprovalVote vote, string role) =>
        (vote.Roles ?? []).Contains(role, StringComparer.OrdinalIgnoreCase);

    private static string Abbreviate(string digest) => digest.Length > 12 ? digest[..12] + "…" : $"\"{digest}\"";
}
