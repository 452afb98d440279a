using System.Reflection;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Audit;

/// <summary>A signed packet, ready to hand over: the zip, and what it says.</summary>
public sealed record IssuedPacket(string FileName, byte[] Zip, AuditManifest Manifest, PacketSignature Signature, bool HasPdf);

/// <summary>Asked for a release or run that wrote no evidence.</summary>
public sealed class PacketNotFoundException(string message) : Exception(message);

/// <summary>No signing key is configured, so no packet can be issued (an unsigned packet would prove nothing).</summary>
public sealed class PacketSigningUnavailableException(string message) : Exception(message);

/// <summary>
/// Issues audit packets: reads a run's chain and its ledger row, builds the manifest, checks it against the published
/// schema, signs it, renders the HTML (and the PDF where a renderer exists) and zips it all. Also exports every packet
/// of a period with an index for a model-risk review.
/// </summary>
public sealed class AuditPackets(
    IReleaseLedger ledger,
    IEvidenceStore evidence,
    IPacketPdfRenderer pdf,
    TimeProvider time,
    IPacketSigner? signer = null)
{
    public static readonly PacketGenerator Generator = new(
        "MlopsFlows",
        typeof(AuditPackets).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public bool CanSign => signer is not null;

    /// <summary>The packet of one run of a release (its latest run when <paramref name="runId"/> is null).</summary>
    /// <exception cref="PacketNotFoundException">The release, or that run of it, wrote no evidence.</exception>
    /// <exception cref="PacketSigningUnavailableException">No signing key is configured.</exception>
    public async Task<IssuedPacket> IssueAsync(string releaseId, string? runId, CancellationToken cancellationToken, bool renderPdf = true)
    {
        var key = signer ?? throw new PacketSigningUnavailableException(
            "no packet signing key is configured: set MlopsFlows:Packets:Signing:KeyVaultKeyId (Azure) or MlopsFlows:Packets:Signing:LocalKeyPath (development)");
        var runs = await evidence.ListRunsAsync(releaseId, cancellationToken).ConfigureAwait(false);
        var run = runId ?? (runs.Count > 0 ? runs[^1] : null);
        if (run is null || !runs.Contains(run, StringComparer.Ordinal))
        {
            throw new PacketNotFoundException(runId is null
                ? $"release {releaseId} has no evidence"
                : $"release {releaseId} has no run {runId} (its runs: {(runs.Count == 0 ? "none" : string.Join(", ", runs))})");
        }

        var chain = await evidence.ReadChainAsync(releaseId, run, cancellationToken).ConfigureAwait(false);
        var entry = await ledger.FindRunAsync(releaseId, run, cancellationToken).ConfigureAwait(false);
        var generatedAt = time.GetUtcNow();
        var manifest = AuditManifestBuilder.Build(new PacketSource(releaseId, run, chain, ToFacts(entry), generatedAt, Generator));
        var manifestBytes = AuditJson.Serialize(manifest);

        // The builder and the published schema must agree; a packet that breaks its own schema is never issued.
        if (PacketVerifier.SchemaErrors(manifestBytes) is { Count: > 0 } errors)
        {
            throw new InvalidOperationException($"The manifest of {releaseId} run {run} does not follow {AuditManifest.SchemaId}: {string.Join("; ", errors.Take(5))}");
        }

        var signature = await key.SignAsync(manifestBytes, cancellationToken).ConfigureAwait(false);
        var html = PacketHtml.Render(manifest, new PacketSeal(signature.ManifestSha256, signature.Algorithm, signature.KeyId, signature.KeyFingerprint));
        var document = renderPdf ? await pdf.RenderAsync(html, cancellationToken).ConfigureAwait(false) : null;
        var packet = new AuditPacket(manifestBytes, signature, chain, html, document);
        return new IssuedPacket(AuditPacket.FileName(releaseId, run), packet.ToZip(generatedAt), manifest, signature, document is not null);
    }

    /// <summary>Signs an index or any other document of the service with the packet key.</summary>
    public Task<PacketSignature> SignAsync(byte[] document, CancellationToken cancellationToken) =>
        (signer ?? throw new PacketSigningUnavailableException("no packet signing key is configured")).SignAsync(document, cancellationToken);

    private static LedgerFacts? ToFacts(ReleaseLedgerEntry? entry) => entry is null
        ? null
        : new LedgerFacts(entry.Model, entry.Version, entry.Environment, entry.RequestedBy, entry.RequestedAt, entry.Status, entry.Reason, entry.EndedAt);
}
