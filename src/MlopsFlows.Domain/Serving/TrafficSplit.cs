namespace MlopsFlows.Domain.Serving;

/// <summary>One route of a serving endpoint: a model version and the share of traffic it gets.</summary>
public sealed record TrafficRoute(int Version, int Percent);

/// <summary>
/// The traffic configuration of a serving endpoint. Always set to a value, never adjusted by a delta,
/// so that re-running the activity that applies it leaves the endpoint exactly as intended.
/// </summary>
public sealed record TrafficSplit(IReadOnlyList<TrafficRoute> Routes)
{
    public static TrafficSplit AllTo(int version) => new([new TrafficRoute(version, 100)]);

    /// <summary>A canary: <paramref name="canaryPercent"/> to the candidate, the rest to the current version.</summary>
    public static TrafficSplit Canary(int current, int candidate, int canaryPercent)
    {
        if (canaryPercent is < 1 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(canaryPercent), canaryPercent, "A canary takes between 1 and 99 percent of traffic.");
        }

        return new TrafficSplit([new TrafficRoute(current, 100 - canaryPercent), new TrafficRoute(candidate, canaryPercent)]);
    }

    public int PercentTo(int version) => Routes.Where(r => r.Version == version).Sum(r => r.Percent);

    public bool IsValid => Routes.Count > 0 && Routes.Sum(r => r.Percent) == 100 && Routes.All(r => r.Percent is >= 0 and <= 100)
        && Routes.Select(r => r.Version).Distinct().Count() == Routes.Count;

    /// <summary>The version with the largest share, the one serving production today.</summary>
    public int? PrimaryVersion => Routes.Count == 0 ? null : Routes.MaxBy(r => r.Percent)!.Version;

    public override string ToString() => string.Join(" / ", Routes.Select(r => $"v{r.Version} {r.Percent}%"));

    public bool Equals(TrafficSplit? other) =>
        other is not null && Routes.OrderBy(r => r.Version).SequenceEqual(other.Routes.OrderBy(r => r.Version));

    // Same order as Equals, so equal splits hash alike whatever order their routes were listed in.
    public override int GetHashCode() => Routes.OrderBy(r => r.Version).Aggregate(0, (h, r) => HashCode.Combine(h, r.Version, r.Percent));
}
