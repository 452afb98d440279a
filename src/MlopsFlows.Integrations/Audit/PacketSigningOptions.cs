using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Audit;

/// <summary>
/// The key that signs audit packets (<c>MlopsFlows:Packets:Signing</c>): a Key Vault key in Azure, a local PEM file in
/// development. With neither, packets cannot be issued (the API answers 503 and says which setting is missing).
/// </summary>
public sealed class PacketSigningOptions
{
    public const string SectionName = "MlopsFlows:Packets:Signing";

    /// <summary>
    /// A Key Vault key (EC P-256) such as <c>https://kv-mlopsflows.vault.azure.net/keys/packet-signing</c>, with or without
    /// its version; the packet names the exact version that signed. The app's identity needs the keys <c>sign</c> and
    /// <c>get</c> permissions (role "Key Vault Crypto User").
    /// </summary>
    public Uri? KeyVaultKeyId { get; set; }

    /// <summary>A PEM file with an EC P-256 private key (development and CI). Ignored when <see cref="KeyVaultKeyId"/> is set.</summary>
    public string? LocalKeyPath { get; set; }

    /// <summary>Create <see cref="LocalKeyPath"/> with a new key when it does not exist (the local host sets this; never in Azure).</summary>
    public bool CreateLocalKey { get; set; }

    /// <summary>How long one call to Key Vault may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Configured => KeyVaultKeyId is not null || !string.IsNullOrWhiteSpace(LocalKeyPath);
}
