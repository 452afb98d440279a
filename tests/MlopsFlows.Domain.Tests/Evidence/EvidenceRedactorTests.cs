using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Evidence;

namespace MlopsFlows.Domain.Tests.Evidence;

public class EvidenceRedactorTests
{
    private const string Approver = "val@example.com";
    private static readonly EvidenceRedactor Defaults = new(RedactionSettings.Default);

    private static EvidenceRecord Record(object data, string summary = "a step", string actor = "system") => new()
    {
        ReleaseId = "release:main.credit.scorer:12:prod",
        RunId = "20261126T090000Z-3f9a1c2e",
        Sequence = 1,
        Step = "vote",
        RecordedAt = new DateTimeOffset(2026, 11, 26, 9, 5, 0, TimeSpan.Zero),
        Actor = actor,
        Decision = "counted",
        Summary = summary,
        Policy = new PolicyStamp("default", "2026.11.1", new string('a', 64)),
        Data = JsonSerializer.SerializeToElement(data),
        PreviousHash = new string('b', 64),
    };

    private static string Redacted(string text, EvidenceRedactor? redactor = null) =>
        (redactor ?? Defaults).Redact(Record(new { }, summary: text)).Summary;

    private static string Json(EvidenceRecord record) => Encoding.UTF8.GetString(EvidenceChain.ToCanonicalJson(record));

    [Theory]
    [InlineData("ana.lopez@contoso.com")]
    [InlineData("john+tag@mail.example.co.uk")]
    [InlineData("X_Y-z@sub-domain.example.org")]
    public void FindMatches_EmailAddress_IsEmail(string email) =>
        AssertOnly(RedactionRuleNames.Email, $"please write to {email}, thanks", email);

    [Theory]
    [InlineData("123-45-6789")]
    [InlineData("123 45 6789")]
    [InlineData("912-70-1234")]
    [InlineData("AB123456C")]
    [InlineData("ab 12 34 56 c")]
    [InlineData("JG 10 37 52 A")]
    [InlineData("12345678Z")]
    [InlineData("12345678-z")]
    [InlineData("X1234567L")]
    public void FindMatches_NationalIdentityNumber_IsNationalId(string id) =>
        AssertOnly(RedactionRuleNames.NationalId, $"customer id {id} on file", id);

    [Theory]
    [InlineData("000-12-3456")] // never issued: area 000
    [InlineData("666-12-3456")] // never issued: area 666
    [InlineData("123-00-4567")] // never issued: group 00
    [InlineData("123-45-0000")] // never issued: serial 0000
    [InlineData("123-45 6789")] // two different separators
    [InlineData("QQ123456C")] // Q is no NI prefix letter
    [InlineData("GB123456A")] // an unallocated NI prefix
    [InlineData("AB123456E")] // NI suffixes are A to D
    [InlineData("12345678A")] // wrong DNI letter (Z is right)
    public void FindMatches_NumberShapedLikeAnIdentityButInvalid_IsNotNationalId(string text) =>
        Assert.DoesNotContain(Defaults.FindMatches($"value {text} here"), m => m.Rule == RedactionRuleNames.NationalId);

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("DE89370400440532013000")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("gb82 west 1234 5698 7654 32")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("NL91ABNA0417164300")]
    [InlineData("MT84MALT011000012345MTLCAST001S")]
    public void FindMatches_Iban_IsIban(string iban) =>
        AssertOnly(RedactionRuleNames.Iban, $"IBAN: {iban} ABCD", iban);

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 33")]
    [InlineData("NL91ABNA0417164301")]
    [InlineData("DE88370400440532013000")]
    public void FindMatches_IbanWithABadCheck_IsNotIban(string text) =>
        Assert.DoesNotContain(Defaults.FindMatches($"IBAN {text}"), m => m.Rule == RedactionRuleNames.Iban);

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("5555555555554444")]
    [InlineData("378282246310005")]
    [InlineData("6011 0009 9013 9424")]
    public void FindMatches_LuhnValidCardNumber_IsCardNumber(string card)
    {
        var text = $"paid with {card} yesterday";

        var redacted = Redacted(text);

        Assert.Equal($"paid with {EvidenceRedactor.Placeholder(RedactionRuleNames.CardNumber)} yesterday", redacted);
    }

    [Fact]
    public void FindMatches_CardNumberBesideAnotherNumber_IsStillFound()
    {
        // The groups before it do not pass Luhn with it; the card's own groups do.
        var matches = Defaults.FindMatches("order 2024 4111 1111 1111 1111 shipped");

        var card = Assert.Single(matches, m => m.Rule == RedactionRuleNames.CardNumber);
        Assert.Equal("4111 1111 1111 1111", "order 2024 4111 1111 1111 1111 shipped".Substring(card.Start, card.Length));
    }

    [Theory]
    [InlineData("refund to 123456789012 today", "123456789012")]
    [InlineData("call 12345678", "12345678")]
    [InlineData("acct 4471 closed", "4471")]
    [InlineData("Account No: 0012-3456-78", "0012-3456-78")]
    [InlineData("account_number=5566 7788 99", "5566 7788 99")]
    [InlineData("acct#90210", "90210")]
    public void FindMatches_AccountNumber_IsAccountNumberAndKeepsTheLabel(string text, string number)
    {
        var redacted = Redacted(text);

        Assert.Equal(text.Replace(number, EvidenceRedactor.Placeholder(RedactionRuleNames.AccountNumber), StringComparison.Ordinal), redacted);
    }

    [Theory]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")] // SHA-256
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234")] // SHA-256 of digits only
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709")] // SHA-1
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f90")] // an MLflow run id
    [InlineData("3f9a1c2e-7b6d-4e8f-9a0b-1c2d3e4f5a6b")] // GUID
    [InlineData("12345678-1234-1234-1234-123456789012")] // GUID of digits only (its groups would pass Luhn)
    [InlineData("2026-11-26T09:05:00.1234567+00:00")]
    [InlineData("2026-11-26")]
    [InlineData("1700000000.123")]
    [InlineData("2026.11.1")]
    [InlineData("v12 of main.credit.scorer 1.2.3")]
    [InlineData("auc 0.8123 vs 0.82, regression -0.009999999999999898")]
    [InlineData("p95 138.20629253341178 ms")]
    [InlineData("20261126T090000Z-10be4175")]
    [InlineData("run-main.credit.scorer-12")]
    [InlineData("mlflow-run:12345678 and /data/12345678/eval.parquet")]
    [InlineData("4111 1111 1111 1112")] // Luhn-invalid 16 digits
    [InlineData("release:main.credit.scorer:12:prod/20261126T090000Z-10be4175/request-7")]
    [InlineData("1234567")] // 7 digits: too short to be an account number
    [InlineData("123456789012345678")] // 18 digits: too long to be an account number, not Luhn-valid
    public void FindMatches_HashesIdsTimesVersionsAndMetrics_FindNothing(string text)
    {
        Assert.Empty(Defaults.FindMatches(text));
        Assert.Equal(text, Redacted(text));
    }

    [Fact]
    public void FindMatches_RuleNotConfigured_IsNotApplied()
    {
        var onlyEmail = new EvidenceRedactor(RedactionSettings.Default with { Rules = [RedactionRuleNames.Email] });

        var matches = onlyEmail.FindMatches("ana@contoso.com 123-45-6789 4111 1111 1111 1111");

        Assert.Equal([RedactionRuleNames.Email], matches.Select(m => m.Rule));
    }

    [Fact]
    public void Redact_CustomRule_UsesItsNameAndItsValueGroup()
    {
        var redactor = new EvidenceRedactor(RedactionSettings.Default with
        {
            Custom = [new CustomRedactionRule("employee-id", @"\bE\d{6}\b"), new CustomRedactionRule("badge", @"badge (?<value>\d{4})")],
        });

        var record = redactor.Redact(Record(new { note = "E123456 swiped badge 0042" }));

        Assert.Equal("[redacted:employee-id] swiped badge [redacted:badge]", record.Data.GetProperty("note").GetString());
        Assert.Equal([new Redaction("data.note", "employee-id"), new Redaction("data.note", "badge")], record.Redactions);
    }

    [Fact]
    public void Redact_CustomRuleThatRunsOutOfTime_RemovesTheWholeText()
    {
        // Catastrophic backtracking on this input: the rule cannot finish, so the text is not written unread.
        var redactor = new EvidenceRedactor(RedactionSettings.Default with { Custom = [new CustomRedactionRule("slow", @"^(\w+\s?)*$")] });
        var text = new string('a', 40) + "!";

        var record = redactor.Redact(Record(new { note = text }, summary: "step done."));

        Assert.Equal("[redacted:slow]", record.Data.GetProperty("note").GetString());
        Assert.Equal([new Redaction("data.note", "slow")], record.Redactions);
    }

    [Fact]
    public void Redact_IdentityValues_AreKeptInTheirFieldsAndInsideOtherText()
    {
        var record = Record(
            new { vote = new { upn = Approver, rationale = $"checked with ana@contoso.com; {Approver} signs off" }, requestedBy = "ci@example.com" },
            summary: $"approval by {Approver}, requested by ci@example.com for customer bob@contoso.com",
            actor: Approver);

        var redacted = Defaults.Redact(record);

        Assert.Equal(Approver, redacted.Actor);
        Assert.Equal($"approval by {Approver}, requested by ci@example.com for customer [redacted:email]", redacted.Summary);
        Assert.Equal(Approver, redacted.Data.GetProperty("vote").GetProperty("upn").GetString());
        Assert.Equal($"checked with [redacted:email]; {Approver} signs off", redacted.Data.GetProperty("vote").GetProperty("rationale").GetString());
        Assert.Equal("ci@example.com", redacted.Data.GetProperty("requestedBy").GetString());
        Assert.Equal([new Redaction("summary", "email"), new Redaction("data.vote.rationale", "email")], redacted.Redactions);
    }

    [Fact]
    public void Redact_AnAddressThatOnlyEndsWithAnIdentity_IsRemoved()
    {
        var record = Record(new { upn = Approver }, summary: $"forwarded to e{Approver}");

        Assert.Equal("forwarded to [redacted:email]", Defaults.Redact(record).Summary);
    }

    [Fact]
    public void Redact_ObjectUnderAnIdentityField_IsKeptWhole()
    {
        var record = Record(new { voter = new { objectId = "oid-1", upn = "ana@contoso.com" }, note = "ana@contoso.com agreed" });

        var redacted = Defaults.Redact(record);

        Assert.Equal("ana@contoso.com", redacted.Data.GetProperty("voter").GetProperty("upn").GetString());
        Assert.Equal("ana@contoso.com agreed", redacted.Data.GetProperty("note").GetString());
        Assert.Empty(redacted.Redactions);
    }

    [Fact]
    public void Redact_ReferenceField_KeepsALongRunIdThatWouldReadAsAnAccountNumber()
    {
        var record = Record(new { runId = "700000001", idempotencyKey = "incident-1" }, summary: "retraining job started: run 700000001");

        var redacted = Defaults.Redact(record);

        Assert.Equal("retraining job started: run 700000001", redacted.Summary);
        Assert.Equal("700000001", redacted.Data.GetProperty("runId").GetString());
        Assert.Empty(redacted.Redactions);
    }

    [Fact]
    public void Redact_PayloadMap_KeepsAllowedKeysOnlyAndStillRedactsTheirValues()
    {
        var tags = new Dictionary<string, string>
        {
            ["model_card.limitations"] = "refunds to card 4111 1111 1111 1111 were excluded",
            ["model_card.owner"] = "credit-risk@contoso.com",
            ["evaluation_set_version"] = "17",
            ["customer_contact"] = "jane.doe@gmail.com",
            ["model_cardX"] = "not the model card",
            ["risk_tier"] = "high",
        };
        var record = Record(new { tags, other = new Dictionary<string, string> { ["customer_contact"] = "kept key" } });

        var redacted = Defaults.Redact(record);

        var kept = redacted.Data.GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(["model_card.limitations", "model_card.owner", "evaluation_set_version", "risk_tier"], kept.Keys);
        Assert.Equal("refunds to card [redacted:card-number] were excluded", kept["model_card.limitations"]);
        Assert.Equal("[redacted:email]", kept["model_card.owner"]);
        Assert.Equal("kept key", redacted.Data.GetProperty("other").GetProperty("customer_contact").GetString());
        Assert.Equal(
            [
                new Redaction("data.tags.model_card.limitations", RedactionRuleNames.CardNumber),
                new Redaction("data.tags.model_card.owner", RedactionRuleNames.Email),
                new Redaction("data.tags.customer_contact", RedactionRuleNames.PayloadAllowList),
                new Redaction("data.tags.model_cardX", RedactionRuleNames.PayloadAllowList),
            ],
            redacted.Redactions);
    }

    [Fact]
    public void Redact_PayloadPathsOfThePolicy_AreTheOnesFiltered()
    {
        var redactor = new EvidenceRedactor(RedactionSettings.Default with { PayloadFields = new PayloadFields(["data.champion.tags"], ["team"]) });
        var record = Record(new { tags = new { note = "free" }, champion = new { tags = new { team = "risk", note = "free" } } });

        var redacted = redactor.Redact(record);

        Assert.Equal("free", redacted.Data.GetProperty("tags").GetProperty("note").GetString());
        Assert.False(redacted.Data.GetProperty("champion").GetProperty("tags").TryGetProperty("note", out _));
        Assert.Equal([new Redaction("data.champion.tags.note", RedactionRuleNames.PayloadAllowList)], redacted.Redactions);
    }

    [Fact]
    public void Redact_ArraysAndNestedObjects_NameEachFieldByItsPath()
    {
        var record = Record(new
        {
            evidenceRefs = new[] { "mlflow-run:abc123", "ticket 42", "customer acct 0012345678" },
            vote = new { rationale = "SSN 123-45-6789 seen" },
        });

        var redacted = Defaults.Redact(record);

        Assert.Equal(
            [new Redaction("data.evidenceRefs[2]", RedactionRuleNames.AccountNumber), new Redaction("data.vote.rationale", RedactionRuleNames.NationalId)],
            redacted.Redactions);
        Assert.Equal("customer acct [redacted:account-number]", redacted.Data.GetProperty("evidenceRefs")[2].GetString());
    }

    [Fact]
    public void Redact_StoredRecord_NamesFieldAndRuleButNeverTheValue()
    {
        var record = Record(new { note = "card 4111 1111 1111 1111, mail jane.doe@gmail.com, IBAN DE89 3704 0044 0532 0130 00" });

        var json = Json(Defaults.Redact(record));

        Assert.DoesNotContain("4111", json, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe", json, StringComparison.Ordinal);
        Assert.DoesNotContain("3704", json, StringComparison.Ordinal);
        Assert.Contains(
            "\"redactions\":[{\"field\":\"data.note\",\"rule\":\"card-number\"},{\"field\":\"data.note\",\"rule\":\"email\"},{\"field\":\"data.note\",\"rule\":\"iban\"}]",
            json,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_NumbersBooleansAndPropertyNames_AreLeftAsTheyAre()
    {
        var record = Record(new { requestCount = 123456789012L, passed = true, threshold = 0.7 });

        var redacted = Defaults.Redact(record);

        Assert.Equal(record.Data.GetRawText(), redacted.Data.GetRawText());
        Assert.Empty(redacted.Redactions);
    }

    [Fact]
    public void Redact_RecordWithNothingToRemove_KeepsItsBytes()
    {
        var record = Record(new { upn = Approver, digest = new string('c', 64), at = "2026-11-26T09:05:00+00:00" }, summary: $"approval by {Approver}", actor: Approver);

        var redacted = Defaults.Redact(record);

        Assert.Equal(EvidenceChain.ToCanonicalJson(record), EvidenceChain.ToCanonicalJson(redacted));
    }

    [Fact]
    public void Redact_SameRecord_GivesTheSameBytesAndRedactingAgainChangesNothing()
    {
        var record = Record(
            new { tags = new Dictionary<string, string> { ["customer_contact"] = "x@y.com" }, note = "ana@contoso.com 4111111111111111" },
            summary: "paid from DE89370400440532013000");

        var once = Defaults.Redact(record);
        var again = new EvidenceRedactor(RedactionSettings.Default).Redact(record);
        var twice = Defaults.Redact(once);

        Assert.Equal(EvidenceChain.ToCanonicalJson(once), EvidenceChain.ToCanonicalJson(again));
        Assert.Equal(EvidenceChain.ToCanonicalJson(once), EvidenceChain.ToCanonicalJson(twice));
    }

    [Fact]
    public void Redact_OverlappingMatches_AreOneRemovalNamedByTheRuleThatComesFirst()
    {
        // 16 digits that pass Luhn are a card number and also an 8-to-17-digit run: card-number comes first.
        var redacted = Defaults.Redact(Record(new { note = "4111111111111111" }));

        Assert.Equal("[redacted:card-number]", redacted.Data.GetProperty("note").GetString());
        Assert.Equal([new Redaction("data.note", RedactionRuleNames.CardNumber)], redacted.Redactions);
    }

    [Fact]
    public void Redact_RandomTextWithPlantedPersonalData_KeepsNoneOfItAndLeavesTheRest()
    {
        var random = new Random(20261126);
        for (var round = 0; round < 300; round++)
        {
            var planted = new List<string>();
            var fillers = new List<string>();
            var tokens = new List<string>();
            for (var i = random.Next(3, 12); i > 0; i--)
            {
                if (random.Next(3) == 0)
                {
                    var pii = PersonalData(random);
                    planted.Add(pii);
                    tokens.Add(pii);
                }
                else
                {
                    var filler = Filler(random);
                    fillers.Add(filler);
                    tokens.Add(filler);
                }
            }

            var text = string.Join(random.Next(2) == 0 ? " " : ", ", tokens);
            var redacted = Defaults.Redact(Record(new { note = text }, summary: text));

            foreach (var output in new[] { redacted.Summary, redacted.Data.GetProperty("note").GetString()! })
            {
                Assert.All(planted, pii => Assert.False(output.Contains(pii, StringComparison.Ordinal), $"'{pii}' survived in '{output}' (from '{text}')"));
                Assert.Empty(Defaults.FindMatches(output));
                Assert.All(fillers.Where(f => f.Length >= 32), hashOrId => Assert.True(output.Contains(hashOrId, StringComparison.Ordinal), $"'{hashOrId}' lost in '{output}' (from '{text}')"));
            }

            Assert.Equal(planted.Count > 0, redacted.Redactions.Count > 0);
        }
    }

    /// <summary>The value is matched by the rule, nothing outside it is matched, and redaction replaces exactly it.</summary>
    private static void AssertOnly(string rule, string text, string value)
    {
        var start = text.IndexOf(value, StringComparison.Ordinal);
        var matches = Defaults.FindMatches(text);

        Assert.Contains(new RedactionMatch(rule, start, value.Length), matches);
        Assert.All(matches, m => Assert.True(m.Start >= start && m.End <= start + value.Length, $"{m.Rule} matched outside '{value}'"));
        Assert.Equal(text.Replace(value, EvidenceRedactor.Placeholder(rule), StringComparison.Ordinal), Redacted(text));
    }

    private static string PersonalData(Random random) => random.Next(7) switch
    {
        0 => $"{Letters(random, 5)}.{Letters(random, 4)}@{Letters(random, 6)}.com",
        1 => string.Create(CultureInfo.InvariantCulture, $"{random.Next(100, 666)}-{random.Next(10, 99)}-{random.Next(1000, 9999)}"),
        2 => string.Create(CultureInfo.InvariantCulture, $"AB{random.Next(100000, 999999)}C"),
        3 => Iban(random),
        4 => Card(random),
        5 => Digits(random, random.Next(8, 18)),
        _ => $"acct {Digits(random, random.Next(4, 8))}",
    };

    private static string Filler(Random random) => random.Next(8) switch
    {
        0 => Convert.ToHexStringLower(RandomBytes(random, 32)),
        1 => new Guid(RandomBytes(random, 16)).ToString(),
        2 => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next()).ToString("O", CultureInfo.InvariantCulture),
        3 => string.Create(CultureInfo.InvariantCulture, $"0.{random.Next(1000, 9999)}"),
        4 => string.Create(CultureInfo.InvariantCulture, $"v{random.Next(1, 99)}.{random.Next(0, 20)}.{random.Next(0, 9)}"),
        5 => string.Create(CultureInfo.InvariantCulture, $"20261126T{random.Next(100000, 235959)}Z-{Convert.ToHexStringLower(RandomBytes(random, 4))}"),
        6 => Convert.ToHexStringLower(RandomBytes(random, 20)),
        _ => Letters(random, random.Next(2, 9)),
    };

    private static string Iban(Random random)
    {
        var bban = Digits(random, 18);
        var check = 98 - Mod97(bban + "131400"); // D = 13, E = 14, check digits 00
        var iban = string.Create(CultureInfo.InvariantCulture, $"DE{check:00}{bban}");
        return random.Next(2) == 0 ? iban : string.Join(' ', iban.Chunk(4).Select(c => new string(c)));
    }

    private static int Mod97(string digits) => digits.Aggregate(0, (r, c) => ((r * 10) + (c - '0')) % 97);

    private static string Card(Random random)
    {
        var body = "4" + Digits(random, 14);
        for (var check = 0; check <= 9; check++)
        {
            var candidate = body + check.ToString(CultureInfo.InvariantCulture);
            if (LuhnValid(candidate))
            {
                return random.Next(2) == 0 ? candidate : string.Join(' ', candidate.Chunk(4).Select(c => new string(c)));
            }
        }

        throw new InvalidOperationException("one check digit always passes Luhn");
    }

    private static bool LuhnValid(string digits) =>
        digits.Reverse().Select((c, i) => i % 2 == 1 ? ((c - '0') * 2 > 9 ? ((c - '0') * 2) - 9 : (c - '0') * 2) : c - '0').Sum() % 10 == 0;

    private static string Digits(Random random, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => (char)('0' + (i == 0 ? random.Next(1, 10) : random.Next(10)))));

    private static string Letters(Random random, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => (char)('a' + random.Next(26))));

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
