using System.Security.Cryptography;
using MlopsFlows.Domain.Audit;

namespace MlopsFlows.Integrations.Audit;

/// <summary>
/// Signs packets with an EC P-256 private key from a PEM file: the development and CI signer. The file is created
/// (readable by its owner only) when asked to and missing, so a laptop's packets are signed from the first one.
/// </summary>
public sealed class LocalPacketSigner : IPacketSigner, IDisposable
{
    private readonly ECDsa key;

    public LocalPacketSigner(string path, bool create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        key = ECDsa.Create();
        if (!File.Exists(path))
        {
            if (!create)
            {
                throw new InvalidOperationException($"The packet signing key {path} does not exist (MlopsFlows:Packets:Signing:LocalKeyPath).");
            }

            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            file.Write(key.ExportPkcs8PrivateKeyPem());
        }
        else
        {
            key.ImportFromPem(File.ReadAllText(path));
        }

        if (key.KeySize != 256)
        {
            throw new InvalidOperationException($"The packet signing key {path} is not an EC P-256 key.");
        }

        KeyId = $"local:{Path.GetFileName(path)}:{PacketKeys.Fingerprint(key)[..16]}";
    }

    public string KeyId { get; }

    public Task<PacketSignature> SignAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken) =>
        Task.FromResult(PacketKeys.Sign(key, KeyId, manifest.Span));

    public void Dispose() => key.Dispose();
}
