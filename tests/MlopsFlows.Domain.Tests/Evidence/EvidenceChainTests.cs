using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Tests.Evidence;

public class EvidenceChainTests
{
    private const string ReleaseId = "release:main.credit.scorer:12:prod";
    private const string RunId = "20250314T092653Z-3f9a1c2e";
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);
    private static readonly PolicyStamp Policy = new("credit-policy", "3", new string('a', 64));
    private static readonly string[] Steps = ["gates", "approval", "canary", "watch", "promote", "outcome"];
    private static readonly int[] Routes = [11, 12];

    private static EvidenceRecord Record(int sequence, string? previousHash, string summary = "all 2 evidence gates passed") => new()
    {
        ReleaseId = ReleaseId,
        RunId = RunId,
        Sequence = sequence,
        Step = Steps[(sequence - 1) % Steps.Length],
        RecordedAt = Start.AddSeconds(sequence),
        Actor = sequence == 2 ? "ada@example.com" : "system",
        Decision = "pass",
        Summary = summary,
        Policy = Policy,
        Data = JsonSerializer.SerializeToElement(new { window = sequence, p95 = 120.5, routes = Routes }),
        PreviousHash = previousHash,
    };

    private static StoredEvidence Store(EvidenceRecord record)
    {
        var bytes = EvidenceChain.ToCanonicalJson(record);
        return new StoredEvidence(record.Sequence, EvidenceChain.HashOf(bytes), bytes);
    }

    private static List<StoredEvidence> Chain(int count)
    {
        var chain = new List<StoredEvidence>();
        string? previous = null;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var stored = Store(Record(sequence, previous));
            chain.Add(stored);
            previous = stored.Hash;
        }

        return chain;
    }

    [Fact]
    public void ToCanonicalJson_SameRecord_GivesIdenticalBytes()
    {
        var record = Record(1, null);

        Assert.Equal(EvidenceChain.ToCanonicalJson(record), EvidenceChain.ToCanonicalJson(record));
        Assert.Equal(EvidenceChain.ToCanonicalJson(record), EvidenceChain.ToCanonicalJson(Record(1, null)));
    }

    [Fact]
    public void ToCanonicalJson_Record_HasFixedFieldOrderAndNoWhitespace()
    {
        var record = Record(1, null) with { Data = JsonSerializer.SerializeToElement(new { a = 1 }) };

        var json = Encoding.UTF8.GetString(EvidenceChain.ToCanonicalJson(record));

        Assert.Equal(
            "{\"schema\":\"mlopsflows.evidence/v1\",\"releaseId\":\"release:main.credit.scorer:12:prod\",\"runId\":\"20250314T092653Z-3f9a1c2e\","
            + "\"sequence\":1,\"step\":\"gates\","
            + "\"recordedAt\":\"2025-03-14T09:26:54.5890000Z\",\"actor\":\"system\",\"decision\":\"pass\",\"summary\":\"all 2 evidence gates passed\","
            + "\"policy\":{\"id\":\"credit-policy\",\"version\":\"3\",\"contentHash\":\"" + new string('a', 64) + "\"},"
            + "\"data\":{\"a\":1},\"redactions\":[],\"previousHash\":null}",
            json);
    }

    [Fact]
    public void ToCanonicalJson_SameInstantInAnotherOffset_GivesIdenticalBytes()
    {
        var utc = Record(1, null);
        var local = utc with { RecordedAt = utc.RecordedAt.ToOffset(TimeSpan.FromHours(5.5)) };

        Assert.Equal(EvidenceChain.ToCanonicalJson(utc), EvidenceChain.ToCanonicalJson(local));
    }

    [Fact]
    public void ToCanonicalJson_DataNotSet_WritesNull()
    {
        var record = Record(1, null) with { Data = default };

        using var document = JsonDocument.Parse(EvidenceChain.ToCanonicalJson(record));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("data").ValueKind);
    }

    [Fact]
    public void Parse_CanonicalJson_RoundTripsToTheSameBytes()
    {
        var bytes = EvidenceChain.ToCanonicalJson(Record(2, new string('b', 64)));

        var parsed = EvidenceChain.Parse(bytes);

        Assert.Equal(bytes, EvidenceChain.ToCanonicalJson(parsed));
        Assert.Equal(2, parsed.Sequence);
        Assert.Equal("ada@example.com", parsed.Actor);
        Assert.Equal(Start.AddSeconds(2), parsed.RecordedAt);
        Assert.Equal(new string('b', 64), parsed.PreviousHash);
        Assert.Equal(Policy, parsed.Policy);
    }

    [Fact]
    public void Parse_CanonicalJson_RoundTripsTheRunId()
    {
        var record = Record(1, null) with { RunId = "20261126T104614Z-77aa00bb" };

        var parsed = EvidenceChain.Parse(EvidenceChain.ToCanonicalJson(record));

        Assert.Equal("20261126T104614Z-77aa00bb", parsed.RunId);
        Assert.Equal(EvidenceChain.HashOf(record), EvidenceChain.HashOf(parsed));
    }

    [Fact]
    public void ToCanonicalJson_RecordWithRedactions_WritesFieldAndRuleRightBeforeThePreviousHash()
    {
        var record = Record(1, null) with
        {
            Data = JsonSerializer.SerializeToElement(new { a = 1 }),
            Redactions = [new Redaction("data.vote.rationale", "email"), new Redaction("data.tags.customer_contact", "payload-allow-list")],
        };

        var json = Encoding.UTF8.GetString(EvidenceChain.ToCanonicalJson(record));

        Assert.EndsWith(
            "\"data\":{\"a\":1},\"redactions\":[{\"field\":\"data.vote.rationale\",\"rule\":\"email\"},"
            + "{\"field\":\"data.tags.customer_contact\",\"rule\":\"payload-allow-list\"}],\"previousHash\":null}",
            json);
    }

    [Fact]
    public void Parse_RecordWithRedactions_RoundTripsThemInOrder()
    {
        var record = Record(2, new string('b', 64)) with { Redactions = [new Redaction("summary", "iban"), new Redaction("data.note", "card-number")] };
        var bytes = EvidenceChain.ToCanonicalJson(record);

        var parsed = EvidenceChain.Parse(bytes);

        Assert.Equal(record.Redactions, parsed.Redactions);
        Assert.Equal(bytes, EvidenceChain.ToCanonicalJson(parsed));
    }

    [Fact]
    public void Parse_RecordWithoutARedactionsList_ReadsAsNothingRedacted()
    {
        var bytes = EvidenceChain.ToCanonicalJson(Record(1, null));
        var older = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"redactions\":[],", string.Empty, StringComparison.Ordinal));
        Assert.NotEqual(bytes, older);

        var parsed = EvidenceChain.Parse(older);

        Assert.Empty(parsed.Redactions);
        Assert.True(EvidenceChain.Verify([new StoredEvidence(1, EvidenceChain.HashOf(older), older)]).Intact);
    }

    [Fact]
    public void ToCanonicalJson_Record_WritesTheRunIdRightAfterTheReleaseId()
    {
        using var document = JsonDocument.Parse(EvidenceChain.ToCanonicalJson(Record(1, null)));

        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(["schema", "releaseId", "runId", "sequence"], names.Take(4));
        Assert.Equal(RunId, document.RootElement.GetProperty("runId").GetString());
    }

    [Fact]
    public void HashOf_SameRecordInAnotherRun_Differs()
    {
        // Two runs of one release may write the very same step at the same sequence and time: the run id alone keeps
        // their records, and so their content-addressed payloads, apart.
        var record = Record(1, null);
        var otherRun = record with { RunId = "20250314T092653Z-00000000" };

        Assert.NotEqual(EvidenceChain.HashOf(record), EvidenceChain.HashOf(otherRun));
        Assert.NotEqual(EvidenceChain.ToCanonicalJson(record), EvidenceChain.ToCanonicalJson(otherRun));
    }

    [Fact]
    public void Verify_RecordWithoutRunId_NamesItUnreadable()
    {
        // A payload written before records carried a run id no longer parses: verification reports it, never throws.
        var chain = Chain(2);
        var legacy = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(chain[0].Content.Span).Replace($"\"runId\":\"{RunId}\",", string.Empty, StringComparison.Ordinal));
        chain[0] = new StoredEvidence(1, EvidenceChain.HashOf(legacy), legacy);

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(1, check.FirstBrokenSequence);
        Assert.Contains("not a readable evidence record", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HashOf_SameRecord_IsIdenticalAndMatchesHashOfItsBytes()
    {
        var record = Record(1, null);

        var hash = EvidenceChain.HashOf(record);

        Assert.Equal(hash, EvidenceChain.HashOf(Record(1, null)));
        Assert.Equal(hash, EvidenceChain.HashOf(EvidenceChain.ToCanonicalJson(record)));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void HashOf_AnyFieldChanged_Changes()
    {
        var record = Record(3, new string('c', 64));
        EvidenceRecord[] variants =
        [
            record with { ReleaseId = "release:main.credit.scorer:13:prod" },
            record with { RunId = "20250314T092653Z-3f9a1c2f" },
            record with { Sequence = 4 },
            record with { Step = "promote" },
            record with { RecordedAt = record.RecordedAt.AddTicks(1) },
            record with { Actor = "grace@example.com" },
            record with { Decision = "fail" },
            record with { Summary = record.Summary + "." },
            record with { Policy = Policy with { Version = "4" } },
            record with { Data = JsonSerializer.SerializeToElement(new { window = 3, p95 = 120.6, routes = Routes }) },
            record with { PreviousHash = new string('d', 64) },
            record with { PreviousHash = null },
            record with { Redactions = [new Redaction("summary", "email")] },
        ];

        var hashes = variants.Select(EvidenceChain.HashOf).Append(EvidenceChain.HashOf(record)).ToList();

        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Verify_ChainCopiedFromAnotherRun_NamesTheFirstRecordAsForeign()
    {
        var chain = Chain(3);

        var check = EvidenceChain.Verify(chain, ReleaseId, "20250401T000000Z-00000000");

        Assert.False(check.Intact);
        Assert.Equal(1, check.FirstBrokenSequence);
        Assert.Contains("not to this chain", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ChainOfAnotherRelease_NamesTheFirstRecordAsForeign()
    {
        var check = EvidenceChain.Verify(Chain(2), "release:main.credit.scorer:13:prod", RunId);

        Assert.False(check.Intact);
        Assert.Equal(1, check.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_ChainOfItsOwnReleaseAndRun_IsIntact() =>
        Assert.True(EvidenceChain.Verify(Chain(4), ReleaseId, RunId).Intact);

    [Theory]
    [InlineData("20250314T092653Z-3f9a1c2e", true)]
    [InlineData("run-1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("run_1", false)]
    [InlineData("run.1", false)]
    [InlineData("run/1", false)]
    public void IsValidRunId_Candidates_AcceptsOnlyLettersDigitsAndDashes(string? runId, bool valid) =>
        Assert.Equal(valid, EvidenceRecord.IsValidRunId(runId));

    [Fact]
    public void IsValidRunId_LongerThan64_IsRefused()
    {
        Assert.True(EvidenceRecord.IsValidRunId(new string('a', 64)));
        Assert.False(EvidenceRecord.IsValidRunId(new string('a', 65)));
    }

    [Fact]
    public void Verify_IntactChain_PassesAndNamesTheHead()
    {
        var chain = Chain(6);

        var check = EvidenceChain.Verify(chain);

        Assert.True(check.Intact, check.Reason);
        Assert.Null(check.FirstBrokenSequence);
        Assert.Contains(chain[^1].Hash, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NoRecords_IsIntact()
    {
        var check = EvidenceChain.Verify([]);

        Assert.True(check.Intact);
        Assert.Null(check.FirstBrokenSequence);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public void Verify_OneByteChanged_NamesThatRecord(int sequence)
    {
        var chain = Chain(6);
        var bytes = chain[sequence - 1].Content.ToArray();
        var at = Array.IndexOf(bytes, (byte)'g', Encoding.UTF8.GetString(bytes).IndexOf("summary", StringComparison.Ordinal));
        bytes[at] = (byte)'G';
        chain[sequence - 1] = chain[sequence - 1] with { Content = bytes };

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(sequence, check.FirstBrokenSequence);
        Assert.Contains("does not match its hash", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Verify_RecordDropped_NamesTheMissingRecord(int sequence)
    {
        var chain = Chain(6);
        chain.RemoveAt(sequence - 1);

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(sequence, check.FirstBrokenSequence);
        Assert.Contains("missing", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TwoRecordsSwapped_NamesTheFirstOfThem()
    {
        var chain = Chain(6);
        (chain[2], chain[3]) = (chain[3], chain[2]);

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(3, check.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_TwoRecordsSwappedUnderTheirOldSequenceNumbers_NamesTheFirstOfThem()
    {
        // The index is relabelled so sequences still run 1, 2, 3 …; the contents say otherwise.
        var chain = Chain(6);
        (chain[2], chain[3]) = (chain[3] with { Sequence = 3 }, chain[2] with { Sequence = 4 });

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(3, check.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_WrongPreviousHashLink_NamesThatRecord()
    {
        var chain = Chain(6);
        chain[3] = Store(Record(4, new string('0', 64)));

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(4, check.FirstBrokenSequence);
        Assert.Contains("does not link", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FirstRecordNamesAPredecessor_NamesRecordOne()
    {
        var chain = Chain(3);
        chain[0] = Store(Record(1, new string('0', 64)));

        var check = EvidenceChain.Verify(chain);

        Assert.Equal(1, check.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_RecordRewrittenAndRehashed_NamesTheRecordAfterIt()
    {
        // Whoever rewrites a record and refiles it under its new hash still breaks the next record's link.
        var chain = Chain(6);
        chain[1] = Store(Record(2, chain[0].Hash, summary: "approved by someone else"));

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(3, check.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_ContentClaimsAnotherSequence_NamesThatRecord()
    {
        var chain = Chain(3);
        chain[1] = Store(Record(3, chain[0].Hash)) with { Sequence = 2 };

        var check = EvidenceChain.Verify(chain);

        Assert.Equal(2, check.FirstBrokenSequence);
        Assert.Contains("says it is record 3", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ContentIsNotAnEvidenceRecord_NamesThatRecord()
    {
        var chain = Chain(3);
        var junk = Encoding.UTF8.GetBytes("{\"hello\":\"world\"}");
        chain[1] = new StoredEvidence(2, EvidenceChain.HashOf(junk), junk);

        var check = EvidenceChain.Verify(chain);

        Assert.Equal(2, check.FirstBrokenSequence);
        Assert.Contains("not a readable evidence record", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    public void Verify_StoredHashTruncated_ReportsInsteadOfThrowing(string storedHash)
    {
        var chain = Chain(3);
        chain[1] = chain[1] with { Hash = storedHash };

        var check = EvidenceChain.Verify(chain);

        Assert.False(check.Intact);
        Assert.Equal(2, check.FirstBrokenSequence);
    }
}
