using MlopsFlows.Integrations.Databricks;

namespace MlopsFlows.Integrations.Tests.Databricks;

/// <summary>The lineage parsing helpers on their own; the adapter's reads are in <see cref="DatabricksModelRegistryTests"/>.</summary>
public sealed class MlflowLineageTests
{
    [Theory]
    [InlineData("""{"delta_table_name":"main.credit.loans","delta_table_version":42,"path":"/x"}""", "main.credit.loans", "42")]
    [InlineData("""{"path":"dbfs:/loans","version":"v9"}""", "dbfs:/loans", "v9")]
    [InlineData("""{"uri":"s3://b/k"}""", "s3://b/k", null)]
    [InlineData("""{"delta_table_version":{"nested":1}}""", """{"delta_table_version":{"nested":1}}""", null)]
    [InlineData("""[1,2]""", "[1,2]", null)]
    [InlineData("\"dbfs:/plain\"", "dbfs:/plain", null)]
    [InlineData("not json at all", "not json at all", null)]
    [InlineData("", null, null)]
    public void ReadSource_AnySourceText_NamesTheTableOrPathAndVersionWithoutThrowing(string source, string? expectedSource, string? expectedVersion)
    {
        Assert.Equal((expectedSource, expectedVersion), MlflowLineage.ReadSource(source));
    }

    [Fact]
    public void FeaturesOf_FeaturesTag_WinsOverTheSchemaAndKeepsItsOrder()
    {
        var tags = new Dictionary<string, string> { ["features"] = " utilisation, income ,, income", ["target"] = "income" };
        MlflowDatasetInput[] inputs =
        [
            new([new MlflowTag("mlflow.data.context", "training")], new MlflowDataset("d", null, null, null, """{"mlflow_colspec":[{"name":"other"}]}""")),
        ];

        Assert.Equal(["utilisation", "income"], MlflowLineage.FeaturesOf(tags, inputs));
    }

    [Fact]
    public void EnvironmentOf_DatabricksRuntimeTag_WinsOverTheMlflowRuntimeVersion()
    {
        var runTags = new Dictionary<string, string> { ["mlflow.runtime.version"] = "2.19.0", ["mlflow.databricks.runtime"] = "16.4.x-cpu-ml-scala2.12" };

        var environment = MlflowLineage.EnvironmentOf(new Dictionary<string, string>(), runTags);

        Assert.Equal("16.4.x-cpu-ml-scala2.12", Assert.Single(environment, e => e.Key == "databricks_runtime").Value);
    }
}
