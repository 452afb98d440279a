using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Integrations.Audit;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Audit;

/// <summary>
/// The two packet signers: a local PEM key (created owner-only, reloaded with the same fingerprint) and a Key Vault key
/// over its REST API, against a loopback vault that signs with a real P-256 key.
/// </summary>
public sealed class PacketSignerTests : IDisposable
{
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("""{"schema":"mlopsflows.audit-packet/v1"}""");
    private readonly string folder = Directory.CreateTempSubdirectory("mlopsflows-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task LocalSigner_CreatesOwnerOnlyKey_AndSignsVerifiably()
    {
        var path = Path.Combine(folder, "keys", "packet-signing.pem");

        using var signer = new LocalPacketSigner(path, create: true);
        var signature = await signer.SignAsync(Manifest, CancellationToken.None);

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.True(PacketKeys.IsValid(signature, Manifest, out var fingerprint));
        Assert.Equal(signature.KeyFingerprint, fingerprint);
        Assert.Equal(PacketSignature.Es256, signature.Algorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Manifest)), signature.ManifestSha256);
        Assert.StartsWith("local:packet-signing.pem:", signer.KeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalSigner_ReloadsTheSameKey()
    {
        var path = Path.Combine(folder, "packet-signing.pem");
        using var first = new LocalPacketSigner(path, create: true);
        using var second = new LocalPacketSigner(path, create: false);

        var a = await first.SignAsync(Manifest, CancellationToken.None);
        var b = await second.SignAsync(Manifest, CancellationToken.None);

        Assert.Equal(a.KeyFingerprint, b.KeyFingerprint);
        Assert.Equal(first.KeyId, second.KeyId);
    }

    [Fact]
    public void LocalSigner_MissingKeyWithoutCreate_SaysWhichSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new LocalPacketSigner(Path.Combine(folder, "absent.pem"), create: false));

        Assert.Contains("MlopsFlows:Packets:Signing:LocalKeyPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalSigner_NotAP256Key_IsRefused()
    {
        var path = Path.Combine(folder, "p384.pem");
        using (var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384))
        {
            File.WriteAllText(path, p384.ExportPkcs8PrivateKeyPem());
        }

        var error = Assert.Throws<InvalidOperationException>(() => new LocalPacketSigner(path, create: false));

        Assert.Contains("not an EC P-256 key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyVaultSigner_GetsTheKeyOnce_SignsTheDigest_AndNamesTheKeyVersion()
    {
        using var vaultKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = vaultKey.ExportParameters(false);
        var bodies = new List<JsonNode?>();
        await using var vault = await LoopbackServer.StartAsync(async (context, _) =>
        {
            var path = context.Request.Path.Value!;
            if (context.Request.Method == "GET" && path == "/keys/packet-signing")
            {
                await Answers.Json(context, JsonSerializer.Serialize(new
                {
                    key = new
                    {
                        kid = $"{Base(context)}keys/packet-signing/0123456789abcdef",
                        kty = "EC",
                        crv = "P-256",
                        x = Base64UrlEncoder.Encode(parameters.Q.X),
                        y = Base64UrlEncoder.Encode(parameters.Q.Y),
                    },
                }));
                return;
            }

            if (context.Request.Method == "POST" && path == "/keys/packet-signing/0123456789abcdef/sign")
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                bodies.Add(body);
                var digest = Base64UrlEncoder.DecodeBytes((string)body!["value"]!);
                var signed = vaultKey.SignHash(digest);
                await Answers.Json(context, JsonSerializer.Serialize(new { kid = "ignored", value = Base64UrlEncoder.Encode(signed) }));
                return;
            }

            await Answers.Json(context, """{"error":{"code":"KeyNotFound"}}""", 404);
        });
        var tokens = new RecordingTokens();
        using var http = new HttpClient();
        using var signer = new KeyVaultPacketSigner(http, tokens, new Uri(vault.BaseUrl, "keys/packet-signing"));

        var first = await signer.SignAsync(Manifest, CancellationToken.None);
        var second = await signer.SignAsync(Manifest, CancellationToken.None);

        Assert.True(PacketKeys.IsValid(first, Manifest, out var fingerprint));
        Assert.True(PacketKeys.IsValid(second, Manifest, out _));
        using (var expected = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = parameters.Q }))
        {
            Assert.Equal(PacketKeys.Fingerprint(expected), fingerprint);
        }

        Assert.EndsWith("/keys/packet-signing/0123456789abcdef", first.KeyId, StringComparison.Ordinal);
        Assert.Equal(first.KeyId, signer.KeyId);
        Assert.Single(vault.Requests, r => r.Method == "GET");
        Assert.Equal(2, vault.Requests.Count(r => r.Method == "POST"));
        Assert.All(vault.Requests, r =>
        {
            Assert.Contains("api-version=7.4", r.PathAndQuery, StringComparison.Ordinal);
            Assert.Equal("Bearer token-for-" + KeyVaultPacketSigner.Scope, r.Authorization);
        });
        Assert.All(bodies, b =>
        {
            Assert.Equal("ES256", (string?)b!["alg"]);
            Assert.Equal(SHA256.HashData(Manifest), Base64UrlEncoder.DecodeBytes((string)b["value"]!));
        });
    }

    [Fact]
    public async Task KeyVaultSigner_SignatureFromAnotherKey_IsNeverShipped()
    {
        using var vaultKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = vaultKey.ExportParameters(false);
        await using var vault = await LoopbackServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Method == "GET")
            {
                await Answers.Json(context, JsonSerializer.Serialize(new
                {
                    key = new { kid = $"{Base(context)}keys/k/1", kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(parameters.Q.X), y = Base64UrlEncoder.Encode(parameters.Q.Y) },
                }));
                return;
            }

            var body = await JsonNode.ParseAsync(context.Request.Body);
            var signed = wrongKey.SignHash(Base64UrlEncoder.DecodeBytes((string)body!["value"]!));
            await Answers.Json(context, JsonSerializer.Serialize(new { value = Base64UrlEncoder.Encode(signed) }));
        });
        using var http = new HttpClient();
        using var signer = new KeyVaultPacketSigner(http, new RecordingTokens(), new Uri(vault.BaseUrl, "keys/k"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => signer.SignAsync(Manifest, CancellationToken.None));

        Assert.Contains("does not verify", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(403, false)]
    public async Task KeyVaultSigner_Failures_AreTransientOnlyWhenTheyAre(int status, bool transient)
    {
        await using var vault = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, """{"error":{"code":"x"}}""", status));
        using var http = new HttpClient();
        using var signer = new KeyVaultPacketSigner(http, new RecordingTokens(), new Uri(vault.BaseUrl, "keys/k"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => signer.SignAsync(Manifest, CancellationToken.None));

        Assert.Equal(transient, error is TransientDependencyException);
    }

    private static string Base(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}/";

    private sealed class RecordingTokens : IAccessTokenSource
    {
        public ValueTask<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken) => ValueTask.FromResult("token-for-" + scope);
    }
}
