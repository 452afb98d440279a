using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.Testing;

namespace MlopsFlows.DevServices.Tests.Azurite;

public sealed class AzuriteProcessTests(AzuriteFixture shared) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartAsync_InMemoryOnFreePorts_AnswersTableAndBlobRequests()
    {
        var azurite = shared.Azurite;
        Assert.Equal(3, new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Distinct().Count());
        Assert.Null(azurite.DataFolder);

        var table = new TableClient(shared.ConnectionString, "releases");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("main.credit.scorer", "12") { ["Stage"] = "Canary" });
        var row = await table.GetEntityAsync<TableEntity>("main.credit.scorer", "12");

        var container = new BlobContainerClient(shared.ConnectionString, "evidence");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("packet.json").UploadAsync(BinaryData.FromString("{\"ok\":true}"), overwrite: true);
        var blob = await container.GetBlobClient("packet.json").DownloadContentAsync();

        Assert.Equal("Canary", row.Value.GetString("Stage"));
        Assert.Equal("{\"ok\":true}", blob.Value.Content.ToString());
        Assert.True(await AzuriteProcess.IsAnsweringAsync(azurite.BlobPort, azurite.QueuePort, azurite.TablePort, CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_Running_ClosesPortsAndEndsProcess()
    {
        var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { RepositoryRoot = TestPaths.RepositoryRoot }, CancellationToken.None);
        var (pid, blob, queue, table) = (azurite.ProcessId, azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
        Assert.True(IsRunning(pid));

        await azurite.DisposeAsync();

        Assert.False(IsRunning(pid));
        Assert.False(await AzuriteProcess.IsAnsweringAsync(blob, queue, table, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_SameDataFolderAfterRestart_KeepsBlob()
    {
        var folder = Directory.CreateTempSubdirectory("mlopsflows-azurite-").FullName;
        try
        {
            var options = new AzuriteOptions { RepositoryRoot = TestPaths.RepositoryRoot, DataFolder = folder };
            await using (var first = await AzuriteProcess.StartAsync(options, CancellationToken.None))
            {
                var container = new BlobContainerClient(first.ConnectionString, "evidence");
                await container.CreateIfNotExistsAsync();
                await container.GetBlobClient("release-1/packet.json").UploadAsync(BinaryData.FromString("sealed"));
            }

            await using var second = await AzuriteProcess.StartAsync(options, CancellationToken.None);
            var blob = await new BlobContainerClient(second.ConnectionString, "evidence").GetBlobClient("release-1/packet.json").DownloadContentAsync();

            Assert.Equal("sealed", blob.Value.Content.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_FixedPortAlreadyTaken_ThrowsWithAzuriteOutput()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteProcess.StartAsync(
            new AzuriteOptions { RepositoryRoot = TestPaths.RepositoryRoot, BlobPort = takenPort, StartTimeout = Deadline }, CancellationToken.None));

        Assert.Contains("EADDRINUSE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoAzuriteUnderRepositoryRoot_ThrowsFileNotFound()
    {
        var empty = Directory.CreateTempSubdirectory("mlopsflows-empty-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
                AzuriteProcess.StartAsync(new AzuriteOptions { RepositoryRoot = empty }, CancellationToken.None));

            Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public async Task IsAnsweringAsync_NothingListening_ReturnsFalse()
    {
        var ports = FreePort.Distinct(3);

        Assert.False(await AzuriteProcess.IsAnsweringAsync(ports[0], ports[1], ports[2], CancellationToken.None));
    }

    [Fact]
    public void ConnectionStringFor_Ports_NamesEachServiceEndpointOnLoopback()
    {
        var connectionString = AzuriteProcess.ConnectionStringFor(10000, 10001, 10002);

        Assert.Contains("AccountName=devstoreaccount1;", connectionString, StringComparison.Ordinal);
        Assert.Contains($"AccountKey={AzuriteProcess.AccountKey};", connectionString, StringComparison.Ordinal);
        Assert.Contains("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", connectionString, StringComparison.Ordinal);
        Assert.Contains("QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;", connectionString, StringComparison.Ordinal);
        Assert.Contains("TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;", connectionString, StringComparison.Ordinal);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
