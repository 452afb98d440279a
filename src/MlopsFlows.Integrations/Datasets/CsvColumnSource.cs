using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MlopsFlows.Integrations.Datasets;

/// <summary>
/// Reads one column of a CSV file at a time, streaming: RFC 4180 (comma separated, a header row, fields optionally in
/// double quotes with <c>""</c> for a quote and line breaks allowed inside quotes; CRLF or LF line ends), UTF-8 with
/// or without a byte-order mark, numbers in the invariant culture.
/// </summary>
/// <remarks>
/// Memory is one character buffer and one chunk of values, whatever the file size. An empty field (<c>a,,b</c> or
/// <c>a,"",b</c>) is a null. Every record must have as many fields as the header; a blank line is skipped. Errors are
/// <see cref="FormatException"/>s naming the file, the line and the column.
/// </remarks>
public sealed class CsvColumnSource : IColumnSource
{
    /// <summary>Values per chunk unless told otherwise (65,536: half a megabyte of doubles).</summary>
    public const int DefaultChunkSize = 65_536;

    private const int CharBufferSize = 64 * 1024;

    private readonly int chunkSize;

    /// <summary>A source over <paramref name="path"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="chunkSize">The most values in one chunk; at least 1.</param>
    public CsvColumnSource(string path, int chunkSize = DefaultChunkSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        Path = path;
        this.chunkSize = chunkSize;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetColumnNamesAsync(CancellationToken cancellationToken = default)
    {
        var parser = new HeaderOnlyParser(Path);
        await ReadHeaderAsync(parser, cancellationToken).ConfigureAwait(false);
        return parser.Header ?? throw new FormatException($"'{Path}': the file is empty; a CSV needs a header row.");
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<NumericChunk> ReadNumericAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var parser = new NumericParser(Path, column, chunkSize, keepNulls: false);
        await foreach (var _ in ChunksAsync(parser, cancellationToken).ConfigureAwait(false))
        {
            yield return new NumericChunk(parser.Values.AsMemory(0, parser.ValueCount), parser.NullCount);
            parser.ResetChunk();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CategoricalChunk> ReadCategoricalAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var parser = new CategoricalParser(Path, column, chunkSize, keepNulls: false);
        await foreach (var _ in ChunksAsync(parser, cancellationToken).ConfigureAwait(false))
        {
            yield return new CategoricalChunk(parser.Values.AsMemory(0, parser.ValueCount), parser.NullCount);
            parser.ResetChunk();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<double>> ReadNumericRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var parser = new NumericParser(Path, column, chunkSize, keepNulls: true);
        await foreach (var _ in ChunksAsync(parser, cancellationToken).ConfigureAwait(false))
        {
            yield return parser.Values.AsMemory(0, parser.ValueCount);
            parser.ResetChunk();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<string?>> ReadCategoricalRowsAsync(string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var parser = new CategoricalParser(Path, column, chunkSize, keepNulls: true);
        await foreach (var _ in ChunksAsync(parser, cancellationToken).ConfigureAwait(false))
        {
            yield return ((string?[])parser.Values).AsMemory(0, parser.ValueCount);
            parser.ResetChunk();
        }
    }

    /// <summary>Feeds the file through <paramref name="parser"/>, pausing whenever it holds a full chunk (and once at the end).</summary>
    private async IAsyncEnumerable<bool> ChunksAsync(ColumnParser parser, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: CharBufferSize);
        var buffer = new char[CharBufferSize];
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                parser.Complete();
                break;
            }

            parser.Feed(buffer.AsSpan(0, read));

            // One buffer of characters holds at most half as many records, so a chunk overflows by at most that much.
            if (parser.ChunkRows >= chunkSize)
            {
                yield return true;
            }
        }

        if (parser.Header is null)
        {
            throw new FormatException($"'{Path}': the file is empty; a CSV needs a header row.");
        }

        if (parser.ChunkRows > 0)
        {
            yield return true;
        }
    }

    private async Task ReadHeaderAsync(ColumnParser parser, CancellationToken cancellationToken)
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096);
        var buffer = new char[4096];
        while (parser.Header is null)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                parser.Complete();
                break;
            }

            parser.Feed(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// An RFC 4180 push parser: characters go in as they are read, in pieces of any size; the first record becomes the
    /// header, and of every later record only the target column's field is kept and handed to <see cref="OnValue"/>.
    /// </summary>
    private abstract class ColumnParser(string path, string? column)
    {
        private enum State
        {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }

        private readonly List<string> headerFields = [];
        private char[] field = new char[256];
        private int fieldLength;
        private State state = State.FieldStart;
        private bool skipLineFeed;
        private bool recordHasContent;
        private int fieldIndex;
        private long line = 1;
        private long recordLine = 1;
        private int targetIndex = -1;

        public IReadOnlyList<string>? Header { get; private set; }

        public int NullCount { get; protected set; }

        public int ValueCount { get; protected set; }

        public int ChunkRows => ValueCount + NullCount;

        protected string Path => path;

        public void ResetChunk()
        {
            ValueCount = 0;
            NullCount = 0;
        }

        public void Feed(ReadOnlySpan<char> chars)
        {
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if (skipLineFeed)
                {
                    skipLineFeed = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }

                switch (state)
                {
                    case State.FieldStart:
                        if (c == '"')
                        {
                            state = State.Quoted;
                            recordHasContent = true;
                        }
                        else if (c == ',')
                        {
                            recordHasContent = true;
                            EndField();
                        }
                        else if (c is '\n' or '\r')
                        {
                            EndRecord(c);
                        }
                        else
                        {
                            state = State.Unquoted;
                            recordHasContent = true;
                            Keep(c);
                        }

                        break;

                    case State.Unquoted:
                        if (c == ',')
                        {
                            EndField();
                            state = State.FieldStart;
                        }
                        else if (c is '\n' or '\r')
                        {
                            EndRecord(c);
                        }
                        else
                        {
                            Keep(c);
                        }

                        break;

                    case State.Quoted:
                        if (c == '"')
                        {
                            state = State.QuoteInQuoted;
                        }
                        else
                        {
                            if (c == '\n')
                            {
                                line++;
                            }

                            Keep(c);
                        }

                        break;

                    case State.QuoteInQuoted:
                        if (c == '"')
                        {
                            Keep('"');
                            state = State.Quoted;
                        }
                        else if (c == ',')
                        {
                            EndField();
                            state = State.FieldStart;
                        }
                        else if (c is '\n' or '\r')
                        {
                            EndRecord(c);
                        }
                        else
                        {
                            throw new FormatException(
                                string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"'{path}': line {line}, column {fieldIndex + 1}: unexpected '{c}' after a closing quote; a quote inside a quoted field is written \"\"."));
                        }

                        break;
                }

                if (Header is not null && column is null)
                {
                    return;
                }
            }
        }

        public void Complete()
        {
            if (state == State.Quoted)
            {
                throw new FormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"'{path}': the quoted field in column {fieldIndex + 1} of the record at line {recordLine} is never closed."));
            }

            if (recordHasContent || fieldIndex > 0)
            {
                EndRecord('\n');
            }
        }

        protected abstract void OnValue(ReadOnlySpan<char> text, long lineNumber, int columnNumber);

        /// <summary>An empty field: counted by default; a row-aligned parser stores a placeholder instead.</summary>
        protected virtual void OnNull() => NullCount++;

        protected string ColumnName => column!;

        private void Keep(char c)
        {
            if (Header is not null && fieldIndex != targetIndex)
            {
                return;
            }

            if (fieldLength == field.Length)
            {
                Array.Resize(ref field, field.Length * 2);
            }

            field[fieldLength++] = c;
        }

        private void EndField()
        {
            if (Header is null)
            {
                headerFields.Add(new string(field, 0, fieldLength));
            }
            else if (fieldIndex == targetIndex)
            {
                if (fieldLength == 0)
                {
                    OnNull();
                }
                else
                {
                    OnValue(field.AsSpan(0, fieldLength), recordLine, fieldIndex + 1);
                }
            }

            fieldLength = 0;
            fieldIndex++;
        }

        private void EndRecord(char lineEnd)
        {
            if (!recordHasContent && fieldIndex == 0)
            {
                // A blank line: not a record.
                NextLine(lineEnd);
                recordLine = line;
                return;
            }

            EndField();
            if (Header is null)
            {
                Header = headerFields.AsReadOnly();
                if (column is not null)
                {
                    targetIndex = headerFields.IndexOf(column);
                    if (targetIndex < 0)
                    {
                        throw new ArgumentException(
                            $"'{path}' has no column '{column}'; its columns are: {string.Join(", ", headerFields)}.");
                    }
                }
            }
            else if (fieldIndex != headerFields.Count)
            {
                throw new FormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"'{path}': the record at line {recordLine} has {fieldIndex} fields; the header has {headerFields.Count}."));
            }

            fieldIndex = 0;
            recordHasContent = false;
            state = State.FieldStart;
            NextLine(lineEnd);
            recordLine = line;
        }

        private void NextLine(char lineEnd)
        {
            line++;
            skipLineFeed = lineEnd == '\r';
        }
    }

    private sealed class HeaderOnlyParser(string path) : ColumnParser(path, null)
    {
        protected override void OnValue(ReadOnlySpan<char> text, long lineNumber, int columnNumber)
        {
        }
    }

    private sealed class NumericParser(string path, string column, int chunkSize, bool keepNulls) : ColumnParser(path, column)
    {
        public double[] Values { get; private set; } = new double[chunkSize + CharBufferSize];

        protected override void OnNull()
        {
            if (keepNulls)
            {
                Values[ValueCount++] = double.NaN;
            }
            else
            {
                base.OnNull();
            }
        }

        protected override void OnValue(ReadOnlySpan<char> text, long lineNumber, int columnNumber)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new FormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"'{Path}': line {lineNumber}, column {columnNumber} ('{ColumnName}'): '{text}' is not a finite number."));
            }

            Values[ValueCount++] = value;
        }
    }

    private sealed class CategoricalParser(string path, string column, int chunkSize, bool keepNulls) : ColumnParser(path, column)
    {
        public string[] Values { get; private set; } = new string[chunkSize + CharBufferSize];

        protected override void OnNull()
        {
            if (keepNulls)
            {
                Values[ValueCount++] = null!;
            }
            else
            {
                base.OnNull();
            }
        }

        protected override void OnValue(ReadOnlySpan<char> text, long lineNumber, int columnNumber) => Values[ValueCount++] = new string(text);
    }
}
