using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>Service providers wired by the production registration, with test-speed waits.</summary>
public static class TestServices
{
    public static ServiceProvider Databricks(Uri workspaceUrl, string? token, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:WorkspaceUrl"] = workspaceUrl.ToString(),
            ["MlopsFlows:Databricks:Token"] = token,
            ["MlopsFlows:Databricks:ConfigUpdatePollInterval"] = "00:00:00.050",
            ["MlopsFlows:Databricks:ConfigUpdateTimeout"] = "00:00:10",
            ["MlopsFlows:Databricks:RetryDelay"] = "00:00:00.020",
            ["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:05",
            ["MlopsFlows:Databricks:RequestTimeout"] = "00:00:15",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var services = new ServiceCollection().AddLogging();
        configure?.Invoke(services);
        services.AddDatabricksIntegration(Configuration(settings));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static ServiceProvider Evidence(string connectionString, string containerName, string tableName) =>
        new ServiceCollection()
            .AddLogging()
            .AddEvidenceStorage(Configuration(new Dictionary<string, string?>
            {
                ["MlopsFlows:Evidence:ConnectionString"] = connectionString,
                ["MlopsFlows:Evidence:ContainerName"] = containerName,
                ["MlopsFlows:Evidence:TableName"] = tableName,
            }))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    public static IConfiguration Configuration(IReadOnlyDictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
