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
}
