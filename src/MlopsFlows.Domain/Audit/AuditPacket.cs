using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Audit;

/// <summary>How manifests and signatures are written: camelCase, indented for people, explicit nulls for the schema.</summary>
public static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}

/// <summary>
/// One packet as a zip file: <c>manifest.json</c> (the signed bytes), <c>signature.json</c>, <c>records/NNNNNN.json</c>
/// (each evidence record exactly as stored), <c>packet.html</c> (the readable document), <c>packet.pdf</c> when a
/// renderer was available, and <c>VERIFY.txt</c>. Entries are written in that order with a fixed timestamp, so the same
/// packet gives the same bytes.
/// </summary>
public sealed record AuditPacket(
    byte[] Manifest,
    PacketSignature Signature,
    IReadOnlyList<StoredEvidence> Records,
    string? Html,
    byte[]? Pdf)
{
    public const string ManifestEntry = "manifest.json";
    public const string SignatureEntry = "signature.json";
    public const string RecordsFolder = "records/";
    public const string HtmlEntry = "packet.html";
    public const string PdfEntry = "packet.pdf";
    public const string ReadMeEntry = "VERIFY.txt";

    public static string RecordEntry(int sequence) => $"{RecordsFolder}{sequence.ToString("D6", CultureInfo.InvariantCulture)}.json";

    /// <summary>A file name for the packet of one run, safe on every file system.</summary>
    public static string FileName(string releaseId, string runId)
    {
        var safe = new StringBuilder();
        foreach (var c in $"{releaseId}_{runId}")
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return safe + ".packet.zip";
    }

    public byte[] ToZip(DateTimeOffset stamp)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, ManifestEntry, Manifest, stamp);
            Write(zip, SignatureEntry, AuditJson.Serialize(Signature), stamp);
            foreach (var record in Records)
            {
                Write(zip, RecordEntry(record.Sequence), record.Content.ToArray(), stamp);
            }

            if (Html is not null)
            {
                Write(zip, HtmlEntry, Encoding.UTF8.GetBytes(Html), stamp);
            }

            if (Pdf is not null)
            {
                Write(zip, PdfEntry, Pdf, stamp);
            }

            Write(zip, ReadMeEntry, Encoding.UTF8.GetBytes(ReadMe(Signature)), stamp);
        }

        return buffer.ToArray();
    }

    private static string ReadMe(PacketSignature signature) => $"""
        MlopsFlows audit packet.

        manifest.json   the signed manifest (schema {AuditManifest.SchemaId}); SHA-256 {signature.ManifestSha256}
        signature.json  {signature.Algorithm} signature by key {signature.KeyId}
                        key fingerprint (SHA-256 of its SubjectPublicKeyInfo) {signature.KeyFingerprint}
        records/        every evidence record of the release, byte for byte as stored; each file's SHA-256 is in the manifest
        packet.html     the same content for people (printable); packet.pdf when a renderer was available

        Check it offline, with nothing else than this file:
          mlopsflows verify --packet <this file> [--key <trusted public key PEM or fingerprint>]
        It checks the signature, every record's hash and link, the chain's head, the manifest's schema, and that every
        section of the manifest follows from the records; it names the first broken record.

        """;

    /// <summary>Adds one entry with a fixed timestamp (also used for the review export's archive).</summary>
    public static void Write(ZipArchive zip, string name, byte[] content, DateTimeOffset stamp)
    {
        ArgumentNullException.ThrowIfNull(zip);
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        // Zip times run from 1980; a fixed stamp keeps the archive's bytes the same for the same packet.
        entry.LastWriteTime = stamp.Year < 1980 ? new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero) : stamp;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
