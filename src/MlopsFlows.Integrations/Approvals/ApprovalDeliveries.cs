using Azure;
using Azure.Data.Tables;
using MlopsFlows.Integrations.Storage;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// One notification delivered to one person by one channel. For Teams it names the card's copy (service URL,
/// conversation, activity), so an outcome can update it.
/// </summary>
public sealed record ApprovalDelivery(
    string ReleaseId,
    string Channel,
    string NotificationId,
    string RecipientObjectId,
    string RecipientUpn,
    DateTimeOffset DeliveredAt,
    string? ServiceUrl = null,
    string? ConversationId = null,
    string? ActivityId = null);

/// <summary>
/// What has been delivered, in the table <see cref="TableName"/> of the evidence storage account: partition = the
/// release, row = <c>{channel}|{notification id}|{recipient object id}</c>. A notification runs in an activity that may
/// run twice; a delivery found here is not repeated, and an outcome finds every card of a release in one partition.
/// </summary>
public sealed class ApprovalDeliveries(TableClient table)
{
    public const string TableName = "ApprovalDeliveries";

    private readonly Lazy<Task> created = new(() => table.CreateIfNotExistsAsync());

    public static ApprovalDeliveries Create(EvidenceStorageOptions storage, Azure.Core.TokenCredential? credential) =>
        new(StorageClients.Table(storage, TableName, credential));

    public async Task<ApprovalDelivery?> FindAsync(string releaseId, string channel, string notificationId, string recipientObjectId, CancellationToken cancellationToken)
    {
        await created.Value.ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(releaseId), RowKey(channel, notificationId, recipientObjectId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? Read(found.Value!) : null;
    }

    /// <summary>Records a delivery; recording it again (a re-run) replaces the row with the same values.</summary>
    public async Task RecordAsync(ApprovalDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await created.Value.ConfigureAwait(false);
        var entity = new TableEntity(TableKeys.Escape(delivery.ReleaseId), RowKey(delivery.Channel, delivery.NotificationId, delivery.RecipientObjectId))
        {
            [nameof(ApprovalDelivery.ReleaseId)] = delivery.ReleaseId,
            [nameof(ApprovalDelivery.Channel)] = delivery.Channel,
            [nameof(ApprovalDelivery.NotificationId)] = delivery.NotificationId,
            [nameof(ApprovalDelivery.RecipientObjectId)] = delivery.RecipientObjectId,
            [nameof(ApprovalDelivery.RecipientUpn)] = delivery.RecipientUpn,
            [nameof(ApprovalDelivery.DeliveredAt)] = delivery.DeliveredAt,
            [nameof(ApprovalDelivery.ServiceUrl)] = delivery.ServiceUrl,
            [nameof(ApprovalDelivery.ConversationId)] = delivery.ConversationId,
            [nameof(ApprovalDelivery.ActivityId)] = delivery.ActivityId,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every delivery of a release by <paramref name="channel"/>, e.g. every Teams card to refresh.</summary>
    public async Task<IReadOnlyList<ApprovalDelivery>> ListAsync(string releaseId, string channel, CancellationToken cancellationToken)
    {
        await created.Value.ConfigureAwait(false);
        var partition = TableKeys.Escape(releaseId);
        var from = TableKeys.Escape(channel) + "|";
        var to = TableKeys.Escape(channel) + "}"; // '}' follows '|': the range holds exactly this channel's rows.
        var rows = new List<ApprovalDelivery>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partition && string.Compare(e.RowKey, from) >= 0 && string.Compare(e.RowKey, to) < 0,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(row));
        }

        return rows;
    }

    private static string RowKey(string channel, string notificationId, string recipientObjectId) =>
        TableKeys.Escape($"{channel}|{notificationId}|{recipientObjectId}");

    private static ApprovalDelivery Read(TableEntity row) => new(
        row.GetString(nameof(ApprovalDelivery.ReleaseId)),
        row.GetString(nameof(ApprovalDelivery.Channel)),
        row.GetString(nameof(ApprovalDelivery.NotificationId)),
        row.GetString(nameof(ApprovalDelivery.RecipientObjectId)),
        row.GetString(nameof(ApprovalDelivery.RecipientUpn)),
        row.GetDateTimeOffset(nameof(ApprovalDelivery.DeliveredAt)) ?? DateTimeOffset.MinValue,
        row.GetString(nameof(ApprovalDelivery.ServiceUrl)),
        row.GetString(nameof(ApprovalDelivery.ConversationId)),
        row.GetString(nameof(ApprovalDelivery.ActivityId)));
}
