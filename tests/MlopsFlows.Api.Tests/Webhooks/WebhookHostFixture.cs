using System.Net.Http.Json;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.Local;
using MlopsFlows.Testing;

namespace MlopsFlows.Api.Tests.Webhooks;

/// <summary>A local host (Azurite, the Durable engine, the simulator) with the Databricks webhook's secret configured.</summary>
public sealed class WebhookHostFixture : IAsyncLifetime
{
    public const string Secret = "whsec-test-0123456789abcdef";

    /// <summary>Where a release goes when the webhook body names no environment.</summary>
    public const string DefaultEnvironment = "staging";

    private readonly string azuriteData = Path.Combine(Path.GetTempPath(), "mlopsflows-webhook-tests-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess? azurite;
    private LocalHost? host;

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Workspace { get; private set; } = null!;

    public LocalHost Host => host!;

    public async Task InitializeAsync()
    {
        azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = azuriteData }, CancellationToken.None);
        host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(
        [
            "--storage", azurite.ConnectionString,
            "--api-port", "0",
            "--simulator", "true",
            "--task-hub", "webhooktests",
            $"--MlopsFlows:Webhooks:Databricks:Secret={Secret}",
            $"--MlopsFlows:Webhooks:Databricks:Environment={DefaultEnvironment}",
            "--MlopsFlows:Webhooks:Databricks:MaxAge=00:02:00",
            .. LocalHostSetup.Arguments,
        ]));
        Api = new HttpClient { BaseAddress = host.ApiBaseUrl };
        Workspace = new HttpClient { BaseAddress = new Uri(host.Simulator!.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Workspace?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        if (Directory.Exists(azuriteData))
        {
            Directory.Delete(azuriteData, recursive: true);
        }
    }

    public async Task SeedModelAsync(string model, string endpoint, int servingVersion, int candidate)
    {
        foreach (var version in new[] { servingVersion, candidate })
        {
            using var response = await Workspace.PostAsJsonAsync("/sim/models", LocalHostSetup.ModelVersion(model, version));
            response.EnsureSuccessStatusCode();
        }

        using var created = await Workspace.PostAsJsonAsync("/sim/endpoints", new { name = endpoint, model, version = servingVersion });
        created.EnsureSuccessStatusCode();
    }
}

// Run alone: two local hosts stopping at the same time in one process crash the test host
// (AzureStorageOrchestrationService.StopAsync throws a NullReferenceException on the sidecar's stop).
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookHostCollection : ICollectionFixture<WebhookHostFixture>
{
    public const string Name = "webhook host";
}
