using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Monitoring;

/// <summary>A numeric feature of the reference (the training data): its profile, built once and reused by every window.</summary>
public sealed record NumericReference(string Column, ReferenceProfile Profile);

/// <summary>A categorical feature of the reference: its category counts.</summary>
public sealed record CategoricalReference(string Column, CategoryCounts Counts);

/// <summary>What a model's features looked like when it was trained: the yardstick of every monitoring window.</summary>
public sealed record FeatureReference(IReadOnlyList<NumericReference> Numeric, IReadOnlyList<CategoricalReference> Categorical)
{
    public IEnumerable<string> Columns => Numeric.Select(c => c.Column).Concat(Categorical.Select(c => c.Column));
}

/// <summary>The non-null values of a numeric feature in one window, and its null cells.</summary>
public sealed record NumericWindowColumn(string Column, ReadOnlyMemory<double> Values, long NullCount)
{
    public long RowCount => Values.Length + NullCount;
}

/// <summary>The category counts of a categorical feature in one window, and its null cells.</summary>
public sealed record CategoricalWindowColumn(string Column, CategoryCounts Counts, long NullCount)
{
    public long RowCount => Counts.Total + NullCount;
}

/// <summary>The features a model received in production during one window.</summary>
/// <param name="Numeric">Columns read as numbers; a reference column absent from both lists is missing from the window.</param>
public sealed record FeatureWindow(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<NumericWindowColumn> Numeric,
    IReadOnlyList<CategoricalWindowColumn> Categorical)
{
    /// <summary>The rows of the window (the widest column; columns of one file have the same number of rows).</summary>
    public long RowCount => Numeric.Select(c => c.RowCount).Concat(Categorical.Select(c => c.RowCount)).DefaultIfEmpty(0).Max();
}
