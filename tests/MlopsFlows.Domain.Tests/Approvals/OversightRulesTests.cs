using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Approvals;

/// <summary>Walks the whole oversight table, then each refusal.</summary>
public class OversightRulesTests
{
    private const string Oversight = "release-oversight";
    private static readonly OversightPolicy Policy = new([Oversight, "cro-office"]);
    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The table as the design states it, written out independently of the code under test; absent pairs are refused.</summary>
    private static readonly Dictionary<(OversightState, OversightCommandKind), OversightState> Expected = new()
    {
        [(OversightState.Running, OversightCommandKind.Pause)] = OversightState.Paused,
        [(OversightState.Running, OversightCommandKind.Stop)] = OversightState.Stopped,
        [(OversightState.Running, OversightCommandKind.Override)] = OversightState.Running,
        [(OversightState.Paused, OversightCommandKind.Resume)] = OversightState.Running,
        [(OversightState.Paused, OversightCommandKind.Stop)] = OversightState.Stopped,
        [(OversightState.Paused, OversightCommandKind.Override)] = OversightState.Paused,
    };

    private static OversightCommand Command(OversightCommandKind kind, params string[] roles) =>
        new(kind, "oid-olga", "olga@example.com", roles.Length == 0 ? [Oversight] : roles, "canary error budget burning", true, At, kind == OversightCommandKind.Override ? "approval" : null);

    public static TheoryData<OversightState, OversightCommandKind> AllPairs()
    {
        var data = new TheoryData<OversightState, OversightCommandKind>();
        foreach (var state in Enum.GetValues<OversightState>())
        {
            foreach (var kind in Enum.GetValues<OversightCommandKind>())
            {
                data.Add(state, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Admit_AuthorisedCommandInEachState_FollowsTheTable(OversightState state, OversightCommandKind kind)
    {
        var admission = OversightRules.Admit(Command(kind), Policy, state);

        if (Expected.TryGetValue((state, kind), out var next))
        {
            Assert.True(admission.Accepted, admission.Reason);
            Assert.Null(admission.Refusal);
            Assert.Equal(next, admission.Next);
            Assert.Equal(next, OversightRules.Next(state, kind));
        }
        else
        {
            Assert.False(admission.Accepted);
            Assert.Equal(state, admission.Next);
            Assert.Null(OversightRules.Next(state, kind));
            var expected = state switch
            {
                OversightState.Stopped => OversightRefusal.AlreadyStopped,
                OversightState.Paused => OversightRefusal.AlreadyPaused,
                _ => OversightRefusal.NotPaused,
            };
            Assert.Equal(expected, admission.Refusal);
        }
    }

    [Fact]
    public void Admit_NotInAnOversightRole_IsRefused()
    {
        var admission = OversightRules.Admit(Command(OversightCommandKind.Stop, "model-validation"), Policy, OversightState.Running);

        Assert.Equal(OversightRefusal.NotInOversightRole, admission.Refusal);
        Assert.Equal(OversightState.Running, admission.Next);
    }

    [Fact]
    public void Admit_RoleInOtherCase_IsAccepted()
    {
        Assert.True(OversightRules.Admit(Command(OversightCommandKind.Pause, "CRO-Office"), Policy, OversightState.Running).Accepted);
    }

    [Fact]
    public void Admit_PolicyWithoutRoles_RefusesEveryone()
    {
        Assert.Equal(
            OversightRefusal.NotInOversightRole,
            OversightRules.Admit(Command(OversightCommandKind.Pause), new OversightPolicy([]), OversightState.Running).Refusal);
    }

    [Theory]
    [InlineData(OversightCommandKind.Pause, null)]
    [InlineData(OversightCommandKind.Resume, "")]
    [InlineData(OversightCommandKind.Stop, "  ")]
    [InlineData(OversightCommandKind.Override, "\t")]
    public void Admit_NoRationale_IsRefusedForEveryKind(OversightCommandKind kind, string? rationale)
    {
        var state = kind == OversightCommandKind.Resume ? OversightState.Paused : OversightState.Running;

        var admission = OversightRules.Admit(Command(kind) with { Rationale = rationale }, Policy, state);

        Assert.Equal(OversightRefusal.MissingRationale, admission.Refusal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Admit_OverrideWithoutTarget_IsRefused(string? target)
    {
        var admission = OversightRules.Admit(Command(OversightCommandKind.Override) with { Target = target }, Policy, OversightState.Running);

        Assert.Equal(OversightRefusal.MissingTarget, admission.Refusal);
    }

    [Fact]
    public void Admit_Override_NamesTargetAndRationaleInTheReason()
    {
        var admission = OversightRules.Admit(Command(OversightCommandKind.Override) with { Target = "judge" }, Policy, OversightState.Running);

        Assert.Equal("olga@example.com may override judge: canary error budget burning", admission.Reason);
    }

    [Fact]
    public void Admit_UnverifiedIdentity_IsRefusedOnlyWhenVerificationIsRequired()
    {
        var command = Command(OversightCommandKind.Pause) with { IdentityVerified = false };

        Assert.True(OversightRules.Admit(command, Policy, OversightState.Running).Accepted);
        Assert.Equal(OversightRefusal.Unverified, OversightRules.Admit(command, Policy, OversightState.Running, requireVerifiedIdentity: true).Refusal);
    }

    [Fact]
    public void Admit_NeitherObjectIdNorUpn_IsRefused()
    {
        var command = Command(OversightCommandKind.Pause) with { ObjectId = "", Upn = "" };

        Assert.Equal(OversightRefusal.MissingIdentity, OversightRules.Admit(command, Policy, OversightState.Running).Refusal);
    }
}
