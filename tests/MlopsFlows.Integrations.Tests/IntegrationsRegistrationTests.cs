using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Audit;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests;

public sealed class IntegrationsRegistrationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1234567890123456.7.azuredatabricks.net",
        ["MlopsFlows:Evidence:ConnectionString"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void AddMlopsFlowsIntegrations_ValidSettings_ResolvesEveryPort()
    {
        using var services = Build(Valid);

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<DatabricksModelRegistry>(services.GetRequiredService<IModelRegistry>());
        Assert.IsType<DatabricksServingEndpoints>(services.GetRequiredService<IServingEndpoints>());
        Assert.IsType<DatabricksServingTelemetry>(services.GetRequiredService<IServingTelemetry>());
        Assert.IsType<DatabricksCanaryTelemetry>(services.GetRequiredService<ICanaryTelemetry>());
        Assert.IsType<DatabricksShadowTraffic>(services.GetRequiredService<IShadowTraffic>());
        Assert.IsType<FileEvaluationData>(services.GetRequiredService<IEvaluationData>());
        Assert.IsType<ConfiguredApproverDirectory>(services.GetRequiredService<IApproverDirectory>());
        Assert.IsType<AzureEvidenceStore>(services.GetRequiredService<IEvidenceStore>());
        Assert.IsType<CompositeApprovalNotifier>(services.GetRequiredService<IApprovalNotifier>());
        Assert.Same(services.GetRequiredService<IEvidenceStore>(), services.GetRequiredService<IEvidenceStore>());
        Assert.NotNull(services.GetRequiredService<EvidenceVerifier>());
        Assert.IsType<ChromiumPdfRenderer>(services.GetRequiredService<IPacketPdfRenderer>());
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:00")]
    public void AddMlopsFlowsIntegrations_PdfTimeoutOutOfRange_FailsAtStart(string timeout)
    {
        using var services = Build(new Dictionary<string, string?>(Valid) { ["MlopsFlows:Packets:PdfTimeout"] = timeout });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("PdfTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PacketOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new PacketOptions();

        Assert.Equal((null, TimeSpan.FromSeconds(60)), (options.ChromiumPath, options.PdfTimeout));
    }

    [Fact]
    public void AddMlopsFlowsIntegrations_NoEvidenceStorage_FailsAtStart()
    {
        using var services = Build(new Dictionary<string, string?> { ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1.azuredatabricks.net" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("BlobServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMlopsFlowsIntegrations_ServiceUrisInsteadOfConnectionString_Pass()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1.azuredatabricks.net",
            ["MlopsFlows:Evidence:BlobServiceUri"] = "https://acct.blob.core.windows.net",
            ["MlopsFlows:Evidence:TableServiceUri"] = "https://acct.table.core.windows.net",
        });

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<AzureEvidenceStore>(services.GetRequiredService<IEvidenceStore>());
    }

    [Theory]
    [InlineData("ContainerName", "Evidence_Bad")]
    [InlineData("TableName", "evidence-index")]
    public void AddMlopsFlowsIntegrations_BadStorageName_FailsAtStart(string key, string value)
    {
        using var services = Build(new Dictionary<string, string?>(Valid) { [$"MlopsFlows:Evidence:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MlopsFlows:Databricks:Canary:PredictionsUrl", "predictions/relative", "PredictionsUrl")]
    [InlineData("MlopsFlows:Databricks:Canary:SampleCap", "5", "SampleCap")]
    [InlineData("MlopsFlows:Databricks:Shadow:MaxRequests", "0", "MaxRequests")]
    [InlineData("MlopsFlows:Databricks:MaxArtefacts", "0", "MaxArtefacts")]
    [InlineData("MlopsFlows:EvaluationData:Root", " ", "Root")]
    public void AddMlopsFlowsIntegrations_BadObservationSetting_FailsAtStart(string key, string value, string expected)
    {
        using var services = Build(new Dictionary<string, string?>(Valid) { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ObservationOptions_Defaults_AreTheDocumentedOnes()
    {
        var canary = new CanaryTelemetryOptions();
        var shadow = new ShadowReplayOptions();
        var databricks = new DatabricksOptions();

        Assert.Equal((1_000, null), (canary.SampleCap, canary.PredictionsUrl));
        Assert.Equal((null, 200, TimeSpan.FromSeconds(30)), (shadow.SamplesDirectory, shadow.MaxRequests, shadow.InvocationTimeout));
        Assert.Equal((1_000, 4), (databricks.MaxArtefacts, databricks.MaxArtefactDepth));
        Assert.Equal(".", new EvaluationDataOptions().Root);
    }

    [Fact]
    public void EvidenceStorageOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new EvidenceStorageOptions();

        Assert.Equal(("evidence", "EvidenceIndex"), (options.ContainerName, options.TableName));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddMlopsFlowsIntegrations(TestServices.Configuration(settings)).BuildServiceProvider();
}
