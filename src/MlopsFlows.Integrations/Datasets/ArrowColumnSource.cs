using System.Globalization;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace MlopsFlows.Integrations.Datasets;

/// <summary>
/// Reads one column of an Arrow IPC file (the random-access "file" format, also called Feather v2) or stream at a time
/// with Apache.Arrow: record batch by record batch, so memory is one record batch.
/// </summary>
/// <remarks>
/// The Arrow C# reader has no column projection: each batch is read whole and only the requested column is converted
/// and handed on. Numeric columns may be double, float, half, 8- to 64-bit integers (signed or not); they come out as
/// doubles. Categorical columns must be strings. A chunk is one record batch. The two formats are told apart by the
/// file format's leading magic bytes <c>ARROW1</c>.
/// </remarks>
public sealed class ArrowColumnSource : IColumnSource
{
    private static readonly byte[] FileMagic = "ARROW1"u8.ToArray();

    /// <summary>A source over <paramref name="path"/>.</summary>
    public ArrowColumnSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetColumnNamesAsync(CancellationToken cancellationToken = default)
    {
        using var reader = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var schema = await ReadSchemaAsync(reader, cancellationToken).ConfigureAwait(false);
        return [.. schema.FieldsList.Select(field => field.Name)];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<NumericChunk> ReadNumericAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, rows) in NumericBatchesAsync(column, keepNulls: false, cancellationToken).ConfigureAwait(false))
        {
            yield return new NumericChunk(values, rows - values.Length);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CategoricalChunk> ReadCategoricalAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, rows) in CategoricalBatchesAsync(column, keepNulls: false, cancellationToken).ConfigureAwait(false))
        {
            // Without nulls kept every slot holds a string.
            yield return new CategoricalChunk(values!, rows - values.Length);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<double>> ReadNumericRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, _) in NumericBatchesAsync(column, keepNulls: true, cancellationToken).ConfigureAwait(false))
        {
            yield return values;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<string?>> ReadCategoricalRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (values, _) in CategoricalBatchesAsync(column, keepNulls: true, cancellationToken).ConfigureAwait(false))
        {
            yield return values;
        }
    }

    /// <summary>One record batch at a time: its values (nulls as NaN when kept, else left out) and its row count.</summary>
    private async IAsyncEnumerable<(ReadOnlyMemory<double> Values, int Rows)> NumericBatchesAsync(
        string column, bool keepNulls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        using var reader = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var index = ColumnIndex(await ReadSchemaAsync(reader, cancellationToken).ConfigureAwait(false), column);
        double[] values = [];
        var batchNumber = 0;
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                var array = batch.Column(index);
                if (values.Length < array.Length)
                {
                    values = new double[array.Length];
                }

                var target = new CopyTarget(values, column, batchNumber, keepNulls);
                var count = array switch
                {
                    DoubleArray a => Copy(a, target),
                    FloatArray a => Copy(a, target),
                    HalfFloatArray a => Copy(a, target),
                    Int64Array a => Copy(a, target),
                    Int32Array a => Copy(a, target),
                    Int16Array a => Copy(a, target),
                    Int8Array a => Copy(a, target),
                    UInt64Array a => Copy(a, target),
                    UInt32Array a => Copy(a, target),
                    UInt16Array a => Copy(a, target),
                    UInt8Array a => Copy(a, target),
                    _ => throw new FormatException($"'{Path}': column '{column}' holds {array.Data.DataType.Name} values, not numbers."),
                };

                yield return (values.AsMemory(0, count), array.Length);
            }

            batchNumber++;
        }
    }

    /// <summary>One record batch at a time: its strings (nulls as null when kept, else left out) and its row count.</summary>
    private async IAsyncEnumerable<(ReadOnlyMemory<string?> Values, int Rows)> CategoricalBatchesAsync(
        string column, bool keepNulls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        using var reader = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var index = ColumnIndex(await ReadSchemaAsync(reader, cancellationToken).ConfigureAwait(false), column);
        string?[] values = [];
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                if (batch.Column(index) is not StringArray array)
                {
                    throw new FormatException(
                        $"'{Path}': column '{column}' holds {batch.Column(index).Data.DataType.Name} values; a categorical column is text (utf8).");
                }

                if (values.Length < array.Length)
                {
                    values = new string?[array.Length];
                }

                var count = 0;
                for (var i = 0; i < array.Length; i++)
                {
                    if (array.IsValid(i))
                    {
                        values[count++] = array.GetString(i);
                    }
                    else if (keepNulls)
                    {
                        values[count++] = null;
                    }
                }

                yield return (values.AsMemory(0, count), array.Length);
            }
        }
    }

    private int Copy<T>(PrimitiveArray<T> array, CopyTarget target)
        where T : struct, IEquatable<T>, System.Numerics.INumberBase<T>
    {
        var raw = array.Values;
        var destination = target.Destination;
        var count = 0;
        for (var i = 0; i < array.Length; i++)
        {
            if (array.NullCount > 0 && !array.IsValid(i))
            {
                if (target.KeepNulls)
                {
                    destination[count++] = double.NaN;
                }

                continue;
            }

            var value = double.CreateChecked(raw[i]);
            if (!double.IsFinite(value))
            {
                throw new FormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"'{Path}': record batch {target.BatchNumber}, row {i} of column '{target.Column}' is {value}, not a finite number; write missing values as nulls."));
            }

            destination[count++] = value;
        }

        return count;
    }

    private int ColumnIndex(Schema schema, string column)
    {
        var index = schema.GetFieldIndex(column);
        return index >= 0
            ? index
            : throw new ArgumentException(
                $"'{Path}' has no column '{column}'; its columns are: {string.Join(", ", schema.FieldsList.Select(field => field.Name))}.",
                nameof(column));
    }

    private readonly record struct CopyTarget(double[] Destination, string Column, int BatchNumber, bool KeepNulls);

    private static async Task<Schema> ReadSchemaAsync(ArrowStreamReader reader, CancellationToken cancellationToken) =>
        reader is ArrowFileReader file
            ? await file.GetSchema(cancellationToken).ConfigureAwait(false)
            : await reader.GetSchema(cancellationToken).ConfigureAwait(false);

    /// <summary>Opens the file with the reader its format needs; the reader owns (and disposes) the stream.</summary>
    private async Task<ArrowStreamReader> OpenAsync(CancellationToken cancellationToken)
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        try
        {
            var head = new byte[FileMagic.Length];
            var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            return read == head.Length && head.AsSpan().SequenceEqual(FileMagic)
                ? new ArrowFileReader(stream, leaveOpen: false)
                : new ArrowStreamReader(stream, leaveOpen: false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
