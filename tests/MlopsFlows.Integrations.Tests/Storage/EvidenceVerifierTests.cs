using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
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
        await AppendAsync(EvidenceRecords.Chain(ReleaseId, 3, EvidenceRecords.FirstRun));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task VerifyAsync_IntactChain_IsIntact()
    {
        var check = await Verifier().VerifyAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None);

        Assert.True(check.Intact, check.Reason);
        Assert.Null(check.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_BlobOverwritten_NamesThatRecord()
    {
        var second = (await Store().ListAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None))[1];
        await TamperAsync(second.Hash);

        var check = await Verifier().VerifyAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None);

        Assert.False(check.Intact);
        Assert.Equal(2, check.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_BlobDeleted_NamesThatRecord()
    {
        var third = (await Store().ListAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None))[2];
        await new BlobContainerClient(azurite.ConnectionString, _container).DeleteBlobAsync($"sha256/{third.Hash}.json");

        var check = await Verifier().VerifyAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None);

        Assert.False(check.Intact);
        Assert.Equal(3, check.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAllRunsAsync_TwoIntactRuns_ChecksEachOnItsOwn()
    {
        await AppendAsync(EvidenceRecords.Chain(ReleaseId, 4, EvidenceRecords.SecondRun));

        var runs = await Verifier().VerifyAllRunsAsync(ReleaseId, CancellationToken.None);

        Assert.Equal([(EvidenceRecords.FirstRun, 3, true), (EvidenceRecords.SecondRun, 4, true)], runs.Select(r => (r.RunId, r.Records, r.Check.Intact)));
        Assert.All(runs, r => Assert.Null(r.Check.FirstBrokenSequence));
    }

    [Fact]
    public async Task VerifyAllRunsAsync_BlobOfTheSecondRunTampered_NamesThatRunAndSequence()
    {
        await AppendAsync(EvidenceRecords.Chain(ReleaseId, 3, EvidenceRecords.SecondRun));
        var second = (await Store().ListAsync(ReleaseId, EvidenceRecords.SecondRun, CancellationToken.None))[1];
        await TamperAsync(second.Hash);

        var runs = await Verifier().VerifyAllRunsAsync(ReleaseId, CancellationToken.None);

        Assert.Equal([EvidenceRecords.FirstRun, EvidenceRecords.SecondRun], runs.Select(r => r.RunId));
        Assert.True(runs[0].Check.Intact, runs[0].Check.Reason);
        Assert.False(runs[1].Check.Intact);
        Assert.Equal((3, 2), (runs[1].Records, runs[1].Check.FirstBrokenSequence));
        Assert.True((await Verifier().VerifyAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None)).Intact);
        Assert.Equal(2, (await Verifier().VerifyAsync(ReleaseId, EvidenceRecords.SecondRun, CancellationToken.None)).FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAllRunsAsync_ReleaseWithoutEvidence_IsEmpty()
    {
        Assert.Empty(await Verifier().VerifyAllRunsAsync("release:main.credit.scorer:1:dev", CancellationToken.None));
    }

    private async Task AppendAsync(IEnumerable<EvidenceRecord> records)
    {
        foreach (var record in records)
        {
            await Store().AppendAsync(record, CancellationToken.None);
        }
    }

    /// <summary>Rewrites the payload in place, as someone with write access to the container could.</summary>
    private async Task TamperAsync(string hash)
    {
        var blob = new BlobContainerClient(azurite.ConnectionString, _container).GetBlobClient($"sha256/{hash}.json");
        var original = Encoding.UTF8.GetString((await blob.DownloadContentAsync()).Value.Content);
        var forged = original.Replace("alice@example.com", "mallory@example.com", StringComparison.Ordinal);
        Assert.NotEqual(original, forged);
        await blob.UploadAsync(BinaryData.FromString(forged), overwrite: true);
    }

    private IEvidenceStore Store() => _services.GetRequiredService<IEvidenceStore>();

    private EvidenceVerifier Verifier() => _services.GetRequiredService<EvidenceVerifier>();
}
