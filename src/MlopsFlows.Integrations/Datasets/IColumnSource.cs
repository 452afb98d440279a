namespace MlopsFlows.Integrations.Datasets;

/// <summary>
/// A dataset file read one column at a time, in chunks, without loading the file: the way reference and current
/// windows reach the drift statistics when they do not fit in memory all at once.
/// </summary>
/// <remarks>
/// A chunk's memory belongs to the source and is valid only until the enumerator moves on: copy what must outlive it
/// (the sketches and bin counters consume chunks as they pass). Null cells are not values: each chunk carries how many
/// it skipped, and the null rate is their share of the rows.
/// </remarks>
public interface IColumnSource
{
    /// <summary>The file this source reads, for messages and evidence.</summary>
    string Path { get; }

    /// <summary>The column names, in file order.</summary>
    Task<IReadOnlyList<string>> GetColumnNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams the non-null values of a numeric column as doubles.</summary>
    /// <exception cref="ArgumentException">The file has no such column.</exception>
    /// <exception cref="FormatException">A cell is not a finite number (the message names file, line or row, and column).</exception>
    IAsyncEnumerable<NumericChunk> ReadNumericAsync(string column, CancellationToken cancellationToken = default);

    /// <summary>Streams the non-null values of a categorical (text) column.</summary>
    /// <exception cref="ArgumentException">The file has no such column.</exception>
    IAsyncEnumerable<CategoricalChunk> ReadCategoricalAsync(string column, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams a numeric column row by row, a null cell as NaN: row <c>i</c> of one column lines up with row <c>i</c> of
    /// another (labels with predictions), which the null-skipping <see cref="ReadNumericAsync"/> cannot promise.
    /// </summary>
    /// <exception cref="ArgumentException">The file has no such column.</exception>
    /// <exception cref="FormatException">A cell is not a finite number.</exception>
    IAsyncEnumerable<ReadOnlyMemory<double>> ReadNumericRowsAsync(string column, CancellationToken cancellationToken = default);

    /// <summary>Streams a categorical column row by row, a null cell as null, aligned like <see cref="ReadNumericRowsAsync"/>.</summary>
    /// <exception cref="ArgumentException">The file has no such column.</exception>
    IAsyncEnumerable<ReadOnlyMemory<string?>> ReadCategoricalRowsAsync(string column, CancellationToken cancellationToken = default);
}

/// <summary>A run of a numeric column: its non-null values, and how many null cells the run skipped.</summary>
/// <param name="Values">The non-null values, in file order; valid until the enumerator moves on.</param>
/// <param name="NullCount">The null cells among the rows this chunk covers.</param>
public readonly record struct NumericChunk(ReadOnlyMemory<double> Values, int NullCount)
{
    /// <summary>The rows this chunk covers: values plus nulls.</summary>
    public int RowCount => Values.Length + NullCount;
}

/// <summary>A run of a categorical column: its non-null values, and how many null cells the run skipped.</summary>
/// <param name="Values">The non-null values, in file order; valid until the enumerator moves on.</param>
/// <param name="NullCount">The null cells among the rows this chunk covers.</param>
public readonly record struct CategoricalChunk(ReadOnlyMemory<string> Values, int NullCount)
{
    /// <summary>The rows this chunk covers: values plus nulls.</summary>
    public int RowCount => Values.Length + NullCount;
}
