using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace MlopsFlows.Integrations.Datasets;

/// <summary>
/// Reads one column of a Parquet file at a time with Parquet.Net: row group by row group, decoding only the requested
/// column's chunk in each group, so memory is one row group of one column.
/// </summary>
/// <remarks>
/// Numeric columns may be stored as double, float, 64-, 32-, 16- or 8-bit integers, or decimals; they come out as
/// doubles. Categorical columns must be UTF-8 strings. A chunk is one row group.
/// </remarks>
public sealed class ParquetColumnSource : IColumnSource
{
    /// <summary>A source over <paramref name="path"/>.</summary>
    public ParquetColumnSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetColumnNamesAsync(CancellationToken cancellationToken = default)
    {
        var stream = OpenFile();
        await using (stream.ConfigureAwait(false))
        {
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return [.. reader.Schema.GetDataFields().Select(field => field.Name)];
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<NumericChunk> ReadNumericAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, rows) in NumericGroupsAsync(column, keepNulls: false, cancellationToken).ConfigureAwait(false))
        {
            yield return new NumericChunk(values, rows - values.Length);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CategoricalChunk> ReadCategoricalAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, rows) in CategoricalGroupsAsync(column, keepNulls: false, cancellationToken).ConfigureAwait(false))
        {
            // Without nulls kept every slot holds a string.
            yield return new CategoricalChunk(values!, rows - values.Length);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<double>> ReadNumericRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, _) in NumericGroupsAsync(column, keepNulls: true, cancellationToken).ConfigureAwait(false))
        {
            yield return values;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<string?>> ReadCategoricalRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, _) in CategoricalGroupsAsync(column, keepNulls: true, cancellationToken).ConfigureAwait(false))
        {
            yield return values;
        }
    }

    /// <summary>One row group at a time: its values (nulls as NaN when kept, else left out) and its row count.</summary>
    private async IAsyncEnumerable<(ReadOnlyMemory<double> Values, int Rows)> NumericGroupsAsync(
        string column, bool keepNulls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var stream = OpenFile();
        await using (stream.ConfigureAwait(false))
        {
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var field = FindField(reader, column);
            var values = Array.Empty<double>();
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var rows = checked((int)rowGroup.RowCount);
                if (values.Length < rows)
                {
                    values = new double[rows];
                }

                var target = new GroupTarget(rowGroup, field, rows, values, group, keepNulls);
                var count = field.ClrType switch
                {
                    var t when t == typeof(double) => await ReadAsync<double>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(float) => await ReadAsync<float>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(long) => await ReadAsync<long>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(int) => await ReadAsync<int>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(short) => await ReadAsync<short>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(sbyte) => await ReadAsync<sbyte>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(byte) => await ReadAsync<byte>(target, cancellationToken).ConfigureAwait(false),
                    var t when t == typeof(decimal) => await ReadAsync<decimal>(target, cancellationToken).ConfigureAwait(false),
                    var t => throw new FormatException($"'{Path}': column '{column}' holds {t.Name} values, not numbers."),
                };

                yield return (values.AsMemory(0, count), rows);
            }
        }
    }

    /// <summary>One row group at a time: its strings (nulls as null when kept, else left out) and its row count.</summary>
    private async IAsyncEnumerable<(ReadOnlyMemory<string?> Values, int Rows)> CategoricalGroupsAsync(
        string column, bool keepNulls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var stream = OpenFile();
        await using (stream.ConfigureAwait(false))
        {
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var field = FindField(reader, column);
            // Parquet.Net 6 reports UTF-8 columns read from a file as ReadOnlyMemory<char>; both read as strings.
            if (field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>))
            {
                throw new FormatException($"'{Path}': column '{column}' holds {field.ClrType.Name} values; a categorical column is text.");
            }

            string?[] values = [];
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var rows = checked((int)rowGroup.RowCount);
                if (values.Length < rows)
                {
                    values = new string?[rows];
                }

                await rowGroup.ReadAsync(field, values.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                if (keepNulls)
                {
                    yield return (values.AsMemory(0, rows), rows);
                    continue;
                }

                // Nulls come back as null references: squeeze them out in place.
                var count = 0;
                for (var i = 0; i < rows; i++)
                {
                    if (values[i] is { } value)
                    {
                        values[count++] = value;
                    }
                }

                yield return (values.AsMemory(0, count), rows);
            }
        }
    }

    private async Task<int> ReadAsync<T>(GroupTarget target, CancellationToken cancellationToken)
        where T : struct, INumberBase<T>
    {
        var (rowGroup, field, rows, destination, group, keepNulls) = target;
        var buffer = ArrayPool<T?>.Shared.Rent(rows);
        try
        {
            if (field.IsNullable)
            {
                await rowGroup.ReadAsync(field, buffer.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var plain = ArrayPool<T>.Shared.Rent(rows);
                try
                {
                    await rowGroup.ReadAsync(field, plain.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < rows; i++)
                    {
                        buffer[i] = plain[i];
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(plain);
                }
            }

            var count = 0;
            for (var i = 0; i < rows; i++)
            {
                if (buffer[i] is not { } raw)
                {
                    if (keepNulls)
                    {
                        destination[count++] = double.NaN;
                    }

                    continue;
                }

                var value = double.CreateChecked(raw);
                if (!double.IsFinite(value))
                {
                    throw new FormatException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"'{Path}': row group {group}, row {i} of column '{field.Name}' is {value}, not a finite number; write missing values as nulls."));
                }

                destination[count++] = value;
            }

            return count;
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(buffer);
        }
    }

    private DataField FindField(ParquetReader reader, string column) =>
        reader.Schema.GetDataFields().FirstOrDefault(field => field.Name == column)
        ?? throw new ArgumentException(
            $"'{Path}' has no column '{column}'; its columns are: {string.Join(", ", reader.Schema.GetDataFields().Select(field => field.Name))}.",
            nameof(column));

    private readonly record struct GroupTarget(ParquetRowGroupReader RowGroup, DataField Field, int Rows, double[] Destination, int Group, bool KeepNulls);

    private FileStream OpenFile() =>
        new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.RandomAccess);
}
