using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MlopsFlows.Domain.Evidence;

/// <summary>A stored record: its canonical bytes and the hash it was filed under.</summary>
public sealed record StoredEvidence(int Sequence, string Hash, ReadOnlyMemory<byte> Content);

/// <summary>Where a chain first breaks, and why; null Sequence means the chain is whole.</summary>
public sealed record ChainCheck(bool Intact, int? FirstBrokenSequence, string Reason);

/// <summary>
/// Canonical form and hashing of evidence. A record's hash is the SHA-256 of its canonical UTF-8 JSON,
/// and each record carries the previous record's hash, so changing, dropping or reordering any record
/// breaks every link after it.
/// </summary>
public static class EvidenceChain
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static byte[] ToCanonicalJson(EvidenceRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", EvidenceRecord.Schema);
            writer.WriteString("releaseId", record.ReleaseId);
            writer.WriteString("runId", record.RunId);
            writer.WriteNumber("sequence", record.Sequence);
            writer.WriteString("step", record.Step);
            writer.WriteString("recordedAt", record.RecordedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("actor", record.Actor);
            writer.WriteString("decision", record.Decision);
            writer.WriteString("summary", record.Summary);
            writer.WriteStartObject("policy");
            writer.WriteString("id", record.Policy.Id);
            writer.WriteString("version", record.Policy.Version);
            writer.WriteString("contentHash", record.Policy.ContentHash);
            writer.WriteEndObject();
            writer.WritePropertyName("data");
            if (record.Data.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                record.Data.WriteTo(writer);
            }

            writer.WriteStartArray("redactions");
            foreach (var redaction in record.Redactions)
            {
                writer.WriteStartObject();
                writer.WriteString("field", redaction.Field);
                writer.WriteString("rule", redaction.Rule);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (record.PreviousHash is null)
            {
                writer.WriteNull("previousHash");
            }
            else
            {
                writer.WriteString("previousHash", record.PreviousHash);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static string HashOf(ReadOnlySpan<byte> canonicalJson) => Convert.ToHexStringLower(SHA256.HashData(canonicalJson));

    public static string HashOf(EvidenceRecord record) => HashOf(ToCanonicalJson(record));

    public static EvidenceRecord Parse(ReadOnlySpan<byte> canonicalJson)
    {
        var root = JsonDocument.Parse(canonicalJson.ToArray()).RootElement;
        var policy = root.GetProperty("policy");
        var previous = root.GetProperty("previousHash");
        return new EvidenceRecord
        {
            ReleaseId = root.GetProperty("releaseId").GetString()!,
            RunId = root.GetProperty("runId").GetString()!,
            Sequence = root.GetProperty("sequence").GetInt32(),
            Step = root.GetProperty("step").GetString()!,
            RecordedAt = DateTimeOffset.Parse(root.GetProperty("recordedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            Actor = root.GetProperty("actor").GetString()!,
            Decision = root.GetProperty("decision").GetString()!,
            Summary = root.GetProperty("summary").GetString()!,
            Policy = new PolicyStamp(policy.GetProperty("id").GetString()!, policy.GetProperty("version").GetString()!, policy.GetProperty("contentHash").GetString()!),
            Data = root.GetProperty("data").Clone(),

            // Records written before redaction was recorded have no list: nothing was redacted from them.
            Redactions = root.TryGetProperty("redactions", out var redactions)
                ? [.. redactions.EnumerateArray().Select(r => new Redaction(r.GetProperty("field").GetString()!, r.GetProperty("rule").GetString()!))]
                : [],
            PreviousHash = previous.ValueKind == JsonValueKind.Null ? null : previous.GetString(),
        };
    }

    /// <summary>
    /// Re-checks a release's chain in sequence order: each record's bytes must hash to the hash it was filed under,
    /// sequences must run 1, 2, 3 … without gaps, and each record must name its predecessor's hash.
    /// </summary>
    /// <param name="releaseId">When given, every record must belong to this release…</param>
    /// <param name="runId">…and to this run, so rows copied from another chain are caught.</param>
    public static ChainCheck Verify(IReadOnlyList<StoredEvidence> records, string? releaseId = null, string? runId = null)
    {
        string? previousHash = null;
        for (var i = 0; i < records.Count; i++)
        {
            var stored = records[i];
            var expectedSequence = i + 1;
            if (stored.Sequence != expectedSequence)
            {
                return new ChainCheck(false, expectedSequence, $"record {expectedSequence} is missing (found {stored.Sequence} in its place)");
            }

            var actualHash = HashOf(stored.Content.Span);
            if (!string.Equals(actualHash, stored.Hash, StringComparison.Ordinal))
            {
                return new ChainCheck(false, stored.Sequence, $"record {stored.Sequence} does not match its hash (stored {Abbreviate(stored.Hash)}, content {Abbreviate(actualHash)})");
            }

            EvidenceRecord record;
            try
            {
                record = Parse(stored.Content.Span);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return new ChainCheck(false, stored.Sequence, $"record {stored.Sequence} is not a readable evidence record: {ex.Message}");
            }

            if (record.Sequence != stored.Sequence)
            {
                return new ChainCheck(false, stored.Sequence, $"record {stored.Sequence} says it is record {record.Sequence}");
            }

            if ((releaseId is not null && record.ReleaseId != releaseId) || (runId is not null && record.RunId != runId))
            {
                return new ChainCheck(false, stored.Sequence, $"record {stored.Sequence} belongs to {record.ReleaseId} run {record.RunId}, not to this chain");
            }

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return new ChainCheck(false, stored.Sequence, $"record {stored.Sequence} does not link to the record before it");
            }

            previousHash = stored.Hash;
        }

        return new ChainCheck(true, null, records.Count == 0 ? "no evidence recorded" : $"{records.Count} records, chain intact, head {previousHash}");
    }

    // A tampered index may hold a hash of any length: the report must still be written, not throw.
    private static string Abbreviate(string hash) => hash.Length > 12 ? hash[..12] + "…" : $"\"{hash}\"";
}
