using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>
/// Evidence on Azure Storage. Each record's canonical JSON is a blob named by its SHA-256 (<c>sha256/{hash}.json</c>),
/// written once; a table row per record (PartitionKey = release id, RowKey = <c>{run id}.{zero-padded sequence}</c>)
/// indexes the chains: one partition per release, one chain per run of it.
/// The row is the commit point: the blob goes first, so a crash in between leaves only an unreferenced blob, which the
/// re-run finds already there.
/// </summary>
public sealed class AzureEvidenceStore : IEvidenceStore
{
    public const string ContentType = "application/json";

    private readonly BlobContainerClient _container;
    private readonly TableClient _table;
    private readonly ILogger<AzureEvidenceStore> _logger;
    private readonly Lock _creation = new();
    private Task? _created;

    /// <param name="credential">Used only without a connection string; <c>DefaultAzureCredential</c> when null.</param>
    public AzureEvidenceStore(IOptions<EvidenceStorageOptions> options, ILogger<AzureEvidenceStore> logger, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            _container = new BlobContainerClient(settings.ConnectionString, settings.ContainerName);
            _table = new TableClient(settings.ConnectionString, settings.TableName);
        }
        else
        {
            credential ??= new DefaultAzureCredential();
            _container = new BlobServiceClient(settings.BlobServiceUri, credential).GetBlobContainerClient(settings.ContainerName);
            _table = new TableServiceClient(settings.TableServiceUri, credential).GetTableClient(settings.TableName);
        }

        _logger = logger;
    }

    public static string BlobNameOf(string hash) => $"sha256/{hash}.json";

    public Task<string> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.ReleaseId);
        TableKeys.ThrowIfNotRunId(record.RunId);
        ArgumentOutOfRangeException.ThrowIfLessThan(record.Sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(record.Sequence, 999_999);
        return ClassifyFailuresAsync($"append evidence {record.Sequence} of {record.ReleaseId}", () => AppendCoreAsync(record, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<EvidenceEntry>> ListAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        TableKeys.ThrowIfNotRunId(runId);
        return ClassifyFailuresAsync($"list evidence of {releaseId} run {runId}", async () =>
        {
            var rows = await ReadRowsAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<EvidenceEntry>)rows.Select(ToEntry).ToList();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListRunsAsync(string releaseId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        return ClassifyFailuresAsync($"list the runs of {releaseId}", async () =>
        {
            var rows = await ReadRowsAsync(releaseId, runId: null, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<string>)rows.Select(RunIdOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredEvidence>> ReadChainAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(releaseId);
        TableKeys.ThrowIfNotRunId(runId);
        return ClassifyFailuresAsync($"read the evidence chain of {releaseId} run {runId}", async () =>
        {
            var rows = await ReadRowsAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
            var chain = new List<StoredEvidence>(rows.Count);
            foreach (var row in rows)
            {
                var sequence = SequenceOf(row);
                chain.Add(new StoredEvidence(sequence, row.GetString(Columns.Hash) ?? string.Empty, await DownloadAsync(releaseId, sequence, row, cancellationToken).ConfigureAwait(false)));
            }

            return (IReadOnlyList<StoredEvidence>)chain;
        }, cancellationToken);
    }

    private async Task<string> AppendCoreAsync(EvidenceRecord record, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var content = EvidenceChain.ToCanonicalJson(record);
        var hash = EvidenceChain.HashOf(content);
        var blobName = BlobNameOf(hash);
        await UploadOnceAsync(blobName, content, record, cancellationToken).ConfigureAwait(false);

        var row = new TableEntity(TableKeys.Escape(record.ReleaseId), TableKeys.ForRunSequence(record.RunId, record.Sequence))
        {
            [Columns.Step] = record.Step,
            [Columns.Decision] = record.Decision,
            [Columns.Actor] = record.Actor,
            [Columns.RecordedAt] = record.RecordedAt,
            [Columns.Hash] = hash,
            [Columns.BlobName] = blobName,
            [Columns.PreviousHash] = record.PreviousHash,
        };

        try
        {
            await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            Log.EvidenceAppended(_logger, record.ReleaseId, record.Sequence, record.Step, hash);
            return hash;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await _table.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var existingHash = existing.Value.GetString(Columns.Hash);
            if (string.Equals(existingHash, hash, StringComparison.Ordinal))
            {
                // The same record again: an activity re-run after a crash. Nothing new is written.
                Log.EvidenceAlreadyRecorded(_logger, record.ReleaseId, record.Sequence, hash);
                return hash;
            }

            throw new EvidenceConflictException(
                $"Release {record.ReleaseId} run {record.RunId} already has evidence record {record.Sequence} (hash {existingHash}); a different record (hash {hash}) cannot take its place.");
        }
    }

    private async Task UploadOnceAsync(string blobName, byte[] content, EvidenceRecord record, CancellationToken cancellationToken)
    {
        var upload = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType },
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // Metadata travels as HTTP headers: escape the id so any character survives.
                ["releaseid"] = Uri.EscapeDataString(record.ReleaseId),
                ["runid"] = record.RunId,
                ["sequence"] = record.Sequence.ToString(CultureInfo.InvariantCulture),
            },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };

        try
        {
            await _container.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(content), upload, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already there. The name is the hash of the bytes, so the bytes are the same ones (a later tampering
            // would be caught by verification, not here).
        }
    }

    /// <summary>The release's rows, of one run (a row-key range) or of all runs, in run then sequence order.</summary>
    private async Task<List<TableEntity>> ReadRowsAsync(string releaseId, string? runId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partitionKey = TableKeys.Escape(releaseId);
        var filter = runId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {TableKeys.RunRangeStart(runId)} and RowKey lt {TableKeys.RunRangeEnd(runId)}");
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows.OrderBy(RunIdOf, StringComparer.Ordinal).ThenBy(SequenceOf).ToList();
    }

    private async Task<ReadOnlyMemory<byte>> DownloadAsync(string releaseId, int sequence, TableEntity row, CancellationToken cancellationToken)
    {
        var blobName = BlobNameOf(row);
        try
        {
            var download = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return download.Value.Content.ToMemory();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A missing payload is a broken chain, not a failed read: verification names the record.
            Log.EvidenceBlobMissing(_logger, releaseId, sequence, blobName);
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    private EvidenceEntry ToEntry(TableEntity row) => new(
        SequenceOf(row),
        row.GetString(Columns.Step) ?? string.Empty,
        row.GetString(Columns.Decision) ?? string.Empty,
        row.GetString(Columns.Actor) ?? string.Empty,
        row.GetDateTimeOffset(Columns.RecordedAt) ?? default,
        row.GetString(Columns.Hash) ?? string.Empty,
        _container.GetBlobClient(BlobNameOf(row)).Uri.ToString());

    private static string BlobNameOf(TableEntity row) => row.GetString(Columns.BlobName) ?? BlobNameOf(row.GetString(Columns.Hash) ?? string.Empty);

    private static int SequenceOf(TableEntity row) => TableKeys.ParseRunSequence(row.RowKey).Sequence;

    private static string RunIdOf(TableEntity row) => TableKeys.ParseRunSequence(row.RowKey).RunId;

    /// <summary>Creates the container and table once per process; a failed attempt is tried again by the next call.</summary>
    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task created;
        lock (_creation)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                // Not tied to one caller's token: a cancelled caller must not cancel creation for the others.
                _created = CreateAsync();
            }

            created = _created;
        }

        return created.WaitAsync(cancellationToken);
    }

    private async Task CreateAsync()
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await _table.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
        Log.EvidenceStorageReady(_logger, _container.Name, _table.Name);
    }

    private static Task<T> ClassifyFailuresAsync<T>(string what, Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("Evidence storage", what, operation, cancellationToken);

    private static class Columns
    {
        public const string Step = nameof(Step);
        public const string Decision = nameof(Decision);
        public const string Actor = nameof(Actor);
        public const string RecordedAt = nameof(RecordedAt);
        public const string Hash = nameof(Hash);
        public const string BlobName = nameof(BlobName);
        public const string PreviousHash = nameof(PreviousHash);
    }
}
