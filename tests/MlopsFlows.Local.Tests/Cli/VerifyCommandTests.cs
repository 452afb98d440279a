using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Local.Tests.Cli;

/// <summary>
/// <c>mlopsflows verify</c> as an auditor runs it: a separate process reading evidence from storage (Azurite), after
/// the storage was changed behind the workflow's back. Each test has its own release, in the default containers.
/// </summary>
public sealed class VerifyCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string RunId = "20261126T100000Z-3f9a1c2e";
    private readonly ReleaseKey key = new("main.verify.m" + Guid.NewGuid().ToString("N")[..8], 7, "prod");
    private ServiceProvider services = null!;
    private List<string> hashes = [];

    private string ReleaseId => key.InstanceId;

    public async Task InitializeAsync()
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddEvidenceStorage(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["MlopsFlows:Evidence:ConnectionString"] = azurite.ConnectionString })
                .Build())
            .BuildServiceProvider();
        var written = new List<string>();
        string? previous = null;
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            previous = await services.GetRequiredService<IEvidenceStore>().AppendAsync(Record(sequence, previous), CancellationToken.None);
            written.Add(previous);
        }

        hashes = written;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task Verify_IntactChain_ExitsZeroWithTheCount()
    {
        var (exitCode, output) = await VerifyAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains($"OK   {ReleaseId} run {RunId}: 5 records, chain intact, head {hashes[^1]}", output, StringComparison.Ordinal);
        Assert.Contains($"OK   {ReleaseId}: 5 records in 1 run(s) verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OneByteOfAPayloadChanged_NamesThatRecord()
    {
        var blob = Blobs().GetBlobClient(AzureEvidenceStore.BlobNameOf(hashes[2]));
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        var at = Array.IndexOf(bytes, (byte)'3'); // the "sequence":3 digit's neighbourhood: any byte would do
        bytes[at] = (byte)'8';
        await blob.UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

        var (exitCode, output) = await VerifyAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("first broken record is #3: record 3 does not match its hash", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IndexRowDeleted_NamesTheMissingRecord()
    {
        await Index().DeleteEntityAsync(ReleaseId, TableKeys.ForRunSequence(RunId, 2));

        var (exitCode, output) = await VerifyAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("first broken record is #2: record 2 is missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PayloadDeleted_NamesThatRecord()
    {
        await Blobs().DeleteBlobAsync(AzureEvidenceStore.BlobNameOf(hashes[3]));

        var (exitCode, output) = await VerifyAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("first broken record is #4", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TwoRecordsSwapped_NamesTheFirstOutOfPlace()
    {
        var second = (await Index().GetEntityAsync<TableEntity>(ReleaseId, TableKeys.ForRunSequence(RunId, 2))).Value;
        var third = (await Index().GetEntityAsync<TableEntity>(ReleaseId, TableKeys.ForRunSequence(RunId, 3))).Value;
        (second["Hash"], third["Hash"]) = (third["Hash"], second["Hash"]);
        (second["BlobName"], third["BlobName"]) = (third["BlobName"], second["BlobName"]);
        await Index().UpdateEntityAsync(second, second.ETag, TableUpdateMode.Replace);
        await Index().UpdateEntityAsync(third, third.ETag, TableUpdateMode.Replace);

        var (exitCode, output) = await VerifyAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("first broken record is #2: record 2 says it is record 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LastRecordDeletedAfterTheLedgerBookedTheEnd_NamesIt()
    {
        var ledger = services.GetRequiredService<IReleaseLedger>();
        var requestedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        await ledger.ClaimAsync(new ReleaseClaim(key, RunId, "job:train", requestedAt), CancellationToken.None);
        await ledger.EndAsync(new ReleaseEnding(key, RunId, requestedAt, "Promoted", "promoted", requestedAt.AddHours(1), 5, hashes[^1]), CancellationToken.None);
        await Index().DeleteEntityAsync(ReleaseId, TableKeys.ForRunSequence(RunId, 5));

        var (exitCode, output) = await VerifyAsync();

        // The first four still chain perfectly: only the ledger's booking shows the tail is gone.
        Assert.Equal(1, exitCode);
        Assert.Contains("first broken record is #5: record 5 is missing: the release ledger booked 5 records", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactChainMatchingTheLedger_SaysSo()
    {
        var ledger = services.GetRequiredService<IReleaseLedger>();
        var requestedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        await ledger.EndAsync(new ReleaseEnding(key, RunId, requestedAt, "Promoted", "promoted", requestedAt.AddHours(1), 5, hashes[^1]), CancellationToken.None);

        var (exitCode, output) = await VerifyAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("chain intact", output, StringComparison.Ordinal);
        Assert.Contains("matches the release ledger", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReleaseWithoutEvidence_Fails()
    {
        var (exitCode, output) = await HostProcess.RunAsync("verify", "release:main.verify.none:1:prod", "--storage", azurite.ConnectionString);

        Assert.Equal(1, exitCode);
        Assert.Contains("no evidence recorded", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> VerifyAsync() => HostProcess.RunAsync("verify", ReleaseId, "--storage", azurite.ConnectionString);

    private EvidenceRecord Record(int sequence, string? previousHash) => new()
    {
        ReleaseId = ReleaseId,
        RunId = RunId,
        Sequence = sequence,
        Step = sequence == 5 ? "outcome" : "gate",
        RecordedAt = new DateTimeOffset(2026, 11, 26, 10, sequence, 0, TimeSpan.Zero),
        Actor = "system",
        Decision = "pass",
        Summary = $"step {sequence}",
        Policy = new PolicyStamp("standard", "1", "c0ffee"),
        Data = JsonSerializer.SerializeToElement(new { sequence }),
        PreviousHash = previousHash,
    };

    private BlobContainerClient Blobs() => new(azurite.ConnectionString, "evidence");

    private TableClient Index() => new(azurite.ConnectionString, "EvidenceIndex");
}
