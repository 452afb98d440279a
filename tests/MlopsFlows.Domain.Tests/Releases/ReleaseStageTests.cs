using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Domain.Tests.Releases;

/// <summary>Walks the whole transition table: every pair of stages is either an allowed move or a thrown bug.</summary>
public class ReleaseStageTests
{
    private static readonly ReleaseStage[] AllStages = Enum.GetValues<ReleaseStage>();

    /// <summary>The table as the design states it, written out independently of the code under test.</summary>
    private static readonly HashSet<(ReleaseStage From, ReleaseStage To)> Expected =
    [
        (ReleaseStage.Requested, ReleaseStage.Gating),
        (ReleaseStage.Requested, ReleaseStage.Cancelled),
        (ReleaseStage.Gating, ReleaseStage.AwaitingApproval),
        (ReleaseStage.Gating, ReleaseStage.GateFailed),
        (ReleaseStage.Gating, ReleaseStage.Cancelled),
        (ReleaseStage.AwaitingApproval, ReleaseStage.Deploying),
        (ReleaseStage.AwaitingApproval, ReleaseStage.Rejected),
        (ReleaseStage.AwaitingApproval, ReleaseStage.Expired),
        (ReleaseStage.AwaitingApproval, ReleaseStage.Cancelled),
        (ReleaseStage.Deploying, ReleaseStage.Watching),
        (ReleaseStage.Deploying, ReleaseStage.RollingBack),
        (ReleaseStage.Deploying, ReleaseStage.Cancelled),
        (ReleaseStage.Watching, ReleaseStage.Deploying),
        (ReleaseStage.Watching, ReleaseStage.Promoting),
        (ReleaseStage.Watching, ReleaseStage.RollingBack),
        (ReleaseStage.Promoting, ReleaseStage.Promoted),
        (ReleaseStage.Promoting, ReleaseStage.RollingBack),
        (ReleaseStage.RollingBack, ReleaseStage.RolledBack),
        (ReleaseStage.RollingBack, ReleaseStage.Cancelled),
    ];

    private static readonly ReleaseStage[] Terminal =
    [
        ReleaseStage.Promoted,
        ReleaseStage.RolledBack,
        ReleaseStage.GateFailed,
        ReleaseStage.Rejected,
        ReleaseStage.Expired,
        ReleaseStage.Cancelled,
    ];

    public static TheoryData<ReleaseStage, ReleaseStage> AllowedMoves()
    {
        var data = new TheoryData<ReleaseStage, ReleaseStage>();
        foreach (var (from, to) in Expected)
        {
            data.Add(from, to);
        }

        return data;
    }

    public static TheoryData<ReleaseStage, ReleaseStage> ForbiddenMoves()
    {
        var data = new TheoryData<ReleaseStage, ReleaseStage>();
        foreach (var from in AllStages)
        {
            foreach (var to in AllStages.Where(to => !Expected.Contains((from, to))))
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void Move_AllowedPair_ReturnsTarget(ReleaseStage from, ReleaseStage to)
    {
        Assert.True(ReleaseTransitions.CanMove(from, to));
        Assert.Equal(to, ReleaseTransitions.Move(from, to));
    }

    [Theory]
    [MemberData(nameof(ForbiddenMoves))]
    public void Move_ForbiddenPair_Throws(ReleaseStage from, ReleaseStage to)
    {
        Assert.False(ReleaseTransitions.CanMove(from, to));
        var error = Assert.Throws<InvalidOperationException>(() => ReleaseTransitions.Move(from, to));
        Assert.Contains(from.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(to.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EveryStage_ListsExactlyTheAllowedTargets()
    {
        foreach (var from in AllStages)
        {
            var expected = Expected.Where(m => m.From == from).Select(m => m.To).OrderBy(s => s);
            Assert.Equal(expected, ReleaseTransitions.From(from).OrderBy(s => s));
        }
    }

    [Fact]
    public void Table_EveryPair_IsCoveredOnceByTheTheories()
    {
        var pairs = AllowedMoves().Count + ForbiddenMoves().Count;

        Assert.Equal(AllStages.Length * AllStages.Length, pairs);
    }

    [Fact]
    public void IsTerminal_TerminalStages_HaveNoExits()
    {
        foreach (var stage in AllStages)
        {
            var terminal = Terminal.Contains(stage);
            Assert.Equal(terminal, ReleaseTransitions.IsTerminal(stage));
            if (terminal)
            {
                Assert.Empty(ReleaseTransitions.From(stage));
            }
            else
            {
                Assert.NotEmpty(ReleaseTransitions.From(stage));
            }
        }
    }

    [Fact]
    public void Move_NoStage_MovesToItself()
    {
        Assert.All(AllStages, stage => Assert.False(ReleaseTransitions.CanMove(stage, stage)));
    }

    [Fact]
    public void Move_Requested_CannotReachPromotedWithoutWatching()
    {
        // Every path from Requested to Promoted passes through approval, deployment and the watch.
        var reachable = new HashSet<ReleaseStage> { ReleaseStage.Requested };
        var frontier = new Queue<ReleaseStage>(reachable);
        while (frontier.TryDequeue(out var stage))
        {
            foreach (var next in ReleaseTransitions.From(stage).Where(n => n != ReleaseStage.Watching && reachable.Add(n)))
            {
                frontier.Enqueue(next);
            }
        }

        Assert.DoesNotContain(ReleaseStage.Promoted, reachable);
    }
}
