using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>
/// The release ledger in one Azure table (<c>Releases</c>), laid out for the questions asked of it:
/// <list type="table">
/// <item><term>partition <c>m:{model}:{environment}</c>, row <c>slot</c></term><description>the one in-flight place of a
/// model in an environment: who holds it (release, run, requester) or empty when free. Claims and endings change it
/// only with the ETag they read, so two claims can never both win.</description></item>
/// <item><term>partition <c>m:{model}:{environment}</c>, row <c>r:{inverted ticks of the request}:{run id}</c></term>
/// <description>one row per release run: requested by, when, status (<c>InFlight</c> or the outcome), reason, end time,
/// evidence count and head. "A model's releases per environment, newest first" is one partition read in key order.
/// A claim writes the slot and the run row in one transaction, and so does an ending.</description></item>
/// <item><term>partition <c>s:{status}</c>, row <c>{inverted ticks}:{run id}:{release id}</c></term><description>the
/// same releases by status for operators ("everything in flight", "every rollback"), newest first. Kept after the
/// model partition commits (a table transaction is one partition), so it can lag by one step after a crash; the
/// next claim or ending of that release puts it right.</description></item>
/// </list>
/// </summary>
public sealed class AzureTableReleaseLedger : IReleaseLedger
{
    private const string SlotRow = "slot";
    private const string RunRowPrefix = "r:";

    // Each retry follows a concurrent write that won; a handful of contenders settle well within this.
    private const int MaxAttempts = 16;

    private readonly TableClient table;
    private readonly ILogger<AzureTableReleaseLedger> logger;
    private readonly Lock creation = new();
    private Task? created;

    public AzureTableReleaseLedger(IOptions<EvidenceStorageOptions> options, ILogger<AzureTableReleaseLedger> logger, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        table = StorageClients.Table(options.Value, options.Value.ReleasesTableName, credential);
        this.logger = logger;
    }

    public Task<ClaimResult> ClaimAsync(ReleaseClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        TableKeys.ThrowIfNotRunId(claim.RunId);
        return StorageFailures.ClassifyAsync("release ledger", $"claim the in-flight place for {claim.Key.InstanceId}", () => ClaimCoreAsync(claim, cancellationToken), cancellationToken);
    }

    public Task<ReleaseLedgerEntry> EndAsync(ReleaseEnding ending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ending);
        TableKeys.ThrowIfNotRunId(ending.RunId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ending.Outcome);
        return StorageFailures.ClassifyAsync("release ledger", $"record the end of {ending.Key.InstanceId}", () => EndCoreAsync(ending, cancellationToken), cancellationToken);
    }

    public Task<ReleaseLedgerEntry?> FindInFlightAsync(string model, string environment, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("release ledger", $"find the release of {model} in flight to {environment}", async () =>
        {
            await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var partition = ModelPartition(model, environment);
            var slot = await ReadAsync(partition, SlotRow, cancellationToken).ConfigureAwait(false);
            if (slot is null || !IsHeld(slot))
            {
                return null;
            }

            return await ReadAsync(partition, slot.GetString(Columns.RunRow)!, cancellationToken).ConfigureAwait(false) is { } row ? ToEntry(row) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListAsync(string model, string environment, int top, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("release ledger", $"list the releases of {model} to {environment}", async () =>
        {
            await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var partition = ModelPartition(model, environment);

            // ';' is the character after ':', so this is exactly the run rows, already newest first.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {RunRowPrefix} and RowKey lt {"r;"}");
            return await TakeAsync(filter, top, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListByStatusAsync(string status, int top, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("release ledger", $"list the releases with status {status}", async () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(status);
            await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            return await TakeAsync(TableClient.CreateQueryFilter($"PartitionKey eq {StatusPartition(status)}"), top, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListEndedAsync(string status, DateTimeOffset endedFrom, DateTimeOffset endedBefore, int top, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("release ledger", $"list the releases that ended {status} from {endedFrom:O} to {endedBefore:O}", async () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(status);
            await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            return await TakeAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {StatusPartition(status)} and EndedAt ge {endedFrom} and EndedAt lt {endedBefore}"), top, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<ReleaseLedgerEntry?> FindRunAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        TableKeys.ThrowIfNotRunId(runId);
        if (!ReleaseKey.TryParse(releaseId, out var key))
        {
            return Task.FromResult<ReleaseLedgerEntry?>(null);
        }

        return StorageFailures.ClassifyAsync("release ledger", $"find run {runId} of {releaseId}", async () =>
        {
            await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var row = await FindRunRowAsync(ModelPartition(key.Model, key.Environment), releaseId, runId, cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToEntry(row);
        }, cancellationToken);
    }

    /// <summary>Row key of a run: newest first within the partition, the run id keeping two requests in one tick apart.</summary>
    public static string RunRowKey(DateTimeOffset requestedAt, string runId) => $"{RunRowPrefix}{InvertedTicks(requestedAt)}:{runId}";

    public static string ModelPartition(string model, string environment) => TableKeys.Escape($"m:{model}:{environment}");

    public static string StatusPartition(string status) => TableKeys.Escape($"s:{status}");

    private async Task<ClaimResult> ClaimCoreAsync(ReleaseClaim claim, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = ModelPartition(claim.Key.Model, claim.Key.Environment);
        var runRowKey = RunRowKey(claim.RequestedAt, claim.RunId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var slot = await ReadAsync(partition, SlotRow, cancellationToken).ConfigureAwait(false);
            if (slot is not null && IsHeld(slot))
            {
                var holderRow = await ReadAsync(partition, slot.GetString(Columns.RunRow)!, cancellationToken).ConfigureAwait(false);
                var holder = holderRow is null ? FromSlot(slot) : ToEntry(holderRow);
                if (string.Equals(slot.GetString(Columns.ReleaseId), claim.Key.InstanceId, StringComparison.Ordinal))
                {
                    // The same release asked again: it already holds the place, under the run that claimed first.
                    await IndexAsync(holder, slot.GetString(Columns.RunRow)!, previousStatus: null, cancellationToken).ConfigureAwait(false);
                    return new ClaimResult(Claimed: true, Created: false, holder);
                }

                Log.LedgerClaimRefused(logger, claim.Key.InstanceId, holder.ReleaseId);
                return new ClaimResult(Claimed: false, Created: false, holder);
            }

            var run = NewRunRow(partition, runRowKey, claim);
            var held = new TableEntity(partition, SlotRow)
            {
                [Columns.ReleaseId] = claim.Key.InstanceId,
                [Columns.RunId] = claim.RunId,
                [Columns.RunRow] = runRowKey,
                [Columns.Version] = claim.Key.Version,
                [Columns.RequestedBy] = claim.RequestedBy,
                [Columns.RequestedAt] = claim.RequestedAt,
            };
            TableTransactionAction takeSlot = slot is null
                ? new(TableTransactionActionType.Add, held)
                : new(TableTransactionActionType.UpdateReplace, held, slot.ETag);
            try
            {
                await table.SubmitTransactionAsync([takeSlot, new TableTransactionAction(TableTransactionActionType.Add, run)], cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else wrote the slot since it was read (or this run row exists): read again, never overwrite.
                Log.LedgerStaleETag(logger, claim.Key.InstanceId, "claim", attempt);
                continue;
            }

            var entry = ToEntry(run);
            await IndexAsync(entry, runRowKey, previousStatus: null, cancellationToken).ConfigureAwait(false);
            Log.LedgerClaimed(logger, claim.Key.InstanceId, claim.RunId);
            return new ClaimResult(Claimed: true, Created: true, entry);
        }

        throw new TransientDependencyException($"The in-flight place of {claim.Key.Model} in {claim.Key.Environment} kept changing; {MaxAttempts} claims of {claim.Key.InstanceId} lost the race.");
    }

    private async Task<ReleaseLedgerEntry> EndCoreAsync(ReleaseEnding ending, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = ModelPartition(ending.Key.Model, ending.Key.Environment);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // Found by its run id, not rebuilt from the request time, which the caller may hold less precisely.
            var run = await FindRunRowAsync(partition, ending.Key.InstanceId, ending.RunId, cancellationToken).ConfigureAwait(false);
            var runRowKey = run?.RowKey ?? RunRowKey(ending.RequestedAt, ending.RunId);
            var slot = await ReadAsync(partition, SlotRow, cancellationToken).ConfigureAwait(false);
            var holdsSlot = slot is not null && IsHeld(slot)
                && string.Equals(slot.GetString(Columns.ReleaseId), ending.Key.InstanceId, StringComparison.Ordinal)
                && string.Equals(slot.GetString(Columns.RunId), ending.RunId, StringComparison.Ordinal);
            var alreadyEnded = run is not null && run.GetString(Columns.Status) != ReleaseLedgerStatus.InFlight;
            if (alreadyEnded && !holdsSlot)
            {
                // Recorded before (an activity re-run): the first ending stands.
                var recorded = ToEntry(run!);
                await IndexAsync(recorded, runRowKey, ReleaseLedgerStatus.InFlight, cancellationToken).ConfigureAwait(false);
                return recorded;
            }

            var actions = new List<TableTransactionAction>(2);
            TableEntity ended;
            if (alreadyEnded)
            {
                ended = run!;
            }
            else
            {
                // A run the ledger never saw claimed (started before the ledger, or its claim was lost) is still booked.
                ended = run ?? NewRunRow(partition, runRowKey, new ReleaseClaim(ending.Key, ending.RunId, string.Empty, ending.RequestedAt));
                ended[Columns.Status] = ending.Outcome;
                ended[Columns.Reason] = ending.Reason;
                ended[Columns.EndedAt] = ending.EndedAt;
                ended[Columns.EvidenceCount] = ending.EvidenceCount;
                ended[Columns.EvidenceHead] = ending.EvidenceHead;
                actions.Add(run is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, ended)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, ended, run.ETag));
            }

            if (holdsSlot)
            {
                var free = new TableEntity(partition, SlotRow)
                {
                    [Columns.ReleaseId] = string.Empty,
                    [Columns.LastReleaseId] = ending.Key.InstanceId,
                    [Columns.LastRunId] = ending.RunId,
                    [Columns.FreedAt] = ending.EndedAt,
                };
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, free, slot!.ETag));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                Log.LedgerStaleETag(logger, ending.Key.InstanceId, "end", attempt);
                continue;
            }

            var entry = ToEntry(ended);
            await IndexAsync(entry, runRowKey, ReleaseLedgerStatus.InFlight, cancellationToken).ConfigureAwait(false);
            Log.LedgerEnded(logger, ending.Key.InstanceId, ending.RunId, entry.Status, holdsSlot);
            return entry;
        }

        throw new TransientDependencyException($"The ledger rows of {ending.Key.InstanceId} kept changing; {MaxAttempts} attempts to record its end lost the race.");
    }

    /// <summary>Puts the run in its status partition and takes it out of the one it left. Both writes are repeatable.</summary>
    /// <remarks>The row key comes from the run row's (time order, run id), so both status rows of a run share it exactly.</remarks>
    private async Task IndexAsync(ReleaseLedgerEntry entry, string runRowKey, string? previousStatus, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.Escape($"{runRowKey[RunRowPrefix.Length..]}:{entry.ReleaseId}");
        var row = ToRow(entry, StatusPartition(entry.Status), rowKey);
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        if (previousStatus is not null && previousStatus != entry.Status)
        {
            // DeleteEntity answers 404 without an exception: already gone is fine.
            await table.DeleteEntityAsync(StatusPartition(previousStatus), rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<ReleaseLedgerEntry>> TakeAsync(string filter, int top, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var entries = new List<ReleaseLedgerEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(ToEntry(row));
            if (entries.Count == top)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>A run's row within its model partition (a few rows per model and environment: the filter is cheap).</summary>
    private async Task<TableEntity?> FindRunRowAsync(string partition, string releaseId, string runId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey gt {RunRowPrefix} and RowKey lt {"r;"} and RunId eq {runId} and ReleaseId eq {releaseId}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return row;
        }

        return null;
    }

    private async Task<TableEntity?> ReadAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    private static TableEntity NewRunRow(string partition, string rowKey, ReleaseClaim claim) => new(partition, rowKey)
    {
        [Columns.ReleaseId] = claim.Key.InstanceId,
        [Columns.Model] = claim.Key.Model,
        [Columns.Version] = claim.Key.Version,
        [Columns.Environment] = claim.Key.Environment,
        [Columns.RunId] = claim.RunId,
        [Columns.RequestedBy] = claim.RequestedBy,
        [Columns.RequestedAt] = claim.RequestedAt,
        [Columns.Status] = ReleaseLedgerStatus.InFlight,
    };

    private static TableEntity ToRow(ReleaseLedgerEntry entry, string partition, string rowKey) => new(partition, rowKey)
    {
        [Columns.ReleaseId] = entry.ReleaseId,
        [Columns.Model] = entry.Model,
        [Columns.Version] = entry.Version,
        [Columns.Environment] = entry.Environment,
        [Columns.RunId] = entry.RunId,
        [Columns.RequestedBy] = entry.RequestedBy,
        [Columns.RequestedAt] = entry.RequestedAt,
        [Columns.Status] = entry.Status,
        [Columns.Reason] = entry.Reason,
        [Columns.EndedAt] = entry.EndedAt,
        [Columns.EvidenceCount] = entry.EvidenceCount,
        [Columns.EvidenceHead] = entry.EvidenceHead,
    };

    private static ReleaseLedgerEntry ToEntry(TableEntity row) => new(
        row.GetString(Columns.ReleaseId) ?? string.Empty,
        row.GetString(Columns.Model) ?? string.Empty,
        row.GetInt32(Columns.Version) ?? 0,
        row.GetString(Columns.Environment) ?? string.Empty,
        row.GetString(Columns.RunId) ?? string.Empty,
        row.GetString(Columns.RequestedBy) ?? string.Empty,
        row.GetDateTimeOffset(Columns.RequestedAt) ?? default,
        row.GetString(Columns.Status) ?? ReleaseLedgerStatus.InFlight,
        row.GetString(Columns.Reason),
        row.GetDateTimeOffset(Columns.EndedAt),
        row.GetInt32(Columns.EvidenceCount),
        row.GetString(Columns.EvidenceHead));

    /// <summary>What the slot itself says of its holder, when the holder's run row cannot be read.</summary>
    private static ReleaseLedgerEntry FromSlot(TableEntity slot)
    {
        var releaseId = slot.GetString(Columns.ReleaseId)!;
        var key = ReleaseKey.TryParse(releaseId, out var parsed) ? parsed : null;
        return new ReleaseLedgerEntry(
            releaseId, key?.Model ?? string.Empty, slot.GetInt32(Columns.Version) ?? key?.Version ?? 0, key?.Environment ?? string.Empty,
            slot.GetString(Columns.RunId) ?? string.Empty, slot.GetString(Columns.RequestedBy) ?? string.Empty,
            slot.GetDateTimeOffset(Columns.RequestedAt) ?? default, ReleaseLedgerStatus.InFlight, null, null, null, null);
    }

    private static bool IsHeld(TableEntity slot) => !string.IsNullOrEmpty(slot.GetString(Columns.ReleaseId));

    private static string InvertedTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Creates the table once per process; a failed attempt is tried again by the next call.</summary>
    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task current;
        lock (creation)
        {
            if (created is null || created.IsFaulted || created.IsCanceled)
            {
                created = table.CreateIfNotExistsAsync(CancellationToken.None);
            }

            current = created;
        }

        return current.WaitAsync(cancellationToken);
    }

    private static class Columns
    {
        public const string ReleaseId = nameof(ReleaseId);
        public const string Model = nameof(Model);
        public const string Version = nameof(Version);
        public const string Environment = nameof(Environment);
        public const string RunId = nameof(RunId);
        public const string RunRow = nameof(RunRow);
        public const string RequestedBy = nameof(RequestedBy);
        public const string RequestedAt = nameof(RequestedAt);
        public const string Status = nameof(Status);
        public const string Reason = nameof(Reason);
        public const string EndedAt = nameof(EndedAt);
        public const string EvidenceCount = nameof(EvidenceCount);
        public const string EvidenceHead = nameof(EvidenceHead);
        public const string LastReleaseId = nameof(LastReleaseId);
        public const string LastRunId = nameof(LastRunId);
        public const string FreedAt = nameof(FreedAt);
    }
}
