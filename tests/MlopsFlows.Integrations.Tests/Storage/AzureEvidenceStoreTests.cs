using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureEvidenceStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";

    // Each test its own container and table, so tests sharing one Azurite never see each other's evidence.
    private readonly string _container = "evidence-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _table = "Evidence" + Guid.NewGuid().ToString("N")[..12];
    private ServiceProvider _services = null!;

    private IEvidenceStore Store => _services.GetRequiredService<IEvidenceStore>();

    public Task InitializeAsync()
    {
        _services = TestServices.Evidence(azurite.ConnectionString, _container, _table);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task AppendAsync_ThreeRecords_AreListedAndReadBackInOrder()
    {
        var chain = EvidenceRecords.Chain(ReleaseId, 3);
        var hashes = new List<string>();
        foreach (var record in chain)
        {
            hashes.Add(await Store.AppendAsync(record, CancellationToken.None));
        }

        var entries = await Store.ListAsync(ReleaseId, CancellationToken.None);
        var stored = await Store.ReadChainAsync(ReleaseId, CancellationToken.None);

        Assert.Equal(chain.Select(EvidenceChain.HashOf), hashes);
        Assert.Equal([1, 2, 3], entries.Select(e => e.Sequence));
        Assert.Equal(hashes, entries.Select(e => e.Hash));
        Assert.Equal(chain.Select(r => (r.Step, r.Decision, r.Actor, r.RecordedAt)), entries.Select(e => (e.Step, e.Decision, e.Actor, e.RecordedAt)));
        Assert.All(entries, e => Assert.EndsWith($"/{_container}/sha256/{e.Hash}.json", e.Location, StringComparison.Ordinal));
        Assert.Equal([1, 2, 3], stored.Select(s => s.Sequence));
        Assert.Equal(hashes, stored.Select(s => s.Hash));
        Assert.Equal(chain.Select(r => Convert.ToHexString(EvidenceChain.ToCanonicalJson(r))), stored.Select(s => Convert.ToHexString(s.Content.Span)));
    }

    [Fact]
    public async Task AppendAsync_Record_WritesContentAddressedJsonBlob()
    {
        var record = EvidenceRecords.Record(ReleaseId, 1, null);

        var hash = await Store.AppendAsync(record, CancellationToken.None);

        var blob = Blobs().GetBlobClient($"sha256/{hash}.json");
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal("application/json", properties.ContentType);
        Assert.Equal(Uri.EscapeDataString(ReleaseId), properties.Metadata["releaseid"]);
        Assert.Equal("1", properties.Metadata["sequence"]);
        var row = (await Table().GetEntityAsync<TableEntity>(ReleaseId, "000001")).Value;
        Assert.Equal((hash, $"sha256/{hash}.json", (string?)null), (row.GetString("Hash"), row.GetString("BlobName"), row.GetString("PreviousHash")));
    }

    [Fact]
    public async Task AppendAsync_SameRecordTwice_ReturnsTheSameHashAndWritesOnce()
    {
        var record = EvidenceRecords.Record(ReleaseId, 1, null);

        var first = await Store.AppendAsync(record, CancellationToken.None);
        var again = await Store.AppendAsync(record with { }, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(await ToListAsync(Blobs().GetBlobsAsync()));
        Assert.Single(await ToListAsync(Table().QueryAsync<TableEntity>()));
    }

    [Fact]
    public async Task AppendAsync_DifferentRecordAtATakenSequence_ThrowsEvidenceConflict()
    {
        await Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null, decision: "pass"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<EvidenceConflictException>(
            () => Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null, decision: "fail"), CancellationToken.None));

        Assert.Contains(ReleaseId, error.Message, StringComparison.Ordinal);
        var entry = Assert.Single(await Store.ListAsync(ReleaseId, CancellationToken.None));
        Assert.Equal("pass", entry.Decision);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentFirstUse_CreatesStorageOnceAndKeepsEveryRecord()
    {
        var chain = EvidenceRecords.Chain(ReleaseId, 5);

        await Task.WhenAll(chain.Select(r => Store.AppendAsync(r, CancellationToken.None)));

        Assert.Equal([1, 2, 3, 4, 5], (await Store.ListAsync(ReleaseId, CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task ListAsync_ReleaseIdWithCharactersTablesRefuse_RoundTrips()
    {
        const string awkward = "release:a/b\\c#d?e!f\u0001";
        await Store.AppendAsync(EvidenceRecords.Record(awkward, 1, null), CancellationToken.None);

        var entry = Assert.Single(await Store.ListAsync(awkward, CancellationToken.None));
        Assert.Equal(1, entry.Sequence);
        Assert.Empty(await Store.ListAsync("release:a", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_UnknownRelease_IsEmpty()
    {
        Assert.Empty(await Store.ListAsync("release:main.credit.scorer:1:dev", CancellationToken.None));
        Assert.Empty(await Store.ReadChainAsync("release:main.credit.scorer:1:dev", CancellationToken.None));
    }

    [Fact]
    public async Task ReadChainAsync_RecordsOfOtherReleases_AreLeftOut()
    {
        await Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null), CancellationToken.None);
        await Store.AppendAsync(EvidenceRecords.Record("release:main.credit.scorer:13:prod", 1, null), CancellationToken.None);

        var stored = Assert.Single(await Store.ReadChainAsync(ReleaseId, CancellationToken.None));
        Assert.Equal(ReleaseId, EvidenceChain.Parse(stored.Content.Span).ReleaseId);
    }

    private BlobContainerClient Blobs() => new(azurite.ConnectionString, _container);

    private TableClient Table() => new(azurite.ConnectionString, _table);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
