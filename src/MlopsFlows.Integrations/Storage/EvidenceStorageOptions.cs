using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Storage;

/// <summary>Where evidence is kept: payloads in a blob container, the index in a table. Bound from <c>MlopsFlows:Evidence</c>.</summary>
public sealed class EvidenceStorageOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Evidence";

    /// <summary>
    /// Storage connection string (Azurite locally). Default empty: then <see cref="BlobServiceUri"/> and
    /// <see cref="TableServiceUri"/> are used with <c>DefaultAzureCredential</c>. Never logged.
    /// Key: <c>MlopsFlows:Evidence:ConnectionString</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob endpoint, e.g. <c>https://acct.blob.core.windows.net</c>; required without a connection string. Key: <c>MlopsFlows:Evidence:BlobServiceUri</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Table endpoint, e.g. <c>https://acct.table.core.windows.net</c>; required without a connection string. Key: <c>MlopsFlows:Evidence:TableServiceUri</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Blob container of the payloads. Default <c>evidence</c>. Key: <c>MlopsFlows:Evidence:ContainerName</c>.</summary>
    [Required]
    [RegularExpression("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "ContainerName must be 3-63 lower-case letters, digits and single hyphens.")]
    public string ContainerName { get; set; } = "evidence";

    /// <summary>Table of the index rows. Default <c>EvidenceIndex</c>. Key: <c>MlopsFlows:Evidence:TableName</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "TableName must be 3-63 letters and digits, starting with a letter.")]
    public string TableName { get; set; } = "EvidenceIndex";

    /// <summary>
    /// Table of the release ledger (the in-flight place per model and environment, one row per release run, an index
    /// by status). Default <c>Releases</c>. Key: <c>MlopsFlows:Evidence:ReleasesTableName</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "ReleasesTableName must be 3-63 letters and digits, starting with a letter.")]
    public string ReleasesTableName { get; set; } = "Releases";

    /// <summary>
    /// How evidence is made write-once beyond the hash chain. <c>Azure</c>: a time-based immutability policy on each
    /// payload blob (the container needs version-level immutability support, which infra enables). <c>HashChainOnly</c>:
    /// nothing is applied (Azurite answers 501 to immutability calls); the hash chain alone proves integrity.
    /// Default: <c>HashChainOnly</c> for a connection string to Azurite (development storage or a loopback
    /// endpoint), <c>Azure</c> otherwise. Key: <c>MlopsFlows:Evidence:Immutability</c>.
    /// </summary>
    public EvidenceImmutabilityMode? Immutability { get; set; }

    /// <summary>The mode in force: <see cref="Immutability"/>, or the default for where the storage is.</summary>
    public EvidenceImmutabilityMode ImmutabilityInForce =>
        Immutability ?? (IsLocalEmulator(ConnectionString) ? EvidenceImmutabilityMode.HashChainOnly : EvidenceImmutabilityMode.Azure);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield break;
        }

        if (BlobServiceUri is not { IsAbsoluteUri: true })
        {
            yield return new ValidationResult("Without a ConnectionString, BlobServiceUri must be an absolute URL.", [nameof(BlobServiceUri)]);
        }

        if (TableServiceUri is not { IsAbsoluteUri: true })
        {
            yield return new ValidationResult("Without a ConnectionString, TableServiceUri must be an absolute URL.", [nameof(TableServiceUri)]);
        }
    }

    /// <summary>Azurite: the development-storage shortcut or an endpoint on a loopback address.</summary>
    public static bool IsLocalEmulator(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = part[..equals];
            var value = part[(equals + 1)..];
            if (name.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) && value.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (name.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && endpoint.IsLoopback)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>What makes stored evidence write-once: see <see cref="EvidenceStorageOptions.Immutability"/>.</summary>
public enum EvidenceImmutabilityMode
{
    Azure,
    HashChainOnly,
}
