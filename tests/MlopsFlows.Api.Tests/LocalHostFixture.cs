using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.Local;
using MlopsFlows.Testing;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// One local host for the API tests: Azurite (in memory, free ports), the real Durable engine over it, the
/// releases API on a free loopback port and the Databricks simulator, with second-scale policy timings.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    private readonly string azuriteData = Path.Combine(Path.GetTempPath(), "mlopsflows-api-tests-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess? azurite;
    private LocalHost? host;

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Workspace { get; private set; } = null!;

    public const string Approver = LocalHostSetup.Approver;

    public const string Operator = LocalHostSetup.Operator;

    public LocalHost Host => host!;

    public DurableTaskClient Client => Host.App.Services.GetRequiredService<DurableTaskClient>();

    public async Task InitializeAsync()
    {
        // On disk, not in memory: in-memory Azurite's queue clean-up blocks Node for tens of seconds once a
        // minute under load (seen in the engine bench), which would stall a run this long.
        azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = azuriteData }, CancellationToken.None);
        host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(
        [
            "--storage", azurite.ConnectionString,
            "--api-port", "0",
            "--simulator", "true",
            "--task-hub", "apitests",
            .. LocalHostSetup.Arguments,
        ]));
        Api = SignedInClient.Create(host.ApiBaseUrl, Operator);
        Workspace = new HttpClient { BaseAddress = new Uri(host.Simulator!.BaseUrl) };
        Workspace.DefaultRequestHeaders.Authorization = new("Bearer", host.Simulator.Token);
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

    /// <summary>Registers versions (medium tier, model card, evaluation set) with healthy metrics and an endpoint serving <paramref name="servingVersion"/>.</summary>
    public async Task SeedModelAsync(string model, string endpoint, int servingVersion, params int[] candidates)
    {
        foreach (var version in candidates.Prepend(servingVersion))
        {
            using var response = await Workspace.PostAsJsonAsync("/sim/models", LocalHostSetup.ModelVersion(model, version));
            response.EnsureSuccessStatusCode();
        }

        using var created = await Workspace.PostAsJsonAsync("/sim/endpoints", new { name = endpoint, model, version = servingVersion });
        created.EnsureSuccessStatusCode();
    }

    /// <summary>What is stored for releases whose id starts with <paramref name="idPrefix"/>: instances, index rows, blobs in all.</summary>
    public async Task<(int Instances, int IndexRows, int Blobs)> CountStoredAsync(string idPrefix)
    {
        var instances = 0;
        await foreach (var _ in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = idPrefix }))
        {
            instances++;
        }

        var rows = 0;
        var table = new TableServiceClient(Host.StorageConnectionString).GetTableClient("EvidenceIndex");
        await table.CreateIfNotExistsAsync();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            if (row.PartitionKey.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                rows++;
            }
        }

        var blobs = 0;
        var container = new BlobServiceClient(Host.StorageConnectionString).GetBlobContainerClient("evidence");
        await container.CreateIfNotExistsAsync();
        await foreach (var _ in container.GetBlobsAsync())
        {
            blobs++;
        }

        return (instances, rows, blobs);
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host";
}
