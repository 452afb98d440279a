using System.Security.Cryptography;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// The signature over a packet's manifest and the public key that checks it (it travels with the packet, so the packet
/// verifies offline; an auditor pins the key by its fingerprint). ES256: ECDSA P-256 over SHA-256, the signature as
/// r‖s (IEEE P1363, 64 bytes) in base64, which is what Azure Key Vault's <c>sign</c> returns.
/// </summary>
public sealed record PacketSignature(
    string Algorithm,
    string KeyId,
    string PublicKeyPem,
    string KeyFingerprint,
    string ManifestSha256,
    string Signature)
{
    public const string Es256 = "ES256";
}

/// <summary>Signs manifests: a Key Vault key in Azure, a configured local key in development.</summary>
public interface IPacketSigner
{
    /// <summary>A name for the key in use (a Key Vault key id with its version, or the local key's file name).</summary>
    string KeyId { get; }

    Task<PacketSignature> SignAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken);
}

/// <summary>Key handling shared by every signer and by <c>verify</c>.</summary>
public static class PacketKeys
{
    /// <summary>SHA-256 (hex) of the key's SubjectPublicKeyInfo: the same key always has the same fingerprint, whatever its PEM layout.</summary>
    public static string Fingerprint(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public static string PublicPem(ECDsa key) => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>A signature record for bytes already signed (r‖s), with the public key that checks it.</summary>
    public static PacketSignature Describe(ECDsa publicKey, string keyId, ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> signature) => new(
        PacketSignature.Es256,
        keyId,
        PublicPem(publicKey),
        Fingerprint(publicKey),
        Convert.ToHexStringLower(SHA256.HashData(manifest)),
        Convert.ToBase64String(signature));

    /// <summary>Signs with a private key held in memory (the local development key).</summary>
    public static PacketSignature Sign(ECDsa privateKey, string keyId, ReadOnlySpan<byte> manifest)
    {
        var signature = privateKey.SignData(manifest, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Describe(privateKey, keyId, manifest, signature);
    }

    /// <summary>Checks the signature with the public key it carries; false for any malformed part, never an exception.</summary>
    public static bool IsValid(PacketSignature signature, ReadOnlySpan<byte> manifest, out string fingerprint)
    {
        fingerprint = string.Empty;
        if (!string.Equals(signature.Algorithm, PacketSignature.Es256, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(signature.PublicKeyPem);
            if (key.KeySize != 256)
            {
                return false;
            }

            fingerprint = Fingerprint(key);
            var bytes = Convert.FromBase64String(signature.Signature);
            return key.VerifyData(manifest, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The fingerprint of a trusted public key given as PEM, or of a fingerprint given as hex.</summary>
    public static string? TrustedFingerprint(string pemOrFingerprint)
    {
        var text = pemOrFingerprint.Trim();
        if (text.Length == 64 && text.All(Uri.IsHexDigit))
        {
            return text.ToLowerInvariant();
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(text);
            return Fingerprint(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return null;
        }
    }
}
