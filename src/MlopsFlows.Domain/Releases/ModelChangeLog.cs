namespace MlopsFlows.Domain.Releases;

/// <summary>What a change log compares of one model version: its logged metrics and parameters and its features.</summary>
public sealed record ModelSnapshot(IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, string> Params, IReadOnlyList<string> Features);

/// <summary>A metric that differs: <see cref="Champion"/> is null when the candidate added it, <see cref="Candidate"/> when it dropped it.</summary>
/// <param name="Delta">Candidate minus champion; null when either side lacks the metric.</param>
public sealed record MetricChange(string Name, double? Champion, double? Candidate, double? Delta);

/// <summary>A parameter that differs: null on the side that does not set it.</summary>
public sealed record ParamChange(string Name, string? Champion, string? Candidate);

/// <summary>
/// How a candidate differs from the champion it would replace: metrics, parameters and features that were added,
/// removed or changed. Entries that are equal on both sides are left out; every list is in ordinal order of name, so
/// the same two versions always give the same log.
/// </summary>
public sealed record ModelChangeLog(
    IReadOnlyList<MetricChange> Metrics,
    IReadOnlyList<ParamChange> Params,
    IReadOnlyList<string> FeaturesAdded,
    IReadOnlyList<string> FeaturesRemoved)
{
    public static ModelChangeLog Compare(ModelSnapshot champion, ModelSnapshot candidate)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(candidate);

        var metrics = NamesOf(champion.Metrics.Keys, candidate.Metrics.Keys)
            .Select(name => (Name: name, Champion: Value(champion.Metrics, name), Candidate: Value(candidate.Metrics, name)))
            // NaN equals NaN here: a metric that was not a number before and still is not has not changed.
            .Where(m => !Nullable.Equals(m.Champion, m.Candidate))
            .Select(m => new MetricChange(m.Name, m.Champion, m.Candidate, m.Candidate - m.Champion))
            .ToArray();
        var parameters = NamesOf(champion.Params.Keys, candidate.Params.Keys)
            .Select(name => new ParamChange(name, champion.Params.GetValueOrDefault(name), candidate.Params.GetValueOrDefault(name)))
            .Where(p => !string.Equals(p.Champion, p.Candidate, StringComparison.Ordinal))
            .ToArray();
        var championFeatures = champion.Features.ToHashSet(StringComparer.Ordinal);
        var candidateFeatures = candidate.Features.ToHashSet(StringComparer.Ordinal);
        return new ModelChangeLog(
            metrics,
            parameters,
            [.. candidateFeatures.Except(championFeatures).Order(StringComparer.Ordinal)],
            [.. championFeatures.Except(candidateFeatures).Order(StringComparer.Ordinal)]);
    }

    private static IEnumerable<string> NamesOf(IEnumerable<string> champion, IEnumerable<string> candidate) =>
        champion.Union(candidate, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static double? Value(IReadOnlyDictionary<string, double> metrics, string name) =>
        metrics.TryGetValue(name, out var value) ? value : null;
}
