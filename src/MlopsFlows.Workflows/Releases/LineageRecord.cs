using System.Globalization;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>
/// The data of a release's <c>lineage</c> evidence record: the candidate as the registry knows it, where it came from,
/// and how it differs from the champion it would replace. The audit packet reads these names; keep them stable.
/// </summary>
/// <param name="Champion">The champion compared with; null when there is none, it is the candidate, or it could not be read.</param>
/// <param name="ChampionProblem">Why the champion could not be read, or null.</param>
/// <param name="Changes">Candidate against champion; null without a champion to compare with.</param>
internal sealed record LineageRecord(
    string Model,
    int Version,
    string? RunId,
    string? CreatedBy,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<string> Artefacts,
    ModelLineage Lineage,
    ChampionFacts? Champion,
    string? ChampionProblem,
    ModelChangeLog? Changes)
{
    public static LineageRecord Of(ModelVersionDetails candidate, ModelVersionDetails? champion, string? championProblem) => new(
        candidate.Model,
        candidate.Version,
        candidate.RunId,
        candidate.CreatedBy,
        Sorted(candidate.Tags),
        Sorted(candidate.Metrics),
        Sorted(candidate.Params),
        candidate.Artefacts,
        candidate.Lineage,
        champion is null ? null : new ChampionFacts(champion.Version, champion.RunId, Sorted(champion.Metrics), Sorted(champion.Params), champion.Lineage.Features),
        championProblem,
        champion is null ? null : ModelChangeLog.Compare(Snapshot(champion), Snapshot(candidate)));

    /// <summary>e.g. <c>v12 from run abc (git 1a2b3c4) on 2 datasets; vs champion v11: 3 metrics, 1 param, 0 features changed</c>.</summary>
    public string Summarise(int? championVersion)
    {
        var run = RunId is null ? "no recorded run" : $"run {RunId}";
        var git = Lineage.GitCommit is { } commit ? $"git {commit[..Math.Min(7, commit.Length)]}" : "no git commit recorded";
        var comparison = this switch
        {
            { Changes: { } changes, Champion: { } compared } =>
                $"vs champion v{compared.Version}: {Count(changes.Metrics.Count, "metric")}, {Count(changes.Params.Count, "param")}, "
                + $"{Count(changes.FeaturesAdded.Count + changes.FeaturesRemoved.Count, "feature")} changed",
            { ChampionProblem: { } problem } => problem,
            _ when championVersion == Version => "it is already the champion",
            _ => "no champion to compare with",
        };
        return $"v{Version} from {run} ({git}) on {Count(Lineage.Datasets.Count, "dataset")}; {comparison}";
    }

    private static ModelSnapshot Snapshot(ModelVersionDetails version) => new(version.Metrics, version.Params, version.Lineage.Features);

    // Sorted so the record reads the same whatever order the registry answered in.
    private static SortedDictionary<string, T> Sorted<T>(IReadOnlyDictionary<string, T> values) => new(values.ToDictionary(), StringComparer.Ordinal);

    private static string Count(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}

/// <summary>What the lineage record keeps of the champion: enough to read the change log against.</summary>
internal sealed record ChampionFacts(
    int Version,
    string? RunId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<string> Features);
