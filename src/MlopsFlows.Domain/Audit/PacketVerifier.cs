using System.IO.Compression;
using System.Text.Json;
using Json.Schema;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Audit;

/// <summary>What <see cref="PacketVerifier.Verify"/> found, in the order it checks.</summary>
/// <param name="FirstBrokenRecord">The first record whose bytes, hash, sequence or link does not hold; null when the chain is whole.</param>
/// <param name="KeyTrusted">Null when no trusted key was given; otherwise whether the signing key is that key.</param>
public sealed record PacketVerification(
    bool Valid,
    bool SignatureValid,
    string? KeyId,
    string? KeyFingerprint,
    bool? KeyTrusted,
    bool SchemaValid,
    bool ChainIntact,
    int? FirstBrokenRecord,
    bool SectionsFollowFromRecords,
    int Records,
    string? ReleaseId,
    string? RunId,
    string? Outcome,
    IReadOnlyList<string> Problems);

/// <summary>
/// Checks a packet offline, with nothing but its bytes (and, optionally, the public key the auditor trusts): the
/// signature over the manifest, the manifest against the published schema, every record's SHA-256, sequence and link
/// (the first broken record is named), the chain's head and count, and that every section of the manifest follows
/// from the records (it is rebuilt from them and compared).
/// </summary>
public static class PacketVerifier
{
    public const string SchemaResource = "MlopsFlows.Domain.Audit.audit-packet.v1.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    public static PacketVerification Verify(byte[] packet, string? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(packet), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            return Failed($"not a packet: the file is not a readable zip archive ({ex.Message})");
        }

        using (zip)
        {
            return Verify(zip, trustedKey);
        }
    }

    private static PacketVerification Verify(ZipArchive zip, string? trustedKey)
    {
        var problems = new List<string>();
        var manifestBytes = ReadEntry(zip, AuditPacket.ManifestEntry);
        var signatureBytes = ReadEntry(zip, AuditPacket.SignatureEntry);
        if (manifestBytes is null || signatureBytes is null)
        {
            return Failed($"not a packet: {(manifestBytes is null ? AuditPacket.ManifestEntry : AuditPacket.SignatureEntry)} is missing");
        }

        // 1. The signature, with the key that travels with the packet; pinned to a trusted key when one is given.
        PacketSignature? signature = null;
        try
        {
            signature = JsonSerializer.Deserialize<PacketSignature>(signatureBytes, AuditJson.Options);
        }
        catch (JsonException ex)
        {
            problems.Add($"signature: {AuditPacket.SignatureEntry} is unreadable ({ex.Message})");
        }

        var fingerprint = string.Empty;
        var signatureValid = signature is not null && PacketKeys.IsValid(signature, manifestBytes, out fingerprint);
        if (signature is not null && !signatureValid)
        {
            problems.Add($"signature: does not match the manifest (key {signature.KeyId}); the manifest or the signature was changed");
        }

        if (signatureValid && !string.Equals(signature!.KeyFingerprint, fingerprint, StringComparison.Ordinal))
        {
            problems.Add($"signature: the stated key fingerprint {signature.KeyFingerprint} is not the key's ({fingerprint})");
        }

        bool? trusted = null;
        if (trustedKey is not null)
        {
            var expected = PacketKeys.TrustedFingerprint(trustedKey);
            trusted = expected is not null && string.Equals(expected, fingerprint, StringComparison.Ordinal);
            if (trusted != true)
            {
                problems.Add(expected is null
                    ? "signature: the trusted key given is neither a PEM public key nor a SHA-256 fingerprint"
                    : $"signature: signed by key {Short(fingerprint)}, not by the trusted key {Short(expected)}");
            }
        }

        // 2. The manifest against its published schema, then read.
        var schemaValid = false;
        AuditManifest? manifest = null;
        try
        {
            using var document = JsonDocument.Parse(manifestBytes);
            var evaluation = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            schemaValid = evaluation.IsValid;
            if (!schemaValid)
            {
                var first = (evaluation.Details ?? []).FirstOrDefault(d => d.Errors is { Count: > 0 });
                problems.Add($"manifest: does not follow {AuditManifest.SchemaId}" + (first is null ? string.Empty : $" at {first.InstanceLocation}: {first.Errors!.First().Value}"));
            }

            manifest = JsonSerializer.Deserialize<AuditManifest>(manifestBytes, AuditJson.Options);
        }
        catch (JsonException ex)
        {
            problems.Add($"manifest: unreadable ({ex.Message})");
        }

        if (manifest is null)
        {
            return Result(false, signature, fingerprint, signatureValid, trusted, schemaValid, false, null, false, 0, null, problems);
        }

        // 3. Every record the manifest lists, byte for byte, in order, linked; nothing extra.
        var stored = new List<StoredEvidence>();
        int? firstBroken = null;
        string? previous = null;
        foreach (var line in manifest.Evidence.Records)
        {
            var content = ReadEntry(zip, AuditPacket.RecordEntry(line.Sequence));
            if (content is null)
            {
                firstBroken ??= line.Sequence;
                problems.Add($"record {line.Sequence}: missing from the packet");
                break;
            }

            if (!string.Equals(line.PreviousHash, previous, StringComparison.Ordinal))
            {
                firstBroken ??= line.Sequence;
                problems.Add($"record {line.Sequence}: the manifest does not link it to the record before it");
                break;
            }

            stored.Add(new StoredEvidence(line.Sequence, line.Sha256, content));
            previous = line.Sha256;
        }

        var chain = EvidenceChain.Verify(stored, manifest.Release.ReleaseId, manifest.Release.RunId);
        if (!chain.Intact)
        {
            firstBroken = firstBroken is { } earlier && chain.FirstBrokenSequence is { } later ? Math.Min(earlier, later) : firstBroken ?? chain.FirstBrokenSequence;
            problems.Add($"record {chain.FirstBrokenSequence}: {chain.Reason}");
        }

        var listed = manifest.Evidence.Records.Select(r => AuditPacket.RecordEntry(r.Sequence)).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in zip.Entries.Where(e => e.FullName.StartsWith(AuditPacket.RecordsFolder, StringComparison.Ordinal) && !listed.Contains(e.FullName)))
        {
            problems.Add($"{extra.FullName}: a record file the manifest does not list");
        }

        var head = manifest.Evidence.Records.Count > 0 ? manifest.Evidence.Records[^1].Sha256 : null;
        if (manifest.Evidence.Count != manifest.Evidence.Records.Count || !string.Equals(manifest.Evidence.Head, head, StringComparison.Ordinal))
        {
            problems.Add($"evidence: the manifest's count ({manifest.Evidence.Count}) or head ({Short(manifest.Evidence.Head)}) is not that of its records ({manifest.Evidence.Records.Count}, {Short(head)})");
        }

        var chainIntact = firstBroken is null && chain.Intact;

        // 4. The sections follow from the records: rebuilt from them, they must be the manifest, byte for byte.
        var follows = false;
        if (chainIntact)
        {
            var release = manifest.Release;
            var rebuilt = AuditJson.Serialize(AuditManifestBuilder.Build(new PacketSource(
                release.ReleaseId,
                release.RunId,
                stored,
                new LedgerFacts(release.Model, release.Version, release.Environment, release.RequestedBy, release.RequestedAt, release.Outcome, release.Reason, release.EndedAt),
                manifest.GeneratedAt,
                manifest.Generator)));
            follows = rebuilt.AsSpan().SequenceEqual(manifestBytes);
            if (!follows)
            {
                problems.Add($"manifest: its sections do not follow from its records: {DifferingSections(rebuilt, manifestBytes)}");
            }
        }

        var valid = signatureValid && trusted != false && schemaValid && chainIntact && follows && problems.Count == 0;
        return Result(valid, signature, fingerprint, signatureValid, trusted, schemaValid, chainIntact, firstBroken, follows, stored.Count, manifest, problems);
    }

    private static PacketVerification Result(
        bool valid, PacketSignature? signature, string fingerprint, bool signatureValid, bool? trusted, bool schemaValid, bool chainIntact, int? firstBroken,
        bool follows, int records, AuditManifest? manifest, List<string> problems) =>
        new(valid, signatureValid, signature?.KeyId, fingerprint.Length > 0 ? fingerprint : signature?.KeyFingerprint, trusted, schemaValid, chainIntact, firstBroken,
            follows, records, manifest?.Release.ReleaseId, manifest?.Release.RunId, manifest?.Release.Outcome, problems);

    private static PacketVerification Failed(string problem) =>
        new(false, false, null, null, null, false, false, null, false, 0, null, null, null, [problem]);

    /// <summary>An entry's bytes, or null when it is absent (or a duplicate name makes it ambiguous).</summary>
    private static byte[]? ReadEntry(ZipArchive zip, string name)
    {
        var entries = zip.Entries.Where(e => string.Equals(e.FullName, name, StringComparison.Ordinal)).ToArray();
        if (entries.Length != 1)
        {
            return null;
        }

        using var stream = entries[0].Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The top-level sections whose content differs between the rebuilt manifest and the signed one.</summary>
    private static string DifferingSections(byte[] rebuilt, byte[] signed)
    {
        using var expected = JsonDocument.Parse(rebuilt);
        using var actual = JsonDocument.Parse(signed);
        var names = expected.RootElement.EnumerateObject().Select(p => p.Name)
            .Union(actual.RootElement.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        var differing = names.Where(name =>
        {
            var hasExpected = expected.RootElement.TryGetProperty(name, out var e);
            var hasActual = actual.RootElement.TryGetProperty(name, out var a);
            return hasExpected != hasActual || !JsonElement.DeepEquals(e, a);
        }).ToArray();
        return differing.Length == 0 ? "layout only" : string.Join(", ", differing);
    }

    private static string Short(string? hash) => hash is null ? "none" : hash.Length > 12 ? hash[..12] + "…" : hash;

    /// <summary>Validates a manifest against the published schema (for tests and the packet writer's own check).</summary>
    public static IReadOnlyList<string> SchemaErrors(ReadOnlySpan<byte> manifest)
    {
        using var document = JsonDocument.Parse(manifest.ToArray());
        var evaluation = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return evaluation.IsValid
            ? []
            : [.. (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private static JsonSchema LoadSchema()
    {
        using var stream = typeof(PacketVerifier).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The packet schema resource '{SchemaResource}' is missing.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
