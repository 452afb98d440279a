using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Audit;

/// <summary>
/// Signs packets with a Key Vault key through its REST API (keys <c>get</c> and <c>sign</c>, ES256): the private key
/// never leaves the vault. The public key is read once and travels with every packet.
/// </summary>
public sealed class KeyVaultPacketSigner(HttpClient http, IAccessTokenSource tokens, Uri keyId) : IPacketSigner, IDisposable
{
    public const string Scope = "https://vault.azure.net/.default";
    private const string ApiVersion = "7.4";
    private readonly SemaphoreSlim gate = new(1, 1);
    private (Uri Kid, ECDsa Key)? resolved;

    /// <summary>The configured key id until the first signature, then the exact version that signs.</summary>
    public string KeyId => resolved?.Kid.ToString() ?? keyId.ToString();

    public async Task<PacketSignature> SignAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        var (kid, publicKey) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var digest = SHA256.HashData(manifest.Span);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{kid}/sign?api-version={ApiVersion}")
        {
            Content = JsonContent.Create(new KeyOperation(PacketSignature.Es256, Base64UrlEncoder.Encode(digest))),
        };
        var result = await SendAsync<KeyOperationResult>(request, cancellationToken).ConfigureAwait(false);
        var signature = Base64UrlEncoder.DecodeBytes(result.Value);

        // A signature the public key does not check is the vault answering for another key: never ship it.
        if (!publicKey.VerifyHash(digest, signature))
        {
            throw new InvalidOperationException($"Key Vault returned a signature that key {kid} does not verify.");
        }

        return PacketKeys.Describe(publicKey, kid.ToString(), manifest.Span, signature);
    }

    private async Task<(Uri Kid, ECDsa Key)> ResolveAsync(CancellationToken cancellationToken)
    {
        if (resolved is { } known)
        {
            return known;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (resolved is { } raced)
            {
                return raced;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, $"{keyId.ToString().TrimEnd('/')}?api-version={ApiVersion}");
            var bundle = await SendAsync<KeyBundle>(request, cancellationToken).ConfigureAwait(false);
            var jwk = bundle.Key ?? throw new InvalidOperationException($"Key Vault returned no key for {keyId}.");
            if (jwk.Kty is not ("EC" or "EC-HSM") || jwk.Crv != "P-256" || jwk.X is null || jwk.Y is null || jwk.Kid is null)
            {
                throw new InvalidOperationException($"The packet signing key {keyId} must be an EC P-256 key (it is {jwk.Kty} {jwk.Crv}).");
            }

            var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
            });
            resolved = (new Uri(jwk.Kid), key);
            return resolved.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAccessTokenAsync(Scope, cancellationToken).ConfigureAwait(false));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError)
        {
            throw new TransientDependencyException($"Key Vault answered {(int)response.StatusCode} to {request.Method} {request.RequestUri?.AbsolutePath}.");
        }

        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"Key Vault refused {request.Method} {request.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {body}");
        }

        return await response.Content.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Key Vault answered {request.RequestUri?.AbsolutePath} with an empty body.");
    }

    public void Dispose()
    {
        resolved?.Key.Dispose();
        gate.Dispose();
    }

    private sealed record KeyOperation([property: JsonPropertyName("alg")] string Algorithm, [property: JsonPropertyName("value")] string Value);

    private sealed record KeyOperationResult([property: JsonPropertyName("kid")] string? Kid, [property: JsonPropertyName("value")] string Value);

    private sealed record KeyBundle([property: JsonPropertyName("key")] JsonWebKeyShape? Key);

    private sealed record JsonWebKeyShape(
        [property: JsonPropertyName("kid")] string? Kid,
        [property: JsonPropertyName("kty")] string? Kty,
        [property: JsonPropertyName("crv")] string? Crv,
        [property: JsonPropertyName("x")] string? X,
        [property: JsonPropertyName("y")] string? Y);
}
