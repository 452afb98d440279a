using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Sketches;

namespace MlopsFlows.Integrations.Datasets;

/// <summary>A whole numeric column in memory, and the nulls left out of it.</summary>
/// <param name="Values">The non-null values in file order.</param>
/// <param name="NullCount">The null cells.</param>
public sealed record NumericColumn(IReadOnlyList<double> Values, long NullCount)
{
    /// <summary>All rows: values plus nulls.</summary>
    public long RowCount => Values.Count + NullCount;

    /// <summary>The share of null cells; zero for an empty column.</summary>
    public double NullRate => RowCount == 0 ? 0 : (double)NullCount / RowCount;
}

/// <summary>A categorical column summarised as category counts, and its nulls.</summary>
public sealed record CategoricalColumn(CategoryCounts Counts, long NullCount)
{
    /// <summary>All rows: values plus nulls.</summary>
    public long RowCount => Counts.Total + NullCount;

    /// <summary>The share of null cells; zero for an empty column.</summary>
    public double NullRate => RowCount == 0 ? 0 : (double)NullCount / RowCount;
}

/// <summary>A numeric column streamed into a quantile sketch, and its nulls.</summary>
public sealed record SketchedColumn(KllSketch Sketch, long NullCount)
{
    /// <summary>All rows: values plus nulls.</summary>
    public long RowCount => Sketch.Count + NullCount;

    /// <summary>The share of null cells; zero for an empty column.</summary>
    public double NullRate => RowCount == 0 ? 0 : (double)NullCount / RowCount;
}

/// <summary>The ways a column leaves a source: whole (one column in memory), as counts, or as a sketch (constant memory).</summary>
public static class ColumnSourceExtensions
{
    /// <summary>Reads one numeric column into memory (the file itself is never loaded whole).</summary>
    public static async Task<NumericColumn> ReadNumericColumnAsync(this IColumnSource source, string column, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var values = new List<double>();
        long nulls = 0;
        await foreach (var chunk in source.ReadNumericAsync(column, cancellationToken))
        {
            values.AddRange(chunk.Values.Span);
            nulls += chunk.NullCount;
        }

        return new NumericColumn(values, nulls);
    }

    /// <summary>Counts the categories of one column; memory grows with the number of distinct categories only.</summary>
    public static async Task<CategoricalColumn> CountCategoriesAsync(this IColumnSource source, string column, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long nulls = 0;
        await foreach (var chunk in source.ReadCategoricalAsync(column, cancellationToken))
        {
            foreach (var value in chunk.Values.Span)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }

            nulls += chunk.NullCount;
        }

        return new CategoricalColumn(CategoryCounts.FromCounts(counts), nulls);
    }

    /// <summary>Streams one numeric column into a KLL sketch: memory independent of the file size.</summary>
    public static async Task<SketchedColumn> SketchNumericAsync(
        this IColumnSource source,
        string column,
        int k = KllSketch.DefaultK,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sketch = new KllSketch(k);
        long nulls = 0;
        await foreach (var chunk in source.ReadNumericAsync(column, cancellationToken))
        {
            sketch.AddRange(chunk.Values.Span);
            nulls += chunk.NullCount;
        }

        return new SketchedColumn(sketch, nulls);
    }
}
