using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace MlopsFlows.Integrations.Storage;

/// <summary>
/// Clients of the evidence storage account: the connection string when one is configured (Azurite locally), otherwise
/// the service URLs with a token credential (<c>DefaultAzureCredential</c> in Azure). The secret stays inside the client.
/// </summary>
internal static class StorageClients
{
    public static BlobContainerClient Container(EvidenceStorageOptions settings, TokenCredential? credential, BlobClientOptions? options = null) =>
        string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new BlobServiceClient(settings.BlobServiceUri, credential ?? new DefaultAzureCredential(), options).GetBlobContainerClient(settings.ContainerName)
            : new BlobContainerClient(settings.ConnectionString, settings.ContainerName, options);

    public static TableClient Table(EvidenceStorageOptions settings, string tableName, TokenCredential? credential, TableClientOptions? options = null) =>
        string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new TableServiceClient(settings.TableServiceUri, credential ?? new DefaultAzureCredential(), options).GetTableClient(tableName)
            : new TableClient(settings.ConnectionString, tableName, options);
}
