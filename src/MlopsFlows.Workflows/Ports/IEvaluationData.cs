using MlopsFlows.Domain.Gates;

namespace MlopsFlows.Workflows.Ports;

/// <summary>Names one evaluation data set: where it lives and which version of it (a table version or a snapshot).</summary>
public sealed record EvaluationSetRef(string Uri, string Version);

/// <summary>Columns of an evaluation set as read: numeric columns with NaN for nulls, categorical ones with null.</summary>
public sealed record EvaluationColumns(
    long Rows,
    IReadOnlyDictionary<string, double[]> Numeric,
    IReadOnlyDictionary<string, string?[]> Categorical);

/// <summary>
/// The evaluation data behind the gates: its declared schema and its columns (features, labels, predictions,
/// protected attributes). Read inside gate activities only, so the data never enters the orchestration history.
/// </summary>
public interface IEvaluationData
{
    /// <summary>The schema the data set declares; null when it declares none.</summary>
    Task<DatasetSchema?> ReadDeclaredSchemaAsync(EvaluationSetRef dataSet, CancellationToken cancellationToken);

    /// <summary>Reads the named columns (all columns when <paramref name="columns"/> is null).</summary>
    /// <exception cref="DependencyNotFoundException">The data set or a named column does not exist.</exception>
    Task<EvaluationColumns> ReadColumnsAsync(EvaluationSetRef dataSet, IReadOnlyList<string>? columns, CancellationToken cancellationToken);
}
