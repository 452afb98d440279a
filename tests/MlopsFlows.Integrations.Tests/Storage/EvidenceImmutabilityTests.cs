using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class EvidenceImmutabilityTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";
    private static readonly DateTimeOffset Until = new(2033, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly StorageNames names = StorageNames.Fresh();
    private ConcurrentQueue<LogEntry> logs = null!;
    private ServiceProvider services = null!;

    public Task InitializeAsync()
    {
        var provider = new CapturingLoggerProvider();
        logs = provider.Entries;
        services = StorageTestServices.Build(azurite.ConnectionString, names, provider);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task ProtectAsync_AzureModeOnAzurite_SendsSetBlobImmutabilityPolicyAndReportsNotSupported()
    {
        var hashes = await AppendChainAsync(3);
        var requests = new RequestRecorder();
        var immutability = AzureImmutability(requests);

        var result = await immutability.ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);

        // Azurite answers 501: said plainly, not thrown, and no blob claimed protected.
        Assert.Equal(ImmutabilityState.NotSupported, result.State);
        Assert.Contains("not supported by this storage", result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, result.Records);
        Assert.Null(result.Until);

        // The documented request: PUT {container}/{blob}?comp=immutabilityPolicies, until-date in RFC 1123, mode Locked.
        var sent = Assert.Single(requests.Sent, r => r.Uri.Query.Contains("comp=immutabilityPolicies", StringComparison.Ordinal));
        Assert.Equal("PUT", sent.Method);
        Assert.Equal($"/{names.Container}/sha256/{hashes[0]}.json", sent.Uri.AbsolutePath[sent.Uri.AbsolutePath.IndexOf($"/{names.Container}/", StringComparison.Ordinal)..]);
        Assert.Contains("comp=immutabilityPolicies", sent.Uri.Query, StringComparison.Ordinal);
        Assert.Equal("Sat, 26 Nov 2033 10:00:00 GMT", sent.Headers["x-ms-immutability-policy-until-date"]);
        Assert.Equal("Locked", sent.Headers["x-ms-immutability-policy-mode"]);
        Assert.True(string.CompareOrdinal(sent.Headers["x-ms-version"], "2020-06-12") >= 0, sent.Headers["x-ms-version"]);
        Assert.Contains(logs, e => e.EventId.Id == 2231);
    }

    [Fact]
    public async Task ProtectAsync_AzureModeWithoutEvidence_IsEnforcedForNoRecordsAndSendsNothing()
    {
        var requests = new RequestRecorder();

        var result = await AzureImmutability(requests).ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);

        Assert.Equal((ImmutabilityState.Enforced, 0), (result.State, result.Records));
        Assert.Empty(requests.Sent);
    }

    [Fact]
    public async Task ProtectAsync_HashChainOnly_StampsRetentionTagsChangesNothingElseAndSaysTheChainProvesIntegrity()
    {
        var hashes = await AppendChainAsync(2);
        var before = await BlobPropertiesAsync();

        var result = await services.GetRequiredService<IEvidenceImmutability>()
            .ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);

        Assert.IsType<HashChainOnlyEvidenceImmutability>(services.GetRequiredService<IEvidenceImmutability>());
        Assert.Equal(ImmutabilityState.NotEnforcedLocally, result.State);
        Assert.Equal("not enforced locally; the hash chain proves integrity", result.Detail);
        Assert.Equal(2, result.Stamped);
        Assert.Equal(before, await BlobPropertiesAsync());
        foreach (var hash in hashes)
        {
            var tags = (await Blobs().GetBlobClient(AzureEvidenceStore.BlobNameOf(hash)).GetTagsAsync()).Value.Tags;
            Assert.Equal("high", tags[RetentionStamp.TierTag]);
            Assert.Equal("2033-11-26T10:00:00Z", tags[RetentionStamp.UntilTag]);
        }
    }

    [Fact]
    public async Task ProtectAsync_ShorterRetentionLater_NeverShortensTheStamp()
    {
        var hashes = await AppendChainAsync(1);
        var immutability = services.GetRequiredService<IEvidenceImmutability>();

        await immutability.ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);
        await immutability.ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until.AddYears(-5), "low", CancellationToken.None);
        await immutability.ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until.AddYears(1), null, CancellationToken.None);

        var tags = (await Blobs().GetBlobClient(AzureEvidenceStore.BlobNameOf(hashes[0])).GetTagsAsync()).Value.Tags;
        Assert.Equal(RetentionStamp.Unresolved, tags[RetentionStamp.TierTag]);
        Assert.Equal("2034-11-26T10:00:00Z", tags[RetentionStamp.UntilTag]);
    }

    [Theory]
    [InlineData(null, typeof(HashChainOnlyEvidenceImmutability))]
    [InlineData("HashChainOnly", typeof(HashChainOnlyEvidenceImmutability))]
    [InlineData("Azure", typeof(AzureBlobEvidenceImmutability))]
    public void Registration_OnAzurite_ChoosesByConfiguration(string? mode, Type expected)
    {
        using var provider = StorageTestServices.Build(azurite.ConnectionString, names, overrides: new Dictionary<string, string?> { ["MlopsFlows:Evidence:Immutability"] = mode });

        Assert.IsType(expected, provider.GetRequiredService<IEvidenceImmutability>());
    }

    [Fact]
    public void Registration_InAzureWithServiceUris_DefaultsToAzure()
    {
        var options = new EvidenceStorageOptions { BlobServiceUri = new Uri("https://acct.blob.core.windows.net"), TableServiceUri = new Uri("https://acct.table.core.windows.net") };

        Assert.Equal(EvidenceImmutabilityMode.Azure, options.ImmutabilityInForce);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=x;AccountKey=a2V5;BlobEndpoint=http://localhost:41234/x;TableEndpoint=http://localhost:41236/x", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsLocalEmulator_ConnectionStrings_RecognisesAzurite(string? connectionString, bool expected)
    {
        Assert.Equal(expected, EvidenceStorageOptions.IsLocalEmulator(connectionString));
    }

    [Fact]
    public async Task Storage_EveryOperation_NeverLogsOrStoresTheConnectionStringOrKey()
    {
        var accountKey = azurite.ConnectionString.Split(';').Select(p => p.Split('=', 2)).Single(p => p[0] == "AccountKey")[1];
        var store = services.GetRequiredService<IEvidenceStore>();
        var ledger = services.GetRequiredService<IReleaseLedger>();
        await AppendChainAsync(3);
        await store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null), CancellationToken.None);
        await Assert.ThrowsAsync<EvidenceConflictException>(() => store.AppendAsync(EvidenceRecords.Record(ReleaseId, 1, null, decision: "fail"), CancellationToken.None));
        await services.GetRequiredService<EvidenceVerifier>().VerifyAllRunsAsync(ReleaseId, CancellationToken.None);
        var key = new Domain.Releases.ReleaseKey("main.credit.scorer", 12, "prod");
        await ledger.ClaimAsync(new ReleaseClaim(key, EvidenceRecords.FirstRun, "job:train", Until), CancellationToken.None);
        await ledger.ClaimAsync(new ReleaseClaim(key with { Version = 13 }, "run-13", "job:train", Until), CancellationToken.None);
        await ledger.EndAsync(new ReleaseEnding(key, EvidenceRecords.FirstRun, Until, "Promoted", "ok", Until, 3, null), CancellationToken.None);
        await services.GetRequiredService<IEvidenceImmutability>().ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);
        await AzureImmutability(new RequestRecorder()).ProtectAsync(ReleaseId, EvidenceRecords.FirstRun, Until, "high", CancellationToken.None);

        Assert.NotEmpty(logs);
        Assert.All(logs, e =>
        {
            var text = e.Message + e.Exception;
            Assert.DoesNotContain(accountKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
        });
        var stored = new List<string>();
        foreach (var table in new[] { names.EvidenceTable, names.ReleasesTable })
        {
            await foreach (var row in new TableClient(azurite.ConnectionString, table).QueryAsync<TableEntity>())
            {
                stored.AddRange(row.Select(p => p.Value?.ToString() ?? string.Empty));
            }
        }

        await foreach (var blob in Blobs().GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
        {
            stored.AddRange(blob.Metadata.Values);
            stored.Add((await Blobs().GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        Assert.NotEmpty(stored);
        Assert.All(stored, value => Assert.DoesNotContain(accountKey, value, StringComparison.Ordinal));
    }

    private AzureBlobEvidenceImmutability AzureImmutability(RequestRecorder requests)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.AddPolicy(requests, HttpPipelinePosition.PerCall);
        return new AzureBlobEvidenceImmutability(
            services.GetRequiredService<IOptions<EvidenceStorageOptions>>(),
            services.GetRequiredService<IEvidenceStore>(),
            services.GetRequiredService<ILogger<AzureBlobEvidenceImmutability>>(),
            clientOptions: clientOptions);
    }

    private async Task<List<string>> AppendChainAsync(int count)
    {
        var hashes = new List<string>();
        foreach (var record in EvidenceRecords.Chain(ReleaseId, count))
        {
            hashes.Add(await services.GetRequiredService<IEvidenceStore>().AppendAsync(record, CancellationToken.None));
        }

        return hashes;
    }

    private async Task<string> BlobPropertiesAsync()
    {
        var seen = new List<string>();
        await foreach (var blob in Blobs().GetBlobsAsync())
        {
            seen.Add($"{blob.Name} {blob.Properties.ETag} {blob.Properties.LastModified:O} {blob.Properties.HasLegalHold}");
        }

        return string.Join('\n', seen);
    }

    private BlobContainerClient Blobs() => new(azurite.ConnectionString, names.Container);

    /// <summary>Records each request as it leaves the client: method, URL and headers.</summary>
    private sealed class RequestRecorder : HttpPipelineSynchronousPolicy
    {
        public ConcurrentQueue<SentRequest> Sent { get; } = new();

        public override void OnSendingRequest(HttpMessage message)
        {
            var headers = message.Request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
            Sent.Enqueue(new SentRequest(message.Request.Method.Method, message.Request.Uri.ToUri(), headers));
        }
    }

    private sealed record SentRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers);
}
