using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class EvidenceVerifierTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";
    private readonly string _container = "evidence-" + Guid.NewGuid().ToString("N")[..12];
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = TestServices.Evidence(azurite.ConnectionString, _container, "Evidence" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var record in EvidenceRecords.Chain(ReleaseId, 3))
        {
            await _services.GetRequiredService<IEvidenceStore>().AppendAsync(record, CancellationToken.None);
        }
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task VerifyAsync_IntactChain_IsIntact()
    {
        var check = await Verifier().VerifyAsync(ReleaseId, CancellationToken.None);

        Assert.True(check.Intact, check.Reason);
        Assert.Null(check.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_BlobOverwritten_NamesThatRecord()
    {
        var second = (await Store().ListAsync(ReleaseId, CancellationToken.None))[1];
        var blob = new BlobContainerClient(azurite.ConnectionString, _container).GetBlobClient($"sha256/{second.Hash}.json");
        var original = Encoding.UTF8.GetString((await blob.DownloadContentAsync()).Value.Content);
        await blob.UploadAsync(BinaryData.FromString(original.Replace("alice@example.com", "mallory@example.com", StringComparison.Ordinal)), overwrite: true);

        var check = await Verifier().VerifyAsync(ReleaseId, CancellationToken.None);

        Assert.False(check.Intact);
        Assert.Equal(2, check.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_BlobDeleted_NamesThatRecord()
    {
        var third = (await Store().ListAsync(ReleaseId, CancellationToken.None))[2];
        await new BlobContainerClient(azurite.ConnectionString, _container).DeleteBlobAsync($"sha256/{third.Hash}.json");

        var check = await Verifier().VerifyAsync(ReleaseId, CancellationToken.None);

        Assert.False(check.Intact);
        Assert.Equal(3, check.FirstBrokenSequence);
    }

    private IEvidenceStore Store() => _services.GetRequiredService<IEvidenceStore>();

    private EvidenceVerifier Verifier() => _services.GetRequiredService<EvidenceVerifier>();
}
