using System.Collections.Concurrent;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Evaluation sets in memory, by URI: a declared schema and the columns.</summary>
public sealed class FakeEvaluationData : IEvaluationData
{
    private readonly ConcurrentDictionary<string, (DatasetSchema? Schema, EvaluationColumns Columns)> sets = new();

    public void Add(string uri, DatasetSchema? schema, EvaluationColumns columns) => sets[uri] = (schema, columns);

    public Task<DatasetSchema?> ReadDeclaredSchemaAsync(EvaluationSetRef dataSet, CancellationToken cancellationToken) =>
        Task.FromResult(Find(dataSet).Schema);

    public Task<EvaluationColumns> ReadColumnsAsync(EvaluationSetRef dataSet, IReadOnlyList<string>? columns, CancellationToken cancellationToken)
    {
        var all = Find(dataSet).Columns;
        if (columns is null)
        {
            return Task.FromResult(all);
        }

        var missing = columns.FirstOrDefault(c => !all.Numeric.ContainsKey(c) && !all.Categorical.ContainsKey(c));
        return missing is not null
            ? throw new DependencyNotFoundException($"{dataSet.Uri} has no column '{missing}'")
            : Task.FromResult(new EvaluationColumns(
                all.Rows,
                all.Numeric.Where(c => columns.Contains(c.Key)).ToDictionary(),
                all.Categorical.Where(c => columns.Contains(c.Key)).ToDictionary()));
    }

    private (DatasetSchema? Schema, EvaluationColumns Columns) Find(EvaluationSetRef dataSet) =>
        sets.TryGetValue(dataSet.Uri, out var found) ? found : throw new DependencyNotFoundException($"no evaluation set at {dataSet.Uri}");
}
