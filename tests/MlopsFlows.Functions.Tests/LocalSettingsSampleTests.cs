using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Api;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Functions.Tests.Support;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Policies;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Workflows;

namespace MlopsFlows.Functions.Tests;

public class LocalSettingsSampleTests
{
    private static IReadOnlyDictionary<string, string> Values =>
        FunctionsApp.LocalSettings.GetProperty(nameof(Values)).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);

    /// <summary>The app's settings as the isolated worker reads them: environment variables, '__' for ':'.</summary>
    private static IConfiguration Configuration =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(Values.ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value))
            .Build();

    /// <summary>The services Program.cs registers, over the sample's settings.</summary>
    private static ServiceProvider AppServices()
    {
        var configuration = Configuration;
        var services = new ServiceCollection().AddLogging();
        services.AddReleasesApi(configuration);
        services.AddMlopsFlowsIntegrations(configuration);
        services.AddPolicies(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    [Fact]
    public void LocalSettingsSample_Host_IsUnencryptedIsolatedWorkerOnAzurite()
    {
        Assert.False(FunctionsApp.LocalSettings.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("dotnet-isolated", Values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", Values["AzureWebJobsStorage"]);
    }

    [Theory]
    [InlineData(DatabricksOptions.SectionName, nameof(DatabricksOptions.WorkspaceUrl))]
    [InlineData(DatabricksOptions.SectionName, nameof(DatabricksOptions.Token))]
    [InlineData(EvidenceStorageOptions.SectionName, nameof(EvidenceStorageOptions.ConnectionString))]
    [InlineData(PolicyOptions.SectionName, nameof(PolicyOptions.Active))]
    public void LocalSettingsSample_AppSetting_IsPresentWithDoubleUnderscores(string section, string key)
    {
        var name = $"{section}:{key}".Replace(":", "__", StringComparison.Ordinal);

        Assert.Contains(name, Values.Keys);
    }

    [Fact]
    public void LocalSettingsSample_AppSettings_PassStartupValidation()
    {
        using var services = AppServices();

        // .Value runs the same validation ValidateOnStart runs when the host starts.
        Assert.NotNull(services.GetRequiredService<IOptions<DatabricksOptions>>().Value.WorkspaceUrl);
        Assert.Equal("UseDevelopmentStorage=true", services.GetRequiredService<IOptions<EvidenceStorageOptions>>().Value.ConnectionString);
        Assert.Equal("default", services.GetRequiredService<PolicySet>().Id);
    }

    [Fact]
    public void LocalSettingsSample_AppServices_BuildEveryWorkflowActivity()
    {
        using var services = AppServices();
        using var scope = services.CreateScope();
        var activities = typeof(WorkflowRegistration).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITaskActivity).IsAssignableFrom(t))
            .ToArray();

        Assert.NotEmpty(activities);
        Assert.All(activities, type => Assert.NotNull(ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type)));
    }

    [Fact]
    public void LocalSettingsSample_Values_HoldNoSecrets()
    {
        Assert.Equal(string.Empty, Values[$"{DatabricksOptions.SectionName}:{nameof(DatabricksOptions.Token)}".Replace(":", "__", StringComparison.Ordinal)]);
        Assert.All(Values.Values, value =>
        {
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature=", value, StringComparison.OrdinalIgnoreCase);
            Assert.False(value.StartsWith("dapi", StringComparison.Ordinal), "a Databricks personal access token");
        });
    }
}
