namespace MlopsFlows.Domain.Releases;

/// <summary>Where a release stands. Terminal stages end the workflow.</summary>
public enum ReleaseStage
{
    Requested,
    Gating,
    AwaitingApproval,
    Deploying,
    Watching,
    Promoting,
    RollingBack,
    Promoted,
    RolledBack,
    GateFailed,
    Rejected,
    Expired,
    Cancelled,
}

/// <summary>
/// The one table of allowed stage changes. The workflow moves only through <see cref="Move"/>,
/// so a release can never jump, say, from approval straight to promotion.
/// </summary>
public static class ReleaseTransitions
{
    private static readonly Dictionary<ReleaseStage, ReleaseStage[]> Allowed = new()
    {
        [ReleaseStage.Requested] = [ReleaseStage.Gating, ReleaseStage.Cancelled],
        [ReleaseStage.Gating] = [ReleaseStage.AwaitingApproval, ReleaseStage.GateFailed, ReleaseStage.Cancelled],
        [ReleaseStage.AwaitingApproval] = [ReleaseStage.Deploying, ReleaseStage.Rejected, ReleaseStage.Expired, ReleaseStage.Cancelled],
        [ReleaseStage.Deploying] = [ReleaseStage.Watching, ReleaseStage.RollingBack, ReleaseStage.Cancelled],
        [ReleaseStage.Watching] = [ReleaseStage.Deploying, ReleaseStage.Promoting, ReleaseStage.RollingBack],
        [ReleaseStage.Promoting] = [ReleaseStage.Promoted, ReleaseStage.RollingBack],
        [ReleaseStage.RollingBack] = [ReleaseStage.RolledBack, ReleaseStage.Cancelled],
        [ReleaseStage.Promoted] = [],
        [ReleaseStage.RolledBack] = [],
        [ReleaseStage.GateFailed] = [],
        [ReleaseStage.Rejected] = [],
        [ReleaseStage.Expired] = [],
        [ReleaseStage.Cancelled] = [],
    };

    public static IReadOnlyCollection<ReleaseStage> From(ReleaseStage stage) => Allowed[stage];

    public static bool CanMove(ReleaseStage from, ReleaseStage to) => Allowed[from].Contains(to);

    public static bool IsTerminal(ReleaseStage stage) => Allowed[stage].Length == 0;

    /// <summary>Returns <paramref name="to"/> when the move is allowed; throws otherwise (a bug in the workflow, never user input).</summary>
    public static ReleaseStage Move(ReleaseStage from, ReleaseStage to) =>
        CanMove(from, to) ? to : throw new InvalidOperationException($"A release cannot move from {from} to {to}.");
}
