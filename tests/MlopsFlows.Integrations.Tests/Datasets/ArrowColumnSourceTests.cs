using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using MlopsFlows.Integrations.Datasets;

namespace MlopsFlows.Integrations.Tests.Datasets;

public sealed class ArrowColumnSourceTests : IDisposable
{
    private static readonly Schema Schema = new Schema.Builder()
        .Field(f => f.Name("score").DataType(DoubleType.Default).Nullable(true))
        .Field(f => f.Name("count").DataType(Int64Type.Default).Nullable(false))
        .Field(f => f.Name("segment").DataType(StringType.Default).Nullable(true))
        .Build();

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("window.arrow", true)]
    [InlineData("window.arrows", false)]
    public async Task ReadNumericAsync_FileOrStreamFormat_OneChunkPerBatchWithNulls(string name, bool fileFormat)
    {
        var path = await WriteAsync(name, fileFormat);
        var chunks = new List<(double[] Values, int Nulls)>();

        await foreach (var chunk in ColumnSources.Open(path).ReadNumericAsync("score"))
        {
            chunks.Add((chunk.Values.ToArray(), chunk.NullCount));
        }

        Assert.Equal(2, chunks.Count);
        Assert.Equal([1.5, 3.5], chunks[0].Values);
        Assert.Equal(1, chunks[0].Nulls);
        Assert.Equal([-4, 5], chunks[1].Values);
        Assert.Equal(1, chunks[1].Nulls);
    }

    [Theory]
    [InlineData("window.arrow", true)]
    [InlineData("window.arrows", false)]
    public async Task CountCategoriesAsync_StringColumn_CountsAndNulls(string name, bool fileFormat)
    {
        var path = await WriteAsync(name, fileFormat);

        var column = await new ArrowColumnSource(path).CountCategoriesAsync("segment");

        Assert.Equal(["a", "b"], column.Counts.Categories);
        Assert.Equal(3, column.Counts["a"]);
        Assert.Equal(1, column.NullCount);
    }

    [Fact]
    public async Task ReadNumericColumnAsync_Int64Column_ReadAsDoubles()
    {
        var path = await WriteAsync("window.arrow", fileFormat: true);

        var column = await new ArrowColumnSource(path).ReadNumericColumnAsync("count");

        Assert.Equal([10, 20, 30, 40, 50, 60], column.Values);
        Assert.Equal(0, column.NullRate);
    }

    [Fact]
    public async Task GetColumnNamesAsync_Schema_NamesInOrder()
    {
        var path = await WriteAsync("window.arrow", fileFormat: true);

        Assert.Equal(["score", "count", "segment"], await new ArrowColumnSource(path).GetColumnNamesAsync());
    }

    [Fact]
    public async Task ReadNumericAsync_MissingOrTextColumn_Throws()
    {
        var source = new ArrowColumnSource(await WriteAsync("window.arrow", fileFormat: true));

        await Assert.ThrowsAsync<ArgumentException>(() => source.ReadNumericColumnAsync("nope"));
        await Assert.ThrowsAsync<FormatException>(() => source.ReadNumericColumnAsync("segment"));
    }

    [Theory]
    [InlineData("window.arrow", true)]
    [InlineData("window.arrows", false)]
    public async Task ReadRowsAsync_NullsKeptInPlace_OneChunkPerBatch(string name, bool fileFormat)
    {
        var source = ColumnSources.Open(await WriteAsync(name, fileFormat));
        var scores = new List<double[]>();
        var segments = new List<string?[]>();

        await foreach (var chunk in source.ReadNumericRowsAsync("score"))
        {
            scores.Add(chunk.ToArray());
        }

        await foreach (var chunk in source.ReadCategoricalRowsAsync("segment"))
        {
            segments.Add(chunk.ToArray());
        }

        Assert.Equal([[1.5, double.NaN, 3.5], [-4, double.NaN, 5]], scores);
        Assert.Equal([["a", null, "b"], ["a", "a", "b"]], segments);
    }

    private async Task<string> WriteAsync(string name, bool fileFormat)
    {
        var path = folder.File(name);
        var stream = File.Create(path);
        await using (stream)
        {
            using var writer = fileFormat ? new ArrowFileWriter(stream, Schema) : new ArrowStreamWriter(stream, Schema);
            await writer.WriteRecordBatchAsync(Batch([1.5, null, 3.5], [10, 20, 30], ["a", null, "b"]));
            await writer.WriteRecordBatchAsync(Batch([-4, null, 5], [40, 50, 60], ["a", "a", "b"]));
            await writer.WriteEndAsync();
        }

        return path;
    }

    private static RecordBatch Batch(double?[] scores, long[] counts, string?[] segments)
    {
        var score = new DoubleArray.Builder();
        foreach (var value in scores)
        {
            if (value is { } v)
            {
                score.Append(v);
            }
            else
            {
                score.AppendNull();
            }
        }

        var segment = new StringArray.Builder();
        foreach (var value in segments)
        {
            if (value is null)
            {
                segment.AppendNull();
            }
            else
            {
                segment.Append(value);
            }
        }

        var count = new Int64Array.Builder().AppendRange(counts).Build();
        return new RecordBatch(Schema, [score.Build(), count, segment.Build()], scores.Length);
    }
}
