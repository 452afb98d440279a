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

        var entries = await Store.ListAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None);
        var stored = await Store.ReadChainAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None);

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
        Assert.Equal(EvidenceRecords.FirstRun, properties.Metadata["runid"]);
        Assert.Equal("1", properties.Metadata["sequence"]);
        var row = (await Table().GetEntityAsync<TableEntity>(ReleaseId, $"{EvidenceRecords.FirstRun}.000001")).Value;
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
        Assert.Contains(EvidenceRecords.FirstRun, error.Message, StringComparison.Ordinal);
        var entry = Assert.Single(await Store.ListAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None));
        Assert.Equal("pass", entry.Decision);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentFirstUse_CreatesStorageOnceAndKeepsEveryRecord()
    {
        var chain = EvidenceRecords.Chain(ReleaseId, 5);

        await Task.WhenAll(chain.Select(r => Store.AppendAsync(r, CancellationToken.None)));

        Assert.Equal([1, 2, 3, 4, 5], (await Store.ListAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task ListAsync_ReleaseIdWithCharactersTablesRefuse_RoundTrips()
    {
        const string awkward = "release:a/b\\c#d?e!f\u0001";
        await Store.AppendAsync(EvidenceRecords.Record(awkward, 1, null), CancellationToken.None);

        var entry = Assert.Single(await Store.ListAsync(awkward, EvidenceRecords.FirstRun, CancellationToken.None));
        Assert.Equal(1, entry.Sequence);
        Assert.Empty(await Store.ListAsync("release:a", EvidenceRecords.FirstRun, CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_UnknownRelease_IsEmpty()
    {
        Assert.Empty(await Store.ListAsync("release:main.credit.scorer:1:dev", EvidenceRecords.FirstRun, CancellationToken.None));
        Assert.Empty(await Store.ReadChainAsync("release:main.credit.scorer:1:dev", EvidenceRecords.FirstRun, CancellationToken.None));
        Assert.Empty(await Store.ListRunsAsync("release:main.credit.scorer:1:dev", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_UnknownRunOfAKnownRelease_IsEmpty()
    {
        await Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null), CancellationToken.None);

        Assert.Empty(await Store.ListAsync(ReleaseId, EvidenceRecords.SecondRun, CancellationToken.None));
        Assert.Empty(await Store.ReadChainAsync(ReleaseId, EvidenceRecords.SecondRun, CancellationToken.None));
    }

    [Fact]
    public async Task ReadChainAsync_RecordsOfOtherReleases_AreLeftOut()
    {
        await Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null), CancellationToken.None);
        await Store.AppendAsync(EvidenceRecords.Record("release:main.credit.scorer:13:prod", 1, null), CancellationToken.None);

        var stored = Assert.Single(await Store.ReadChainAsync(ReleaseId, EvidenceRecords.FirstRun, CancellationToken.None));
        Assert.Equal(ReleaseId, EvidenceChain.Parse(stored.Content.Span).ReleaseId);
    }

    [Fact]
    public async Task AppendAsync_TwoRunsOfOneRelease_EachWritesSequenceOneToNWithoutConflict()
    {
        var first = EvidenceRecords.Chain(ReleaseId, 3, EvidenceRecords.FirstRun);
        var second = EvidenceRecords.Chain(ReleaseId, 4, EvidenceRecords.SecondRun);

        // Interleaved, as two runs never are, so that any sharing of sequence numbers between runs would show.
        foreach (var record in first.Zip(second, (a, b) => new[] { a, b }).SelectMany(pair => pair).Append(second[^1]))
        {
            await Store.AppendAsync(record, CancellationToken.None);
        }

        foreach (var (runId, chain) in new[] { (EvidenceRecords.FirstRun, first), (EvidenceRecords.SecondRun, second) })
        {
            var entries = await Store.ListAsync(ReleaseId, runId, CancellationToken.None);
            var stored = await Store.ReadChainAsync(ReleaseId, runId, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, chain.Count), entries.Select(e => e.Sequence));
            Assert.Equal(chain.Select(EvidenceChain.HashOf), entries.Select(e => e.Hash));
            Assert.Equal(chain.Select(EvidenceChain.HashOf), stored.Select(s => s.Hash));
            Assert.All(stored, s => Assert.Equal(runId, EvidenceChain.Parse(s.Content.Span).RunId));
            var check = EvidenceChain.Verify(stored);
            Assert.True(check.Intact, $"{runId}: {check.Reason}");
        }

        var rows = await ToListAsync(Table().QueryAsync<TableEntity>());
        Assert.Equal(7, rows.Count);
        Assert.All(rows, row => Assert.Equal(ReleaseId, row.PartitionKey));
        Assert.Equal(7, (await ToListAsync(Blobs().GetBlobsAsync())).Count);
    }

    [Fact]
    public async Task AppendAsync_SameSequenceInTwoRuns_StaysIdempotentAndConflictsOnlyWithinItsRun()
    {
        var first = EvidenceRecords.Record(ReleaseId, 1, null, runId: EvidenceRecords.FirstRun);
        var second = EvidenceRecords.Record(ReleaseId, 1, null, runId: EvidenceRecords.SecondRun);
        var firstHash = await Store.AppendAsync(first, CancellationToken.None);
        var secondHash = await Store.AppendAsync(second, CancellationToken.None);

        Assert.Equal(firstHash, await Store.AppendAsync(first with { }, CancellationToken.None));
        Assert.Equal(secondHash, await Store.AppendAsync(second with { }, CancellationToken.None));
        var error = await Assert.ThrowsAsync<EvidenceConflictException>(
            () => Store.AppendAsync(second with { Decision = "fail" }, CancellationToken.None));

        Assert.NotEqual(firstHash, secondHash);
        Assert.Equal(2, (await ToListAsync(Table().QueryAsync<TableEntity>())).Count);
        Assert.Contains(EvidenceRecords.SecondRun, error.Message, StringComparison.Ordinal);
        Assert.Equal("pass", Assert.Single(await Store.ListAsync(ReleaseId, EvidenceRecords.SecondRun, CancellationToken.None)).Decision);
    }

    [Fact]
    public async Task ListRunsAsync_TwoRuns_ReturnsBothInOrdinalOrder()
    {
        // Written newest first: the order comes from the run ids, not from when their rows arrived.
        foreach (var record in EvidenceRecords.Chain(ReleaseId, 2, EvidenceRecords.SecondRun).Concat(EvidenceRecords.Chain(ReleaseId, 3, EvidenceRecords.FirstRun)))
        {
            await Store.AppendAsync(record, CancellationToken.None);
        }

        await Store.AppendAsync(EvidenceRecords.Record("release:main.credit.scorer:13:prod", 1, null, runId: "00000000T000000Z-00000000"), CancellationToken.None);

        Assert.Equal([EvidenceRecords.FirstRun, EvidenceRecords.SecondRun], await Store.ListRunsAsync(ReleaseId, CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_RunIdsThatPrefixEachOther_NeverReturnsAnotherRunsRows()
    {
        // Each run's rows are a row-key range: a run whose id starts with another's, or sorts right next to it, must
        // stay outside that range.
        string[] runs = ["run", "run-1", "run-1-b", "run-10", "run-1a", "run1", "RUN-1", "run-2"];
        for (var i = 0; i < runs.Length; i++)
        {
            foreach (var record in EvidenceRecords.Chain(ReleaseId, i + 1, runs[i]))
            {
                await Store.AppendAsync(record, CancellationToken.None);
            }
        }

        for (var i = 0; i < runs.Length; i++)
        {
            var expected = EvidenceRecords.Chain(ReleaseId, i + 1, runs[i]).Select(EvidenceChain.HashOf).ToList();
            Assert.Equal(expected, (await Store.ListAsync(ReleaseId, runs[i], CancellationToken.None)).Select(e => e.Hash));
            Assert.Equal(expected, (await Store.ReadChainAsync(ReleaseId, runs[i], CancellationToken.None)).Select(s => s.Hash));
        }

        Assert.Equal(runs.Order(StringComparer.Ordinal), await Store.ListRunsAsync(ReleaseId, CancellationToken.None));
    }

    public static TheoryData<string> BadRunIds =>
    [
        "",
        " ",
        "run.1",
        "run/1",
        "run#1",
        "run 1",
        "run_1",
        "rün-1",
        "run-1\n",
        new string('a', 65),
    ];

    [Theory]
    [MemberData(nameof(BadRunIds))]
    public async Task AppendAsync_BadRunId_ThrowsArgumentExceptionBeforeWritingAnything(string runId)
    {
        await Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null), CancellationToken.None);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 2, null, runId: runId), CancellationToken.None));

        Assert.Single(await ToListAsync(Blobs().GetBlobsAsync()));
        Assert.Single(await ToListAsync(Table().QueryAsync<TableEntity>()));
    }

    [Fact]
    public async Task AppendAsync_NullRunId_ThrowsArgumentExceptionBeforeCreatingStorage()
    {
        // What an input started before run ids existed would carry: the member is required, JSON can still leave it null.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null, runId: null!), CancellationToken.None));

        Assert.False(await Blobs().ExistsAsync());
    }

    [Theory]
    [MemberData(nameof(BadRunIds))]
    public async Task ListAsync_BadRunId_ThrowsArgumentException(string runId)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListAsync(ReleaseId, runId, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadChainAsync(ReleaseId, runId, CancellationToken.None));
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
