using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Tests.Audit;

/// <summary>
/// Packets verify offline and every kind of tampering is named: a changed byte, a dropped record, a reordered chain, a
/// swapped signature, a changed manifest, a foreign key, an extra record.
/// </summary>
public sealed class PacketVerifierTests : IDisposable
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";
    private const string RunId = "20261126T101500Z-1a2b3c4d";
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 15, 0, TimeSpan.Zero);
    private static readonly PolicyStamp Policy = new("default", "2026.11.1", new string('c', 64));
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        key.Dispose();
        otherKey.Dispose();
    }

    [Fact]
    public void Verify_IntactPacket_IsValidOnEveryCount()
    {
        var packet = Packet(SampleChain());

        var result = PacketVerifier.Verify(packet, PacketKeys.Fingerprint(key));

        Assert.True(result.Valid, string.Join("; ", result.Problems));
        Assert.True(result.SignatureValid);
        Assert.True(result.KeyTrusted);
        Assert.True(result.SchemaValid);
        Assert.True(result.ChainIntact);
        Assert.True(result.SectionsFollowFromRecords);
        Assert.Null(result.FirstBrokenRecord);
        Assert.Equal(SampleChain().Count, result.Records);
        Assert.Equal(ReleaseId, result.ReleaseId);
        Assert.Equal("Promoted", result.Outcome);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Verify_ByteChangedInRecord_NamesThatRecord()
    {
        var packet = Rewrite(Packet(SampleChain()), AuditPacket.RecordEntry(4), bytes =>
        {
            var text = Encoding.UTF8.GetString(bytes).Replace("risk.officer@contoso.example", "risk.offices@contoso.example", StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(text);
        });

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.True(result.SignatureValid);
        Assert.False(result.ChainIntact);
        Assert.Equal(4, result.FirstBrokenRecord);
        Assert.Contains(result.Problems, p => p.StartsWith("record 4:", StringComparison.Ordinal) && p.Contains("does not match its hash", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_RecordDropped_NamesTheMissingRecord()
    {
        var packet = Rewrite(Packet(SampleChain()), AuditPacket.RecordEntry(3), _ => null);

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenRecord);
        Assert.Contains("record 3: missing from the packet", result.Problems);
    }

    [Fact]
    public void Verify_RecordsReordered_NamesTheFirstMovedRecord()
    {
        var original = Packet(SampleChain());
        var fifth = Entry(original, AuditPacket.RecordEntry(5));
        var sixth = Entry(original, AuditPacket.RecordEntry(6));
        var packet = Rewrite(Rewrite(original, AuditPacket.RecordEntry(5), _ => sixth), AuditPacket.RecordEntry(6), _ => fifth);

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstBrokenRecord);
    }

    [Fact]
    public void Verify_SignatureSwappedFromAnotherPacket_FailsTheSignature()
    {
        var mine = Packet(SampleChain());
        var other = Packet(SampleChain(approver: "someone.else@contoso.example"));
        var packet = Rewrite(mine, AuditPacket.SignatureEntry, _ => Entry(other, AuditPacket.SignatureEntry));

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.False(result.SignatureValid);
        Assert.Contains(result.Problems, p => p.StartsWith("signature: does not match the manifest", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ManifestEditedAfterSigning_FailsTheSignature()
    {
        var packet = Rewrite(Packet(SampleChain()), AuditPacket.ManifestEntry, bytes =>
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"RolledBack\"", "\"Promoted\"", StringComparison.Ordinal).Replace("risk.officer@", "risk.0fficer@", StringComparison.Ordinal)));

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.False(result.SignatureValid);
    }

    [Fact]
    public void Verify_ResignedWithAnotherKey_IsRefusedAgainstTheTrustedKey()
    {
        // Someone rebuilds a packet with their own key: internally consistent, but not signed by the auditor's trusted key.
        var packet = Packet(SampleChain(), signer: otherKey);

        var untrusted = PacketVerifier.Verify(packet);
        var pinned = PacketVerifier.Verify(packet, PacketKeys.PublicPem(key));

        Assert.True(untrusted.Valid);
        Assert.Null(untrusted.KeyTrusted);
        Assert.False(pinned.Valid);
        Assert.False(pinned.KeyTrusted);
        Assert.Contains(pinned.Problems, p => p.Contains("not by the trusted key", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ExtraRecordFile_IsReported()
    {
        var packet = Rewrite(Packet(SampleChain()), AuditPacket.RecordEntry(99), _ => Encoding.UTF8.GetBytes("{}"));

        var result = PacketVerifier.Verify(packet);

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith("records/000099.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_SectionsThatDoNotFollowFromTheRecords_AreRefusedEvenWhenSigned()
    {
        // A signer who writes a manifest whose sections say something its records do not (an approver nobody recorded).
        var chain = SampleChain();
        var manifest = Build(chain);
        var forged = manifest with { Approvals = manifest.Approvals with { Approvers = [.. manifest.Approvals.Approvers, manifest.Approvals.Approvers[0] with { Upn = "ghost@contoso.example" }] } };
        var packet = Zip(AuditJson.Serialize(forged), chain, key);

        var result = PacketVerifier.Verify(packet);

        Assert.True(result.SignatureValid);
        Assert.True(result.ChainIntact);
        Assert.False(result.SectionsFollowFromRecords);
        Assert.False(result.Valid);
        Assert.Contains("manifest: its sections do not follow from its records: approvals", result.Problems);
    }

    [Fact]
    public void Verify_NotAZip_IsAProblemNotAnException()
    {
        var result = PacketVerifier.Verify(Encoding.UTF8.GetBytes("hello"));

        Assert.False(result.Valid);
        Assert.StartsWith("not a packet", result.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameChain_GivesTheSameBytes()
    {
        Assert.Equal(AuditJson.Serialize(Build(SampleChain())), AuditJson.Serialize(Build(SampleChain())));
    }

    [Fact]
    public void Build_ManifestFollowsThePublishedSchema()
    {
        Assert.Empty(PacketVerifier.SchemaErrors(AuditJson.Serialize(Build(SampleChain()))));
    }

    [Fact]
    public void SchemaErrors_ManifestMissingASection_IsNamed()
    {
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(AuditJson.Serialize(Build(SampleChain())))!;
        json.Remove("approvals");

        var errors = PacketVerifier.SchemaErrors(JsonSerializer.SerializeToUtf8Bytes(json));

        Assert.Contains(errors, e => e.Contains("approvals", StringComparison.Ordinal));
    }

    private static AuditManifest Build(IReadOnlyList<StoredEvidence> chain) => AuditManifestBuilder.Build(new PacketSource(
        ReleaseId, RunId, chain, null, Start.AddHours(1), new PacketGenerator("MlopsFlows", "test")));

    private byte[] Packet(IReadOnlyList<StoredEvidence> chain, ECDsa? signer = null) => Zip(AuditJson.Serialize(Build(chain)), chain, signer ?? key);

    private static byte[] Zip(byte[] manifest, IReadOnlyList<StoredEvidence> chain, ECDsa signer) =>
        new AuditPacket(manifest, PacketKeys.Sign(signer, "test-key", manifest), chain, "<!DOCTYPE html><title>packet</title>", null).ToZip(Start);

    private static byte[] Entry(byte[] zip, string name)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var stream = archive.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A copy of the packet with one entry replaced (null drops it; a new name adds it).</summary>
    private static byte[] Rewrite(byte[] zip, string name, Func<byte[], byte[]?> change)
    {
        using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var target = new MemoryStream();
        using (var copy = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
        {
            var found = false;
            foreach (var entry in source.Entries)
            {
                byte[]? content;
                using (var stream = entry.Open())
                using (var buffer = new MemoryStream())
                {
                    stream.CopyTo(buffer);
                    content = buffer.ToArray();
                }

                if (entry.FullName == name)
                {
                    found = true;
                    content = change(content);
                }

                if (content is not null)
                {
                    using var output = copy.CreateEntry(entry.FullName).Open();
                    output.Write(content);
                }
            }

            if (!found && change([]) is { } added)
            {
                using var output = copy.CreateEntry(name).Open();
                output.Write(added);
            }
        }

        return target.ToArray();
    }

    /// <summary>A promoted release's chain in the shapes the workflow writes (policy, gate, vote, approval, canary, promote, outcome).</summary>
    internal static List<StoredEvidence> SampleChain(string approver = "risk.officer@contoso.example")
    {
        object[] data =
        [
            new { requestedBy = "ml.engineer@contoso.example", tier = "high", inventoryTier = "high", owner = "credit-risk@contoso.example", reason = "inventory tier high",
                  rules = new { riskTier = "high", evidenceRetention = "3650.00:00:00", revalidateAfter = "365.00:00:00", approval = new { required = true, rules = new[] { new { role = "risk", count = 1 } } },
                                deployment = new { mode = "Canary" }, slo = new { maxP95LatencyMs = 300.0, maxErrorRate = 0.01 }, monitoring = new { interval = "00:05:00" }, gates = new { fairness = (object?)null } } },
            new { model = "main.credit.scorer", version = 12, runId = "run-12", createdBy = "ml.engineer@contoso.example",
                  tags = new Dictionary<string, string> { ["model_card.intended_use"] = "retail credit decisions", ["model_card.limitations"] = "not for small business" },
                  @params = new Dictionary<string, string> { ["max_depth"] = "6" }, lineage = new { gitCommit = "1a2b3c4", datasets = new[] { new { name = "main.credit.loans", version = "42" } }, features = new[] { "income", "age" } } },
            new { report = new { gate = "metrics", outcome = "Pass", findings = new[] { new { check = "threshold", subject = "auc", outcome = "Pass", reason = "auc 0.81 ≥ 0.75", value = 0.81, comparison = "AtLeast", threshold = 0.75, sampleSize = 5000 } } } },
            new { vote = new { objectId = "oid-risk", upn = approver, approve = true, rationale = "reviewed", channel = "teams", identityVerified = true, at = Start.AddMinutes(4) }, admission = "Counted", reason = "counted for risk" },
            new { seats = new[] { new { role = "risk", vote = new { objectId = "oid-risk", upn = approver, channel = "teams", identityVerified = true, at = Start.AddMinutes(4), rationale = "reviewed" }, viaEscalation = false } } },
            new { endpoint = "credit-scorer", after = new[] { new { version = 11, percent = 90 }, new { version = 12, percent = 10 } } },
            new { label = "canary step 1/1 (10%)", metrics = new { p95LatencyMs = 120.0, requestCount = 400 }, errorRate = 0.001 },
            new { label = "canary step 1/1 (10%)", judgement = new { outcome = "Pass", metrics = new[] { new { metric = "latency", outcome = "Pass", reason = "no slower", pValue = 0.4 } } }, observed = new { baselineRequests = 3600, candidateRequests = 400 } },
            new { traffic = new[] { new { version = 12, percent = 100 } }, rollbackTarget = 11 },
            new { stage = "Promoted", traffic = new[] { new { version = 12, percent = 100 } }, rollbackTarget = 11 },
        ];
        (string Step, string Decision, string Actor, string Summary)[] heads =
        [
            ("policy", "resolved", "system", "tier high"),
            ("lineage", "recorded", "system", "v12 from run-12"),
            ("gate", "pass", "system", "metrics gate: pass"),
            ("vote", "counted", approver, "approval by " + approver),
            ("approval", "approved", "system", "approved"),
            ("canary", "traffic-set", "system", "canary step 1/1 (10%): 10% to v12"),
            ("watch", "healthy", "system", "canary step 1/1 (10%): healthy"),
            ("judge", "pass", "system", "canary step 1/1 (10%): pass"),
            ("promote", "promoted", "system", "v12 serves 100%"),
            ("outcome", "promoted", "system", "promoted: v12 serves all traffic"),
        ];
        var chain = new List<StoredEvidence>();
        string? previous = null;
        for (var i = 0; i < heads.Length; i++)
        {
            var record = new EvidenceRecord
            {
                ReleaseId = ReleaseId,
                RunId = RunId,
                Sequence = i + 1,
                Step = heads[i].Step,
                RecordedAt = Start.AddMinutes(i),
                Actor = heads[i].Actor,
                Decision = heads[i].Decision,
                Summary = heads[i].Summary,
                Policy = Policy,
                Data = JsonSerializer.SerializeToElement(data[i], WebJson),
                PreviousHash = previous,
            };
            var bytes = EvidenceChain.ToCanonicalJson(record);
            previous = EvidenceChain.HashOf(bytes);
            chain.Add(new StoredEvidence(i + 1, previous, bytes));
        }

        return chain;
    }
}
