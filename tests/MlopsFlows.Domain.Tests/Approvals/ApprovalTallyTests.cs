using System.Text.Json;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Approvals;

public class ApprovalTallyTests
{
    private const string Validation = "model-validation";
    private const string Risk = "risk";
    private const string Backup = "release-backup";
    private static readonly string Digest = EvidenceDigest.Of(["a1", "b2"]);
    private static readonly string NewDigest = EvidenceDigest.Of(["a1", "b2", "c3"]);
    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly PersonIdentity Requester = new("oid-req", "req@example.com");
    private static readonly PersonIdentity Developer = new("oid-dev", "dev@example.com");

    /// <summary>The high tier's shape: one from model validation and one from risk, neither the requester nor the developer.</summary>
    private static readonly ApprovalPolicy High = new()
    {
        Rules = [new ApprovalRule(Validation, 1), new ApprovalRule(Risk, 1)],
        ExcludeRequester = true,
        ExcludeDeveloper = true,
        RationaleRequired = true,
        EscalationRole = Backup,
    };

    private static ApprovalTally Open(ApprovalPolicy? policy = null, bool requireVerifiedIdentity = false) =>
        ApprovalTally.Open(policy ?? High, Requester, Developer, Digest, requireVerifiedIdentity);

    private static ApprovalVote Vote(string name, params string[] roles) =>
        new($"oid-{name}", $"{name}@example.com", true, "validation report reviewed", "teams", true, Digest, At.AddMinutes(name.Length)) { Roles = roles };

    private static ApprovalVote Reject(string name, string rationale, params string[] roles) =>
        Vote(name, roles) with { Approve = false, Rationale = rationale };

    private static ApprovalTally ApplyAll(ApprovalTally tally, params ApprovalVote[] votes)
    {
        foreach (var vote in votes)
        {
            tally = tally.Apply(vote).Tally;
        }

        return tally;
    }

    private static VoteAdmission AdmissionOf(ApprovalTally tally, ApprovalVote vote) => tally.Apply(vote).Attempt.Admission;

    [Fact]
    public void Apply_DistinctValidatorAndRiskOfficer_ApprovesWithOnePersonPerSeat()
    {
        var (tally, first) = Open().Apply(Vote("vera", Validation));
        Assert.Equal(VoteAdmission.Counted, first.Admission);
        Assert.Equal(ApprovalOutcome.Pending, tally.Outcome);
        Assert.Equal([Risk], tally.OutstandingRoles);

        (tally, var second) = tally.Apply(Vote("rita", Risk));

        Assert.Equal(VoteAdmission.Counted, second.Admission);
        Assert.Equal(ApprovalOutcome.Approved, tally.Outcome);
        Assert.Empty(tally.OutstandingRoles);
        Assert.Equal(0, tally.SeatsOutstanding);
        Assert.Equal(
            [(Validation, "vera@example.com", false), (Risk, "rita@example.com", false)],
            tally.Assignment.Select(seat => (seat.Role, seat.Vote.Upn, seat.ViaEscalation)));
        Assert.Equal(["vera@example.com", "rita@example.com"], tally.Approvers.Select(person => person.Upn));
    }

    [Fact]
    public void Apply_OnePersonHoldingBothRoles_FillsOnlyOneSeat()
    {
        var tally = ApplyAll(Open(), Vote("ada", Validation, Risk));

        Assert.Equal(ApprovalOutcome.Pending, tally.Outcome);
        Assert.Equal(1, tally.SeatsOutstanding);
        Assert.Single(tally.Assignment);

        // Either role completes it: ada moves to whichever seat the newcomer cannot take.
        Assert.Equal([Validation, Risk], tally.OutstandingRoles);
    }

    [Theory]
    [InlineData("oid-ada", "ada@example.com", "email")]
    [InlineData("OID-ADA", "other-upn@example.com", "email")]
    [InlineData("", "ADA@example.com", "cli")]
    [InlineData("oid-ada", "", "api")]
    public void Apply_SamePersonAgainOnAnotherChannel_IsDuplicate(string objectId, string upn, string channel)
    {
        var tally = ApplyAll(Open(), Vote("ada", Validation, Risk));

        var (after, attempt) = tally.Apply(Vote("ada", Validation, Risk) with { ObjectId = objectId, Upn = upn, Channel = channel });

        Assert.Equal(VoteAdmission.Duplicate, attempt.Admission);
        Assert.True(attempt.IsRefused);
        Assert.Equal(ApprovalOutcome.Pending, after.Outcome);
        Assert.Single(after.Counted);
        Assert.Equal(2, after.Attempts.Count);
    }

    [Theory]
    [InlineData("oid-req", "req@example.com")]
    [InlineData("", "REQ@example.com")]
    [InlineData("oid-req", "")]
    public void Apply_Requester_IsRefusedAsSelfApprovalAndRecorded(string objectId, string upn)
    {
        var vote = Vote("x", Validation, Risk) with { ObjectId = objectId, Upn = upn };

        var (tally, attempt) = Open().Apply(vote);

        Assert.Equal(VoteAdmission.SelfApproval, attempt.Admission);
        Assert.Equal(attempt, Assert.Single(tally.Attempts));
        Assert.Empty(tally.Counted);
    }

    [Fact]
    public void Apply_RequesterWhenPolicyAllowsIt_IsCounted()
    {
        var vote = Vote("x", Validation) with { ObjectId = "oid-req", Upn = "req@example.com" };

        Assert.Equal(VoteAdmission.Counted, AdmissionOf(Open(High with { ExcludeRequester = false }), vote));
    }

    [Fact]
    public void Apply_Developer_IsRefused()
    {
        var vote = Vote("x", Validation) with { ObjectId = "oid-dev", Upn = "dev@example.com" };

        Assert.Equal(VoteAdmission.Developer, AdmissionOf(Open(), vote));
        Assert.Equal(VoteAdmission.Counted, AdmissionOf(Open(High with { ExcludeDeveloper = false }), vote));
        Assert.Equal(VoteAdmission.Counted, AdmissionOf(ApprovalTally.Open(High, Requester, null, Digest), vote));
    }

    [Fact]
    public void Apply_NonMember_IsRefusedAsNotInRole()
    {
        Assert.Equal(VoteAdmission.NotInRole, AdmissionOf(Open(), Vote("nina", "data-science")));
        Assert.Equal(VoteAdmission.NotInRole, AdmissionOf(Open(), Vote("nina")));
    }

    [Fact]
    public void Apply_RoleInOtherCase_IsCounted()
    {
        Assert.Equal(VoteAdmission.Counted, AdmissionOf(Open(), Vote("vera", "Model-Validation")));
    }

    [Fact]
    public void Apply_SecondHolderOfAFilledRole_IsRefusedAsSeatsFilled()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation));

        var (after, attempt) = tally.Apply(Vote("victor", Validation));

        Assert.Equal(VoteAdmission.SeatsFilled, attempt.Admission);
        Assert.Equal([Risk], after.OutstandingRoles);
    }

    [Fact]
    public void Apply_Rejection_EndsTheApprovalWithItsRationale()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation));

        var (after, attempt) = tally.Apply(Reject("rita", "PD model under-predicts on thin-file applicants", Risk));

        Assert.Equal(VoteAdmission.Rejected, attempt.Admission);
        Assert.False(attempt.IsRefused);
        Assert.Equal(ApprovalOutcome.Rejected, after.Outcome);
        Assert.Equal("PD model under-predicts on thin-file applicants", after.Rejection?.Vote.Rationale);
        Assert.Equal(VoteAdmission.Decided, AdmissionOf(after, Vote("raj", Risk)));
    }

    [Fact]
    public void Apply_RejectionFromHolderOfAFilledRole_StillEndsTheApproval()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation));

        Assert.Equal(VoteAdmission.Rejected, AdmissionOf(tally, Reject("victor", "calibration drifted", Validation)));
    }

    [Fact]
    public void Apply_RefusedRejection_EndsNothing()
    {
        var requesterRejects = Reject("x", "changed my mind", Risk) with { ObjectId = "oid-req", Upn = "req@example.com" };

        var tally = ApplyAll(Open(), requesterRejects, Reject("nina", "do not like it", "data-science"), Reject("rita", " ", Risk));

        Assert.Equal(
            [VoteAdmission.SelfApproval, VoteAdmission.NotInRole, VoteAdmission.MissingRationale],
            tally.Attempts.Select(attempt => attempt.Admission));
        Assert.Equal(ApprovalOutcome.Pending, tally.Outcome);
        Assert.Null(tally.Rejection);
        Assert.Equal(ApprovalOutcome.Approved, ApplyAll(tally, Vote("vera", Validation), Vote("rita", Risk)).Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Apply_NoRationaleWhenRequired_IsRefused(string? rationale)
    {
        Assert.Equal(VoteAdmission.MissingRationale, AdmissionOf(Open(), Vote("vera", Validation) with { Rationale = rationale }));
        Assert.Equal(VoteAdmission.MissingRationale, AdmissionOf(Open(), Reject("rita", "x", Risk) with { Rationale = rationale }));
    }

    [Fact]
    public void Apply_NoRationaleWhenNotRequired_IsCounted()
    {
        var tally = Open(High with { RationaleRequired = false });

        Assert.Equal(VoteAdmission.Counted, AdmissionOf(tally, Vote("vera", Validation) with { Rationale = null }));
        Assert.Equal(VoteAdmission.Rejected, AdmissionOf(tally, Reject("rita", "x", Risk) with { Rationale = null }));
    }

    [Fact]
    public void Apply_VoteOnOtherEvidence_IsRefusedAsStale()
    {
        var (tally, attempt) = Open().Apply(Vote("vera", Validation) with { EvidenceDigest = NewDigest });

        Assert.Equal(VoteAdmission.StaleDigest, attempt.Admission);
        Assert.Empty(tally.Counted);
    }

    [Fact]
    public void Apply_RejectionOnOtherOrNoEvidence_StillEndsTheApproval()
    {
        Assert.Equal(VoteAdmission.Rejected, AdmissionOf(Open(), Reject("rita", "model card is wrong", Risk) with { EvidenceDigest = NewDigest }));
        Assert.Equal(VoteAdmission.Rejected, AdmissionOf(Open(), Reject("rita", "model card is wrong", Risk) with { EvidenceDigest = string.Empty }));
    }

    [Fact]
    public void Apply_UnverifiedIdentity_IsRefusedOnlyWhenTheTallyRequiresVerification()
    {
        var vote = Vote("vera", Validation) with { IdentityVerified = false };

        Assert.Equal(VoteAdmission.Counted, AdmissionOf(Open(), vote));
        Assert.Equal(VoteAdmission.Unverified, AdmissionOf(Open(requireVerifiedIdentity: true), vote));
        Assert.Equal(VoteAdmission.Counted, AdmissionOf(Open(requireVerifiedIdentity: true), vote with { IdentityVerified = true }));
    }

    [Fact]
    public void Apply_NeitherObjectIdNorUpn_IsRefusedAsMissingIdentity()
    {
        Assert.Equal(VoteAdmission.MissingIdentity, AdmissionOf(Open(), Vote("vera", Validation) with { ObjectId = "", Upn = " " }));
    }

    [Fact]
    public void Apply_AfterApproval_IsRefusedAsDecided()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation), Vote("rita", Risk));

        Assert.Equal(VoteAdmission.Decided, AdmissionOf(tally, Reject("raj", "late objection", Risk)));
        Assert.Equal(ApprovalOutcome.Approved, tally.Outcome);
    }

    [Fact]
    public void Rebase_EvidenceChanged_DropsApprovalsAndAFreshVoteCounts()
    {
        var approved = ApplyAll(Open(), Vote("vera", Validation), Vote("rita", Risk));
        Assert.Equal(ApprovalOutcome.Approved, approved.Outcome);

        var rebased = approved.Rebase(NewDigest);

        Assert.Equal(ApprovalOutcome.Pending, rebased.Outcome);
        Assert.Equal(NewDigest, rebased.EvidenceDigest);
        Assert.Empty(rebased.Counted);
        Assert.Equal(2, rebased.Attempts.Count(attempt => attempt.Superseded));
        Assert.Equal([Validation, Risk], rebased.OutstandingRoles);
        Assert.Equal(VoteAdmission.StaleDigest, AdmissionOf(rebased, Vote("vera", Validation)));

        var (fresh, attempt) = rebased.Apply(Vote("vera", Validation) with { EvidenceDigest = NewDigest });

        Assert.Equal(VoteAdmission.Counted, attempt.Admission);
        Assert.Equal([Risk], fresh.OutstandingRoles);
    }

    [Fact]
    public void Rebase_AfterRejection_StaysRejected()
    {
        var rejected = ApplyAll(Open(), Vote("vera", Validation), Reject("rita", "fairness gap", Risk));

        var rebased = rejected.Rebase(NewDigest);

        Assert.Equal(ApprovalOutcome.Rejected, rebased.Outcome);
        Assert.Equal("fairness gap", rebased.Rejection?.Vote.Rationale);
    }

    [Fact]
    public void Rebase_SameDigest_ChangesNothing()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation));

        Assert.Same(tally, tally.Rebase(Digest));
    }

    [Fact]
    public void Escalate_BackupHolder_FillsASeatOnlyAfterEscalation()
    {
        var tally = ApplyAll(Open(), Vote("vera", Validation));
        Assert.Equal(VoteAdmission.NotInRole, AdmissionOf(tally, Vote("bea", Backup)));

        var escalated = tally.Escalate();
        var (after, attempt) = escalated.Apply(Vote("bea", Backup));

        Assert.Equal(VoteAdmission.Counted, attempt.Admission);
        Assert.Equal(ApprovalOutcome.Approved, after.Outcome);
        var seat = Assert.Single(after.Assignment, seat => seat.Vote.Upn == "bea@example.com");
        Assert.Equal(Risk, seat.Role);
        Assert.True(seat.ViaEscalation);
    }

    [Fact]
    public void Escalate_BackupHolderRejects_EndsTheApprovalOnlyAfterEscalation()
    {
        var rejection = Reject("bea", "incident open on the serving cluster", Backup);

        Assert.Equal(VoteAdmission.NotInRole, AdmissionOf(Open(), rejection));
        Assert.Equal(VoteAdmission.Rejected, AdmissionOf(Open().Escalate(), rejection));
    }

    [Theory]
    [InlineData(true, Validation)]
    [InlineData(true, Risk)]
    [InlineData(false, Validation)]
    [InlineData(false, Risk)]
    public void Apply_HolderOfBothRolesAndHolderOfOne_FillsBothSeatsWhateverTheOrder(bool bothFirst, string otherRole)
    {
        var ada = Vote("ada", Validation, Risk);
        var bob = Vote("bob", otherRole);

        var tally = bothFirst ? ApplyAll(Open(), ada, bob) : ApplyAll(Open(), bob, ada);

        Assert.All(tally.Attempts, attempt => Assert.Equal(VoteAdmission.Counted, attempt.Admission));
        Assert.Equal(ApprovalOutcome.Approved, tally.Outcome);
        Assert.Equal(otherRole, Assert.Single(tally.Assignment, seat => seat.Vote.Upn == "bob@example.com").Role);
        Assert.NotEqual(otherRole, Assert.Single(tally.Assignment, seat => seat.Vote.Upn == "ada@example.com").Role);
    }

    [Fact]
    public void Apply_TwoOfThreeSameRole_ApprovesOnTheSecondDistinctPerson()
    {
        var policy = High with { Rules = [new ApprovalRule(Risk, 2)] };

        var one = ApplyAll(Open(policy), Vote("rita", Risk));
        Assert.Equal(ApprovalOutcome.Pending, one.Outcome);
        Assert.Equal(VoteAdmission.Duplicate, AdmissionOf(one, Vote("rita", Risk) with { Channel = "email" }));

        var two = ApplyAll(one, Vote("raj", Risk));

        Assert.Equal(ApprovalOutcome.Approved, two.Outcome);
        Assert.Equal(VoteAdmission.Decided, AdmissionOf(two, Vote("rosa", Risk)));
    }

    [Fact]
    public void JsonRoundTrip_MidApproval_BehavesTheSame()
    {
        var tally = Open().Escalate();
        tally = ApplyAll(
            tally,
            Vote("ada", Validation, Risk),
            Vote("nina", "data-science"),
            Vote("x", Risk) with { ObjectId = "oid-req", Upn = "req@example.com" });
        tally = tally.Rebase(NewDigest);
        tally = ApplyAll(tally, Vote("ada", Validation, Risk) with { EvidenceDigest = NewDigest, Channel = "email" });

        var json = JsonSerializer.Serialize(tally);
        var copy = JsonSerializer.Deserialize<ApprovalTally>(json)!;

        Assert.Contains("\"Admission\":\"SelfApproval\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(copy));
        Assert.Equal(tally.Outcome, copy.Outcome);
        Assert.Equal(tally.OutstandingRoles, copy.OutstandingRoles);
        Assert.True(copy.Escalated);
        Assert.Equal(NewDigest, copy.EvidenceDigest);
        ApprovalVote[] next =
        [
            Vote("ada", Risk) with { EvidenceDigest = NewDigest, Channel = "cli" },
            Vote("bob", Validation),
            Vote("bea", Backup) with { EvidenceDigest = NewDigest },
        ];
        foreach (var vote in next)
        {
            var (original, expected) = tally.Apply(vote);
            var (restored, actual) = copy.Apply(vote);
            Assert.Equal(expected.Admission, actual.Admission);
            Assert.Equal(expected.Reason, actual.Reason);
            Assert.Equal(original.Outcome, restored.Outcome);
            (tally, copy) = (original, restored);
        }

        Assert.Equal(ApprovalOutcome.Approved, copy.Outcome);
        Assert.Equal(
            tally.Assignment.Select(seat => (seat.Role, seat.Vote.Upn, seat.ViaEscalation)),
            copy.Assignment.Select(seat => (seat.Role, seat.Vote.Upn, seat.ViaEscalation)));
    }

    public static TheoryData<ApprovalPolicy> BrokenPolicies() =>
    [
        High with { Rules = [] },
        High with { Rules = [new ApprovalRule(Risk, 0)] },
        High with { Rules = [new ApprovalRule(Risk, 1), new ApprovalRule(Validation, -1)] },
        High with { Rules = [new ApprovalRule(" ", 1)] },
    ];

    [Theory]
    [MemberData(nameof(BrokenPolicies))]
    public void Open_PolicyNobodyCanSatisfy_Throws(ApprovalPolicy policy)
    {
        Assert.Throws<ArgumentException>(() => ApprovalTally.Open(policy, Requester, Developer, Digest));
    }

    [Fact]
    public void Open_UnknownRequesterOrBlankDigest_Throws()
    {
        Assert.Throws<ArgumentException>(() => ApprovalTally.Open(High, new PersonIdentity(null, " "), Developer, Digest));
        Assert.Throws<ArgumentException>(() => ApprovalTally.Open(High, Requester, Developer, " "));
    }
}
