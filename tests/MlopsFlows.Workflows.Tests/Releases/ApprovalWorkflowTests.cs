using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>N-of-M approvals with segregation of duties, the clock (reminder, escalation, expiry) and evidence binding.</summary>
public sealed class ApprovalWorkflowTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    [Fact]
    public async Task RunAsync_ARejectionWithRationale_EndsTheReleaseAtOnce()
    {
        var release = new ReleaseScenario(host, "rejected", "high");
        await release.StartAsync();

        await release.VoteAsync(Validator);
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        await release.VoteAsync(RiskOfficer, approve: false, rationale: "reason codes do not cover declines");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Rejected, outcome.Stage);
        Assert.Contains("reason codes do not cover declines", outcome.Reason, StringComparison.Ordinal);
        release.AssertTrafficUntouched();
        var votes = (await release.EvidenceAsync()).Where(r => r.Step == "vote").ToArray();
        Assert.Equal(["counted", "rejected"], votes.Select(v => v.Decision));
        Assert.Equal(RiskOfficer, votes[1].Actor);
        Assert.Contains(release.Notifications, n => n.Kind == ApprovalNotificationKind.Outcome);
    }

    [Fact]
    public async Task RunAsync_NobodyAnswers_RemindsThenEscalatesThenExpires()
    {
        var medium = TestPolicies.Medium with
        {
            Approval = TestPolicies.Medium.Approval with
            {
                ReminderAfter = TimeSpan.FromSeconds(1),
                EscalateAfter = TimeSpan.FromSeconds(2),
                EscalationRole = TestPolicies.RiskLeadsRole,
                Timeout = TimeSpan.FromSeconds(3),
            },
        };
        var release = new ReleaseScenario(host, "expired", "medium");
        await release.StartAsync(TestPolicies.Set(medium: medium));

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Expired, outcome.Stage);
        Assert.Equal(
            [ApprovalNotificationKind.Request, ApprovalNotificationKind.Reminder, ApprovalNotificationKind.Escalation, ApprovalNotificationKind.Outcome],
            release.Notifications.Select(n => n.Kind));
        Assert.Equal([RiskLead], release.Notifications[2].Recipients.Select(p => p.Upn));
        release.AssertTrafficUntouched();
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["request", "reminder", "escalation", "outcome"], evidence.Where(r => r.Step == "notification").Select(r => r.Decision));
        Assert.Contains(evidence, r => r.Step == "approval" && r.Decision == "expired");
    }

    [Fact]
    public async Task RunAsync_AfterEscalation_TheBackupGroupMayFillTheSeat()
    {
        // The first vote must land before the escalation: 3 s leaves room when the whole suite shares two cores (1 s did not).
        var medium = TestPolicies.Medium with
        {
            Approval = TestPolicies.Medium.Approval with { EscalateAfter = TimeSpan.FromSeconds(3), EscalationRole = TestPolicies.RiskLeadsRole },
        };
        var release = new ReleaseScenario(host, "escalated", "medium");
        await release.StartAsync(TestPolicies.Set(medium: medium));

        await release.VoteAsync(RiskLead);
        await release.ApprovalAsync(p => p.Escalated);
        await release.VoteAsync(RiskLead);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var votes = (await release.EvidenceAsync()).Where(r => r.Step == "vote").Select(r => r.Decision).ToArray();
        Assert.Equal(["notinrole", "counted"], votes);
    }

    [Fact]
    public async Task RunAsync_RequesterDeveloperAndOutsider_AreRefusedAndRecorded_ThenAValidatorApproves()
    {
        var release = new ReleaseScenario(host, "sod", "medium");
        await release.StartAsync();

        await release.VoteAsync(Requester);
        await release.VoteAsync(Developer);
        await release.VoteAsync(Outsider);
        await release.VoteAsync("nobody@example.com");
        await release.ApprovalAsync(p => p.Attempts == 4);
        Assert.Equal([TestPolicies.ValidationRole], (await release.ApprovalAsync()).OutstandingRoles);
        await release.VoteAsync(Validator);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var votes = (await release.EvidenceAsync()).Where(r => r.Step == "vote").ToArray();
        Assert.Equal(["selfapproval", "developer", "notinrole", "notinrole", "counted"], votes.Select(v => v.Decision));
        Assert.Equal([Requester, Developer, Outsider, "nobody@example.com", Validator], votes.Select(v => v.Actor));
        Assert.All(votes, v => Assert.Equal("http", v.Data.GetProperty("vote").GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task RunAsync_OnePersonVotingOnTwoChannels_CountsOnce()
    {
        var release = new ReleaseScenario(host, "double-vote", "high");
        await release.StartAsync();

        await release.VoteAsync(BothRoles, channel: "teams");
        await release.VoteAsync(BothRoles, channel: "email");
        var progress = await release.ApprovalAsync(p => p.Attempts == 2);
        Assert.Single(progress.Approvers);
        Assert.NotEmpty(progress.OutstandingRoles);
        await release.VoteAsync(RiskOfficer);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var votes = (await release.EvidenceAsync()).Where(r => r.Step == "vote").Select(r => r.Decision).ToArray();
        Assert.Equal(["counted", "duplicate", "counted"], votes);
    }

    [Fact]
    public async Task RunAsync_EvidenceAddedAfterAnApproval_ThatApprovalNoLongerCounts()
    {
        var release = new ReleaseScenario(host, "evidence-changed", "high");
        await release.StartAsync();

        var first = await release.ApprovalAsync();
        await release.VoteAsync(Validator, digest: first.EvidenceDigest);
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        await release.AddEvidenceAsync();
        var rebased = await release.ApprovalAsync(p => p.EvidenceDigest != first.EvidenceDigest);
        Assert.Empty(rebased.Approvers);

        await release.VoteAsync(RiskOfficer, digest: first.EvidenceDigest);
        await release.VoteAsync(RiskOfficer, digest: rebased.EvidenceDigest);
        await release.ApprovalAsync(p => p.Attempts == 3);
        Assert.Equal([TestPolicies.ValidationRole], (await release.ApprovalAsync()).OutstandingRoles);
        await release.VoteAsync(Validator, digest: rebased.EvidenceDigest);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["counted", "staledigest", "counted", "counted"], evidence.Where(r => r.Step == "vote").Select(r => r.Decision));
        Assert.Contains(evidence, r => r.Step == "evidence" && r.Decision == "added");
        Assert.Equal(2, release.Notifications.Count(n => n.Kind == ApprovalNotificationKind.Request));
        Assert.Equal(rebased.EvidenceDigest, release.Notifications.Last(n => n.Kind == ApprovalNotificationKind.Request).EvidenceDigest);
    }

    [Fact]
    public async Task RunAsync_RationaleRequiredButMissing_TheVoteIsRefused()
    {
        var release = new ReleaseScenario(host, "no-rationale", "high");
        await release.StartAsync();

        await release.VoteAsync(Validator, rationale: null);
        await release.ApprovalAsync(p => p.Attempts == 1);
        await release.VoteAsync(Validator, approve: false, rationale: "  ");
        await release.ApprovalAsync(p => p.Attempts == 2);
        await release.CommandAsync(OversightCommandKind.Stop, rationale: "test over");
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Cancelled, outcome.Stage);
        var votes = (await release.EvidenceAsync()).Where(r => r.Step == "vote").Select(r => r.Decision).ToArray();
        Assert.Equal(["missingrationale", "missingrationale"], votes);
    }

    [Fact]
    public async Task RunAsync_UnverifiedVoteAndCommand_AreRefusedAndRecorded_ThenAVerifiedVoteCounts()
    {
        var release = new ReleaseScenario(host, "unverified-identity", "medium");
        await release.StartAsync();

        await release.VoteAsync(Validator, verified: false);
        await release.ApprovalAsync(p => p.Attempts == 1);
        await release.CommandAsync(OversightCommandKind.Stop, rationale: "claimed to be the release manager", verified: false);
        await release.VoteAsync(Validator);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["unverified", "counted"], evidence.Where(r => r.Step == "vote").Select(r => r.Decision));
        var refusedCommand = Assert.Single(evidence, r => r.Step == "oversight");
        Assert.Equal("refused", refusedCommand.Decision);
        Assert.Contains("verified", refusedCommand.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OutcomeNotificationUndeliverable_IsRecordedAndTheReleaseGoesOn()
    {
        var release = new ReleaseScenario(host, "outcome-undeliverable", "medium");
        host.Notifier.FailFor(release.Id, ApprovalNotificationKind.Outcome);
        await release.StartAsync();

        await release.VoteAsync(Validator);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        var notifications = (await release.EvidenceAsync()).Where(r => r.Step == "notification").ToArray();
        Assert.Equal(["request", "failed"], notifications.Select(n => n.Decision));
        Assert.Contains("refused the Outcome notification", notifications[1].Summary, StringComparison.Ordinal);
    }
}
