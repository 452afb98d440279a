using System.Globalization;
using System.Text;
using MlopsFlows.Integrations.Datasets;

namespace MlopsFlows.Integrations.Tests.Datasets;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class CsvColumnSourceTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task ReadNumericAsync_QuotesNullsAndCrLf_ValuesAndNullRate()
    {
        var path = Write(
            "quoted.csv",
            "id,\"score\",note\r\n" +
            "1,0.5,plain\r\n" +
            "2,,\"comma, inside\"\r\n" +
            "3,\"1e3\",\"line\r\nbreak\"\r\n" +
            "\r\n" +
            "4,-2.25,\"say \"\"hi\"\"\"\r\n" +
            "5,\"\",last");

        var column = await new CsvColumnSource(path).ReadNumericColumnAsync("score");

        Assert.Equal([0.5, 1000, -2.25], column.Values);
        Assert.Equal(2, column.NullCount);
        Assert.Equal(0.4, column.NullRate, 12);
    }

    [Fact]
    public async Task ReadCategoricalAsync_QuotedValues_UnescapedAndCounted()
    {
        var path = Write(
            "categories.csv",
            "id,note\n1,plain\n2,\"comma, inside\"\n3,\"line\nbreak\"\n4,\"say \"\"hi\"\"\"\n5,\n6,plain\n");

        var column = await new CsvColumnSource(path).CountCategoriesAsync("note");

        Assert.Equal(["comma, inside", "line\nbreak", "plain", "say \"hi\""], column.Counts.Categories);
        Assert.Equal(2, column.Counts["plain"]);
        Assert.Equal(1, column.NullCount);
    }

    [Fact]
    public async Task GetColumnNamesAsync_HeaderWithBom_NamesInOrder()
    {
        var path = folder.File("bom.csv");
        await File.WriteAllTextAsync(path, "a,\"b c\",d\n1,2,3\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var names = await new CsvColumnSource(path).GetColumnNamesAsync();

        Assert.Equal(["a", "b c", "d"], names);
    }

    [Fact]
    public async Task ReadNumericAsync_NotANumber_FormatExceptionNamesFileLineAndColumn()
    {
        var path = Write("bad.csv", "id,score\n1,0.5\n2,\"multi\nline\"\nx3,4\n");
        var error = await Assert.ThrowsAsync<FormatException>(() => new CsvColumnSource(path).ReadNumericColumnAsync("id"));
        Assert.Contains("line 5, column 1 ('id'): 'x3' is not a finite number", error.Message, StringComparison.Ordinal);

        var bad = await Assert.ThrowsAsync<FormatException>(() => new CsvColumnSource(path).ReadNumericColumnAsync("score"));

        Assert.Contains(path, bad.Message, StringComparison.Ordinal);
        Assert.Contains("line 3, column 2 ('score')", bad.Message, StringComparison.Ordinal);
        Assert.Contains("'multi\nline'", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadNumericAsync_RaggedRowOrNaN_FormatExceptionNamesLine()
    {
        var path = Write("bad-late.csv", "id,score\n1,\"2\"\n2,\"3\"\n3,1,5e\n");
        var error = await Assert.ThrowsAsync<FormatException>(() => new CsvColumnSource(path).ReadNumericColumnAsync("score"));
        Assert.Contains("line 4 has 3 fields; the header has 2", error.Message, StringComparison.Ordinal);

        var nan = Write("nan.csv", "x\n1\nNaN\n");
        var notFinite = await Assert.ThrowsAsync<FormatException>(() => new CsvColumnSource(nan).ReadNumericColumnAsync("x"));
        Assert.Contains("line 3, column 1 ('x'): 'NaN' is not a finite number", notFinite.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadNumericAsync_UnclosedQuote_FormatException()
    {
        var path = Write("unclosed.csv", "a,b\n1,\"open\n2,3\n");

        var error = await Assert.ThrowsAsync<FormatException>(() => new CsvColumnSource(path).ReadNumericColumnAsync("a"));

        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadNumericAsync_MissingColumn_ArgumentExceptionListsColumns()
    {
        var path = Write("columns.csv", "a,b\n1,2\n");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new CsvColumnSource(path).ReadNumericColumnAsync("c"));

        Assert.Contains("its columns are: a, b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadNumericAsync_TwoMillionRows_ChunksBoundedAndHeapFarBelowFileSize()
    {
        const int rows = 2_000_000;
        var path = folder.File("large.csv");
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteLineAsync("id,value,segment");
            var random = new Random(5);
            var line = new StringBuilder();
            for (var i = 0; i < rows; i++)
            {
                line.Clear();
                line.Append(i).Append(',');
                if (i % 100 != 0)
                {
                    line.Append((random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture));
                }

                line.Append(",seg").Append(i % 7);
                await writer.WriteLineAsync(line);
            }
        }

        var fileSize = new FileInfo(path).Length;
        var source = new CsvColumnSource(path);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peakGrowth = 0, values = 0, nulls = 0;
        var largestChunk = 0;
        var chunks = 0;
        var sum = 0.0;
        await foreach (var chunk in source.ReadNumericAsync("value"))
        {
            largestChunk = Math.Max(largestChunk, chunk.RowCount);
            values += chunk.Values.Length;
            nulls += chunk.NullCount;
            foreach (var value in chunk.Values.Span)
            {
                sum += value;
            }

            // Live objects only (a full collection every few chunks): garbage, ours or another test's, is not growth.
            if (++chunks % 8 == 0)
            {
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.True(fileSize > 40_000_000, $"file of {fileSize} bytes");
        Assert.Equal(rows / 100, nulls);
        Assert.Equal(rows - (rows / 100), values);
        Assert.InRange(sum / values, 490, 510);
        Assert.True(largestChunk <= CsvColumnSource.DefaultChunkSize + 32 * 1024, $"chunk of {largestChunk} rows");
        Assert.True(peakGrowth < fileSize / 10, $"managed heap grew by {peakGrowth:N0} bytes reading a {fileSize:N0}-byte file");

        var sketched = await source.SketchNumericAsync("id");
        Assert.Equal(rows, sketched.Sketch.Count);
        Assert.InRange(sketched.Sketch.Quantile(0.5), rows * (0.5 - sketched.Sketch.RankErrorBound), rows * (0.5 + sketched.Sketch.RankErrorBound));

        var segments = await source.CountCategoriesAsync("segment");
        Assert.Equal(7, segments.Counts.Categories.Count);
        Assert.Equal(rows, segments.Counts.Total);
    }

    [Fact]
    public async Task ReadRowsAsync_NullsKeptInPlace_RowsLineUpAcrossColumns()
    {
        var path = Write("aligned.csv", "label,score,segment\n1,0.5,a\n0,,\n1,\"2\",\"\"\n\n0,-1,b\n");
        var source = new CsvColumnSource(path, chunkSize: 2);
        var scores = new List<double>();
        var segments = new List<string?>();

        await foreach (var chunk in source.ReadNumericRowsAsync("score"))
        {
            scores.AddRange(chunk.Span);
        }

        await foreach (var chunk in source.ReadCategoricalRowsAsync("segment"))
        {
            segments.AddRange(chunk.Span);
        }

        Assert.Equal([0.5, double.NaN, 2, -1], scores);
        Assert.Equal(["a", null, null, "b"], segments);
    }

    private string Write(string name, string content)
    {
        var path = folder.File(name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}

/// <summary>Tests that measure the managed heap run alone, so other tests' allocations do not count as theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurements";
}
