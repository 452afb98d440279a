using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Workflows.Ports;
using Parquet;
using Parquet.Schema;

namespace MlopsFlows.Integrations.Tests.Datasets;

public sealed class FileEvaluationDataTests : IDisposable
{
    private const string Csv = "id,income,region,label\n1,100,north,1\n2,,south,0\n3,300,,1\n";

    private const string Schema = """
        [
          { "name": "income", "kind": "numeric", "nullable": true, "min": 0, "max": 1000000, "maxNullRate": 0.5 },
          { "name": "region", "kind": "categorical", "nullable": false, "allowedCategories": ["north", "south"] },
          { "name": "label", "kind": "Numeric" }
        ]
        """;

    private readonly TemporaryFolder root = new();
    private readonly TemporaryFolder outside = new();

    public FileEvaluationDataTests()
    {
        Directory.CreateDirectory(root.File("eval"));
        File.WriteAllText(root.File("eval/credit.csv"), Csv);
        File.WriteAllText(root.File("eval/credit.csv.schema.json"), Schema);
        File.WriteAllText(outside.File("secret.csv"), Csv);
    }

    public void Dispose()
    {
        root.Dispose();
        outside.Dispose();
    }

    [Fact]
    public async Task ReadColumnsAsync_AllColumns_RowAlignedByDeclaredOrFoundKind()
    {
        var columns = await Data().ReadColumnsAsync(Set("eval/credit.csv"), null, CancellationToken.None);

        Assert.Equal(3, columns.Rows);
        Assert.Equal(["id", "income", "label"], columns.Numeric.Keys.Order());
        Assert.Equal([100, double.NaN, 300], columns.Numeric["income"]);
        Assert.Equal([1, 0, 1], columns.Numeric["label"]);
        AssertTexts(Assert.Single(columns.Categorical, c => c.Key == "region").Value, "north", "south", null);
    }

    [Fact]
    public async Task ReadColumnsAsync_NamedColumns_ReadsOnlyThose()
    {
        var columns = await Data().ReadColumnsAsync(Set("eval/credit.csv"), ["label", "region"], CancellationToken.None);

        Assert.Equal(["label"], columns.Numeric.Keys);
        Assert.Equal(["region"], columns.Categorical.Keys);
        Assert.Equal(3, columns.Rows);
    }

    [Fact]
    public async Task ReadColumnsAsync_DeclaredNumericButText_ReadAsCategoricalForTheGateToSee()
    {
        File.WriteAllText(root.File("eval/credit.csv.schema.json"), """[{ "name": "region", "kind": "numeric" }]""");

        var columns = await Data().ReadColumnsAsync(Set("eval/credit.csv"), ["region"], CancellationToken.None);

        Assert.Empty(columns.Numeric);
        AssertTexts(columns.Categorical["region"], "north", "south", null);
    }

    [Fact]
    public async Task ReadColumnsAsync_ParquetFile_RowAlignedWithNulls()
    {
        var score = new DataField<double?>("score");
        var segment = new DataField<string>("segment");
        var stream = File.Create(root.File("eval/scores.parquet"));
        await using (stream)
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(score, segment), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(score, new double?[] { 0.9, null, 0.1 }.AsMemory());
            await group.WriteAsync(segment, new string?[] { null, "b", "c" });
        }

        var columns = await Data().ReadColumnsAsync(Set("file:eval/scores.parquet"), null, CancellationToken.None);

        Assert.Equal([0.9, double.NaN, 0.1], columns.Numeric["score"]);
        AssertTexts(columns.Categorical["segment"], null, "b", "c");
    }

    [Fact]
    public async Task ReadDeclaredSchemaAsync_SchemaBesideTheFile_ReadsCamelCaseColumns()
    {
        var schema = await Data().ReadDeclaredSchemaAsync(Set("eval/credit.csv"), CancellationToken.None);

        Assert.NotNull(schema);
        Assert.Equal(
            [
                new DeclaredColumn("income", ColumnKind.Numeric, true, 0, 1_000_000, null, 0.5),
                new DeclaredColumn("region", ColumnKind.Categorical, false, AllowedCategories: schema.Columns[1].AllowedCategories),
                new DeclaredColumn("label", ColumnKind.Numeric),
            ],
            schema.Columns);
        Assert.Equal(["north", "south"], schema.Columns[1].AllowedCategories!);
    }

    [Fact]
    public async Task ReadDeclaredSchemaAsync_NoSchemaFile_ReturnsNull()
    {
        File.Delete(root.File("eval/credit.csv.schema.json"));

        Assert.Null(await Data().ReadDeclaredSchemaAsync(Set("eval/credit.csv"), CancellationToken.None));
    }

    [Theory]
    [InlineData("""[{ "name": "a", "kind": "text" }]""", "not a JSON array")]
    [InlineData("""[{ "kind": "numeric" }]""", "not a JSON array")]
    [InlineData("""[{ "name": "a", "kind": 0 }]""", "not a JSON array")]
    [InlineData("""{ "name": "a" }""", "not a JSON array")]
    [InlineData("""[{ "name": " ", "kind": "numeric" }]""", "has no name")]
    [InlineData("""[{ "name": "a", "kind": "numeric" }, { "name": "a", "kind": "categorical" }]""", "declared twice")]
    public async Task ReadDeclaredSchemaAsync_BadSchema_ThrowsNamingTheFile(string json, string expected)
    {
        File.WriteAllText(root.File("eval/credit.csv.schema.json"), json);

        var error = await Assert.ThrowsAsync<FormatException>(() => Data().ReadDeclaredSchemaAsync(Set("eval/credit.csv"), CancellationToken.None));

        Assert.Contains("credit.csv.schema.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadColumnsAsync_PathsEscapingTheRoot_AreRefused()
    {
        var data = Data();
        string[] escapes =
        [
            "../" + Path.GetFileName(outside.Path) + "/secret.csv",
            "eval/../../" + Path.GetFileName(outside.Path) + "/secret.csv",
            outside.File("secret.csv"),
            new Uri(outside.File("secret.csv")).AbsoluteUri,
            "file:../" + Path.GetFileName(outside.Path) + "/secret.csv",
        ];

        foreach (var uri in escapes)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => data.ReadColumnsAsync(Set(uri), null, CancellationToken.None));
            Assert.Contains("outside the evaluation data root", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => data.ReadDeclaredSchemaAsync(Set(uri), CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReadColumnsAsync_FileUrisAndAbsolutePathsInsideTheRoot_AreRead()
    {
        File.Copy(root.File("eval/credit.csv"), root.File("eval/credit set.csv"));
        var data = Data();
        string[] inside =
        [
            "file:eval/credit.csv",
            "./eval/credit.csv",
            root.File("eval/credit.csv"),
            new Uri(root.File("eval/credit set.csv")).AbsoluteUri,
            "file://localhost" + new Uri(root.File("eval/credit set.csv")).AbsolutePath,
        ];

        foreach (var uri in inside)
        {
            Assert.Equal(3, (await data.ReadColumnsAsync(Set(uri), ["label"], CancellationToken.None)).Rows);
        }
    }

    [Fact]
    public async Task ReadColumnsAsync_OtherScheme_IsNotSupported() =>
        await Assert.ThrowsAsync<NotSupportedException>(() => Data().ReadColumnsAsync(Set("dbfs:/eval/credit.csv"), null, CancellationToken.None));

    [Fact]
    public async Task ReadColumnsAsync_MissingFileOrColumn_ThrowsDependencyNotFound()
    {
        var data = Data();

        await Assert.ThrowsAsync<DependencyNotFoundException>(() => data.ReadColumnsAsync(Set("eval/none.csv"), null, CancellationToken.None));
        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(() => data.ReadColumnsAsync(Set("eval/credit.csv"), ["label", "gender"], CancellationToken.None));
        Assert.Contains("'gender'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadColumnsAsync_ContentHashVersion_IsChecked()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(root.File("eval/credit.csv"))));
        var data = Data();

        Assert.Equal(3, (await data.ReadColumnsAsync(new EvaluationSetRef("eval/credit.csv", "sha256:" + hash), ["label"], CancellationToken.None)).Rows);
        Assert.Equal(3, (await data.ReadColumnsAsync(new EvaluationSetRef("eval/credit.csv", "v7"), ["label"], CancellationToken.None)).Rows);
        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => data.ReadColumnsAsync(new EvaluationSetRef("eval/credit.csv", "sha256:" + new string('0', 64)), ["label"], CancellationToken.None));
        Assert.Contains("sha256:" + hash, error.Message, StringComparison.Ordinal);
    }

    private FileEvaluationData Data() =>
        new(Options.Create(new EvaluationDataOptions { Root = root.Path }), NullLogger<FileEvaluationData>.Instance);

    private static EvaluationSetRef Set(string uri) => new(uri, "1");

    private static void AssertTexts(string?[] actual, params string?[] expected) =>
        Assert.Equal(expected.Select(v => v ?? "(null)"), actual.Select(v => v ?? "(null)"));
}
