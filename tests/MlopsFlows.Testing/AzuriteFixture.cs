using MlopsFlows.DevServices.Azurite;
using Xunit;

namespace MlopsFlows.Testing;

/// <summary>
/// An in-memory Azurite on free ports for one test class (<c>IClassFixture&lt;AzuriteFixture&gt;</c>) or collection.
/// Tests sharing it should use their own table, queue and container names.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not been started: xunit calls InitializeAsync first.");

    public string ConnectionString => Azurite.ConnectionString;

    public async Task InitializeAsync() =>
        _azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { RepositoryRoot = TestPaths.RepositoryRoot }, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
