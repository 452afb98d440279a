using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Local;
using MlopsFlows.Local.Engine;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// The auditors' endpoints on the local host: a promoted release's packet (signed with the host's local key, PDF
/// included where Chromium is installed, verified offline), the model-risk review export with its signed index, and
/// the problems bad requests get.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class AuditApiTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task Packet_PromotedRelease_IsASignedZipThatVerifiesOfflineAgainstTheHostsKey()
    {
        var id = await PromotedReleaseAsync("main.audit.packet", "audit-packet-prod");

        using var response = await Api.GetAsync($"api/releases/{id}/packet");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var zip = await response.Content.ReadAsByteArrayAsync();
        var check = PacketVerifier.Verify(zip, PublicKeyOfTheHost());
        Assert.True(check.Valid, string.Join("; ", check.Problems));
        Assert.True(check.KeyTrusted);
        Assert.Equal((id, "Promoted"), (check.ReleaseId, check.Outcome));
        Assert.StartsWith(AuditPacket.FileName(id, check.RunId!), response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);

        using var archive = new ZipArchive(new MemoryStream(zip));
        var manifest = JsonSerializer.Deserialize<AuditManifest>(Read(archive, AuditPacket.ManifestEntry), AuditJson.Options)!;
        Assert.Equal(LocalHostFixture.Approver, Assert.Single(manifest.Approvals.Approvers).Upn);
        Assert.All(manifest.Approvals.Approvers, a => Assert.True(a.TokenVerified));
        Assert.Contains(LocalHostFixture.Approver, System.Text.Encoding.UTF8.GetString(Read(archive, AuditPacket.HtmlEntry)), StringComparison.Ordinal);
        if (File.Exists("/usr/bin/chromium"))
        {
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(Read(archive, AuditPacket.PdfEntry)[..5]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Packet_UnknownReleaseBadRunOrNoToken_AreProblemsNotPackets()
    {
        using var unknown = await Api.GetAsync("api/releases/release:main.audit.nothing:1:prod/packet");
        using var notAnId = await Api.GetAsync("api/releases/not-a-release/packet");
        using var badRun = await Api.GetAsync("api/releases/release:main.audit.nothing:1:prod/packet?run=a%20b");
        using var anonymous = new HttpClient { BaseAddress = fixture.Host.ApiBaseUrl };
        using var noToken = await anonymous.GetAsync("api/releases/release:main.audit.nothing:1:prod/packet");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("has no evidence", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRun.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    [Fact]
    public async Task Review_Period_HoldsEveryEndedReleasesPacketVerifiedAndASignedIndex()
    {
        var id = await PromotedReleaseAsync("main.audit.review", "audit-review-prod");
        var from = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await Api.GetAsync($"api/audit/review?from={from}&to={to}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var archive = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var indexBytes = Read(archive, "index.json");
        using var index = JsonDocument.Parse(indexBytes);
        var releases = index.RootElement.GetProperty("releases").EnumerateArray().ToArray();
        var row = Assert.Single(releases, r => r.GetProperty("releaseId").GetString() == id);
        Assert.True(row.GetProperty("verified").GetBoolean());
        Assert.Equal("Promoted", row.GetProperty("outcome").GetString());
        Assert.Contains(LocalHostFixture.Approver, row.GetProperty("approvers")[0].GetString(), StringComparison.Ordinal);
        Assert.All(releases, r => Assert.True(r.GetProperty("verified").GetBoolean(), r.GetProperty("releaseId").GetString()));
        Assert.Equal(releases.Length, index.RootElement.GetProperty("totals").GetProperty("releases").GetInt32());
        Assert.True(index.RootElement.TryGetProperty("incidents", out _));

        // Every packet listed is in the export and verifies; the index is signed by the same key.
        foreach (var release in releases)
        {
            Assert.True(PacketVerifier.Verify(Read(archive, release.GetProperty("packet").GetString()!), PublicKeyOfTheHost()).Valid);
        }

        var signature = JsonSerializer.Deserialize<PacketSignature>(Read(archive, "index.signature.json"), AuditJson.Options)!;
        Assert.True(PacketKeys.IsValid(signature, indexBytes, out var fingerprint));
        Assert.Equal(PacketKeys.TrustedFingerprint(PublicKeyOfTheHost()), fingerprint);
        Assert.Contains(id, System.Text.Encoding.UTF8.GetString(Read(archive, "index.html")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("to=2026-10-01", HttpStatusCode.BadRequest)]
    [InlineData("from=yesterday&to=2026-10-01", HttpStatusCode.BadRequest)]
    [InlineData("from=2026-10-01&to=2026-07-01", HttpStatusCode.UnprocessableEntity)]
    [InlineData("from=2024-01-01&to=2026-01-01", HttpStatusCode.UnprocessableEntity)]
    [InlineData("from=2026-07-01&to=2026-10-01&pdf=maybe", HttpStatusCode.BadRequest)]
    public async Task Review_BadPeriod_IsAProblemNamingWhatIsWrong(string query, HttpStatusCode expected)
    {
        using var response = await Api.GetAsync($"api/audit/review?{query}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> PromotedReleaseAsync(string model, string endpoint)
    {
        await fixture.SeedModelAsync(model, endpoint, 1, 2);
        using var start = await Api.PostAsJsonAsync("api/releases", new { model, version = 2, environment = "prod", requestedBy = "job:train" });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var id = $"release:{model}:2:prod";
        var waiting = await Polling.UntilAsync(Api, id, r => r.Approval is not null, Patience, "it waits for approval");
        using var decision = await Api.PostAsJsonAsync(
            $"api/releases/{id}/decisions",
            new { decision = "approve", approver = LocalHostFixture.Approver, rationale = "validation reviewed", evidenceDigest = waiting.Approval!.EvidenceDigest });
        Assert.Equal(HttpStatusCode.Accepted, decision.StatusCode);
        var done = await Polling.UntilAsync(Api, id, r => r.Outcome is not null, Patience, "it has an outcome");
        Assert.Equal(ReleaseStage.Promoted, done.Outcome!.Stage);

        // The ledger books the end just after the outcome: wait for it, the packet reads it.
        await Polling.UntilAsync(Api, id, r => r.RuntimeStatus == "Completed", Patience, "it completed");
        return id;
    }

    private static string PublicKeyOfTheHost()
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(LocalHost.LocalSigningKeyPath(new LocalHostOptions())));
        return PacketKeys.PublicPem(key);
    }

    private static byte[] Read(ZipArchive archive, string name)
    {
        using var stream = (archive.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the archive")).Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
