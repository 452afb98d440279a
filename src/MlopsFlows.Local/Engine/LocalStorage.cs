using MlopsFlows.DevServices.Azurite;

namespace MlopsFlows.Local.Engine;

/// <summary>
/// The storage account the local host uses: the configured one, or Azurite on its ports, started (with its data
/// on disk) when nothing answers there. Disposing stops only an Azurite this process started.
/// </summary>
public sealed class LocalStorage : IAsyncDisposable
{
    private readonly AzuriteProcess? started;

    private LocalStorage(string connectionString, AzuriteProcess? started)
    {
        ConnectionString = connectionString;
        this.started = started;
    }

    public string ConnectionString { get; }

    public bool StartedAzurite => started is not null;

    public static async Task<LocalStorage> EnsureAsync(LocalHostOptions options, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            return new LocalStorage(options.StorageConnectionString, null);
        }

        var connectionString = AzuriteProcess.ConnectionStringFor(options.AzuriteBlobPort, options.AzuriteQueuePort, options.AzuriteTablePort);
        if (await AzuriteProcess.IsAnsweringAsync(options.AzuriteBlobPort, options.AzuriteQueuePort, options.AzuriteTablePort, cancellationToken))
        {
            return new LocalStorage(connectionString, null);
        }

        if (!options.StartAzurite)
        {
            throw new InvalidOperationException(
                $"Nothing answers on the Azurite ports {options.AzuriteBlobPort}/{options.AzuriteQueuePort}/{options.AzuriteTablePort} and StartAzurite is off.");
        }

        var azurite = await AzuriteProcess.StartAsync(
            new AzuriteOptions
            {
                BlobPort = options.AzuriteBlobPort,
                QueuePort = options.AzuriteQueuePort,
                TablePort = options.AzuriteTablePort,
                DataFolder = Path.GetFullPath(options.AzuriteDataFolder),
            },
            cancellationToken);
        return new LocalStorage(azurite.ConnectionString, azurite);
    }

    public async ValueTask DisposeAsync()
    {
        if (started is not null)
        {
            await started.DisposeAsync();
        }
    }
}
