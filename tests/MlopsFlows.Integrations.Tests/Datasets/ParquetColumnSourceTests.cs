using MlopsFlows.Integrations.Datasets;
using Parquet;
using Parquet.Schema;

namespace MlopsFlows.Integrations.Tests.Datasets;

public sealed class ParquetColumnSourceTests : IDisposable
{
    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<int> Count = new("count");
    private static readonly DataField<string> Segment = new("segment");

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task ReadNumericAsync_TwoRowGroupsWithNulls_OneChunkPerGroup()
    {
        var path = await WriteAsync();
        var chunks = new List<(double[] Values, int Nulls)>();

        await foreach (var chunk in new ParquetColumnSource(path).ReadNumericAsync("score"))
        {
            chunks.Add((chunk.Values.ToArray(), chunk.NullCount));
        }

        Assert.Equal(2, chunks.Count);
        Assert.Equal([1.5, 3.5], chunks[0].Values);
        Assert.Equal(1, chunks[0].Nulls);
        Assert.Equal([-4, 5, 6], chunks[1].Values);
        Assert.Equal(0, chunks[1].Nulls);
    }

    [Fact]
    public async Task ReadNumericColumnAsync_IntegerColumn_ReadAsDoubles()
    {
        var path = await WriteAsync();

        var column = await new ParquetColumnSource(path).ReadNumericColumnAsync("count");

        Assert.Equal([10, 20, 30, 40, 50, 60], column.Values);
        Assert.Equal(0, column.NullCount);
    }

    [Fact]
    public async Task CountCategoriesAsync_StringColumnWithNulls_CountsAndNullRate()
    {
        var path = await WriteAsync();

        var column = await new ParquetColumnSource(path).CountCategoriesAsync("segment");

        Assert.Equal(["a", "b"], column.Counts.Categories);
        Assert.Equal(3, column.Counts["a"]);
        Assert.Equal(2, column.NullCount);
        Assert.Equal(2 / 6.0, column.NullRate, 12);
    }

    [Fact]
    public async Task GetColumnNamesAsync_Schema_NamesInOrder()
    {
        var path = await WriteAsync();

        Assert.Equal(["score", "count", "segment"], await new ParquetColumnSource(path).GetColumnNamesAsync());
    }

    [Fact]
    public async Task ReadNumericAsync_MissingOrTextColumn_Throws()
    {
        var path = await WriteAsync();
        var source = new ParquetColumnSource(path);

        await Assert.ThrowsAsync<ArgumentException>(() => source.ReadNumericColumnAsync("nope"));
        await Assert.ThrowsAsync<FormatException>(() => source.ReadNumericColumnAsync("segment"));
    }

    [Fact]
    public async Task ReadRowsAsync_NullsKeptInPlace_OneChunkPerGroup()
    {
        var source = new ParquetColumnSource(await WriteAsync());
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

        Assert.Equal([[1.5, double.NaN, 3.5], [-4, 5, 6]], scores);
        Assert.Equal([["a", null, "b"], ["a", "a", null]], segments);
    }

    [Fact]
    public async Task Open_ParquetExtension_ParquetSource() =>
        Assert.IsType<ParquetColumnSource>(ColumnSources.Open(await WriteAsync()));

    private async Task<string> WriteAsync()
    {
        var path = folder.File("window.parquet");
        var stream = File.Create(path);
        await using (stream)
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Score, Count, Segment), stream);
            await WriteGroupAsync(writer, [1.5, null, 3.5], [10, 20, 30], ["a", null, "b"]);
            await WriteGroupAsync(writer, [-4, 5, 6], [40, 50, 60], ["a", "a", null]);
        }

        return path;
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, double?[] scores, int[] counts, string?[] segments)
    {
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<double>(Score, scores.AsMemory());
        await group.WriteAsync<int>(Count, counts.AsMemory());
        await group.WriteAsync(Segment, segments);
    }
}
