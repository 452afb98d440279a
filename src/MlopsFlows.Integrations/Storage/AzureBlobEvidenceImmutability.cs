using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

/// <summary>
/// WORM in Azure: a locked time-based immutability policy on each payload blob of a run (Set Blob Immutability Policy,
/// <c>PUT …?comp=immutabilityPolicies</c>), so no one, an account owner included, can change or delete it before the
/// date. The container must have version-level immutability support, which infra enables. Storage that does not
/// implement the call (Azurite answers 501) is reported as <see cref="ImmutabilityState.NotSupported"/>, not thrown.
/// </summary>
public sealed class AzureBlobEvidenceImmutability : IEvidenceImmutability
{
    private readonly BlobContainerClient container;
    private readonly IEvidenceStore store;
    private readonly ILogger<AzureBlobEvidenceImmutability> logger;

    /// <param name="clientOptions">The blob client's pipeline options; tests add a policy that records the requests.</param>
    public AzureBlobEvidenceImmutability(
        IOptions<EvidenceStorageOptions> options,
        IEvidenceStore store,
        ILogger<AzureBlobEvidenceImmutability> logger,
        TokenCredential? credential = null,
        BlobClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        container = StorageClients.Container(options.Value, credential, clientOptions);
        this.store = store;
        this.logger = logger;
    }

    public Task<ImmutabilityResult> ProtectAsync(string releaseId, string runId, DateTimeOffset until, string? tier, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("Evidence storage", $"protect the evidence of {releaseId} run {runId}", async () =>
        {
            var entries = await store.ListAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);

            // Stamped before the lock: the tags say how long to keep it, the lock makes sure nobody deletes it sooner.
            var stamped = await RetentionStamp.ApplyAsync(container, entries, tier, until, cancellationToken).ConfigureAwait(false);
            var policy = new BlobImmutabilityPolicy { ExpiresOn = until, PolicyMode = BlobImmutabilityPolicyMode.Locked };
            foreach (var entry in entries)
            {
                var blob = container.GetBlobClient(AzureEvidenceStore.BlobNameOf(entry.Hash));
                try
                {
                    await blob.SetImmutabilityPolicyAsync(policy, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.Status == 501)
                {
                    Log.ImmutabilityNotSupported(logger, releaseId, runId, ex.ErrorCode);
                    return new ImmutabilityResult(
                        ImmutabilityState.NotSupported, 0, null, $"immutability policies are not supported by this storage (501 {ex.ErrorCode}); the hash chain proves integrity", stamped);
                }
                catch (RequestFailedException ex) when (ex.Status is 400 or 409)
                {
                    // A locked policy can only be extended: a re-run (or an earlier run sharing this payload) may already
                    // have set one at least as long, which is what was asked. Anything else is a real refusal.
                    if (!(await ProtectedUntilAsync(blob, cancellationToken).ConfigureAwait(false) >= until))
                    {
                        throw;
                    }
                }
            }

            Log.EvidenceProtected(logger, releaseId, runId, entries.Count, until);
            return new ImmutabilityResult(ImmutabilityState.Enforced, entries.Count, until, $"{entries.Count} payloads locked until {until:yyyy-MM-dd}", stamped);
        }, cancellationToken);

    private static async Task<DateTimeOffset?> ProtectedUntilAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return properties.Value.ImmutabilityPolicy?.ExpiresOn;
    }
}

/// <summary>
/// Local and Azurite mode: no storage immutability is applied (Azurite answers 501); the hash chain, re-checked by
/// <c>mlopsflows verify</c>, is what proves the evidence is unchanged. The retention stamp is applied all the same.
/// </summary>
public sealed class HashChainOnlyEvidenceImmutability(
    IOptions<EvidenceStorageOptions> options,
    IEvidenceStore store,
    ILogger<HashChainOnlyEvidenceImmutability> logger,
    TokenCredential? credential = null) : IEvidenceImmutability
{
    public const string Detail = "not enforced locally; the hash chain proves integrity";

    private readonly BlobContainerClient container = StorageClients.Container(options.Value, credential);

    public Task<ImmutabilityResult> ProtectAsync(string releaseId, string runId, DateTimeOffset until, string? tier, CancellationToken cancellationToken) =>
        StorageFailures.ClassifyAsync("Evidence storage", $"stamp the retention of {releaseId} run {runId}", async () =>
        {
            var entries = await store.ListAsync(releaseId, runId, cancellationToken).ConfigureAwait(false);
            var stamped = await RetentionStamp.ApplyAsync(container, entries, tier, until, cancellationToken).ConfigureAwait(false);
            Log.ImmutabilityNotEnforced(logger, releaseId, runId);
            return new ImmutabilityResult(ImmutabilityState.NotEnforcedLocally, 0, null, Detail, stamped);
        }, cancellationToken);
}

/// <summary>
/// The retention stamp on each evidence payload: blob index tags <see cref="TierTag"/> and <see cref="UntilTag"/>, which
/// the storage account's lifecycle rules filter on (infra/main.bicep). A payload already stamped with a later date keeps
/// it: retention is only ever extended.
/// </summary>
public static class RetentionStamp
{
    public const string TierTag = "mlopsflows-retention-tier";
    public const string UntilTag = "mlopsflows-retain-until";

    /// <summary>Tier tag value when no tier was resolved (a release refused before its tier was known).</summary>
    public const string Unresolved = "unresolved";

    public static async Task<int> ApplyAsync(BlobContainerClient container, IReadOnlyList<EvidenceEntry> entries, string? tier, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var stamped = 0;
        foreach (var entry in entries)
        {
            var blob = container.GetBlobClient(AzureEvidenceStore.BlobNameOf(entry.Hash));
            var existing = (await blob.GetTagsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Tags;
            if (existing.TryGetValue(UntilTag, out var earlier) && DateTimeOffset.TryParse(earlier, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stampedUntil)
                && stampedUntil >= until)
            {
                stamped++;
                continue;
            }

            var tags = new Dictionary<string, string>(existing, StringComparer.Ordinal)
            {
                [TierTag] = tier ?? Unresolved,
                [UntilTag] = Format(until),
            };
            await blob.SetTagsAsync(tags, cancellationToken: cancellationToken).ConfigureAwait(false);
            stamped++;
        }

        return stamped;
    }

    /// <summary>ISO 8601 in UTC to the second: the characters blob index tags allow, and sortable.</summary>
    public static string Format(DateTimeOffset until) => until.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
