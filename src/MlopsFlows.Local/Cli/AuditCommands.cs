using System.Globalization;
using System.IO.Compression;
using MlopsFlows.Domain.Audit;

namespace MlopsFlows.Local.Cli;

/// <summary>
/// The auditor's verbs: <c>packet</c> downloads a release's signed packet from a running host and checks it at once;
/// <c>review</c> downloads a period's model-risk review export; <c>verify --packet</c> checks a packet offline, with
/// nothing but the file (and, optionally, the public key the auditor trusts). Exit code 0 verified, 1 refused or broken,
/// 2 bad usage.
/// </summary>
internal static class AuditCommands
{
    public const string PacketUsage = "Usage: mlopsflows packet <release-id> [--run <run-id>] [--out <folder>]   [--api <url>] [--by <who>] [--token <token>]";
    public const string ReviewUsage = "Usage: mlopsflows review --from <date> --to <date> [--pdf] [--out <folder>]   [--api <url>] [--by <who>] [--token <token>]";
    public const string VerifyUsage = "Usage: mlopsflows verify --packet <file> [--key <trusted public key PEM file, or its SHA-256 fingerprint>]";

    private static readonly string[] DownloadOptions = ["api", "by", "token", "run", "out", "from", "to"];

    public static async Task<int> PacketAsync(string[] args, CancellationToken stop)
    {
        if (!TryParse("packet", args, ["pdf"], PacketUsage, out var parsed, out var exit))
        {
            return exit;
        }

        if (parsed.Positional.Count != 1)
        {
            return Operator.BadUsage("packet", "name one release, e.g. release:main.credit.scorer:12:prod.", PacketUsage);
        }

        var release = parsed.Positional[0];
        var path = $"api/releases/{OperatorApi.Segment(release)}/packet" + (parsed.Option("run") is { } run ? $"?run={Uri.EscapeDataString(run)}" : string.Empty);
        var (file, failure) = await DownloadAsync("packet", parsed, path, stop);
        if (file is null)
        {
            return failure;
        }

        var check = PacketVerifier.Verify(file.Content);
        var written = Save(parsed, file, out var folder);
        var html = Extract(file.Content, AuditPacket.HtmlEntry, Path.Combine(folder, Path.GetFileNameWithoutExtension(written) + ".html"));
        var pdf = Extract(file.Content, AuditPacket.PdfEntry, Path.Combine(folder, Path.GetFileNameWithoutExtension(written) + ".pdf"));
        Console.WriteLine($"packet  {written} ({file.Content.Length / 1024.0:0.#} KiB)");
        Console.WriteLine($"html    {html ?? "none"}");
        Console.WriteLine($"pdf     {pdf ?? "none (no renderer on the host)"}");
        return Report(written, check);
    }

    public static async Task<int> ReviewAsync(string[] args, CancellationToken stop)
    {
        if (!TryParse("review", args, ["pdf"], ReviewUsage, out var parsed, out var exit))
        {
            return exit;
        }

        if (parsed.Option("from") is not { } from || parsed.Option("to") is not { } to || parsed.Positional.Count > 0)
        {
            return Operator.BadUsage("review", "give the period with --from and --to, e.g. --from 2026-07-01 --to 2026-10-01.", ReviewUsage);
        }

        var path = $"api/audit/review?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&pdf={(parsed.Flag("pdf") ? "true" : "false")}";
        var (file, failure) = await DownloadAsync("review", parsed, path, stop);
        if (file is null)
        {
            return failure;
        }

        var written = Save(parsed, file, out var folder);
        var index = Extract(file.Content, "index.html", Path.Combine(folder, Path.GetFileNameWithoutExtension(written) + ".index.html"));
        using var zip = new ZipArchive(new MemoryStream(file.Content), ZipArchiveMode.Read);
        var packets = zip.Entries.Where(e => e.FullName.StartsWith("packets/", StringComparison.Ordinal)).ToArray();
        var broken = 0;
        foreach (var entry in packets)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var check = PacketVerifier.Verify(buffer.ToArray());
            broken += check.Valid ? 0 : 1;
            Console.WriteLine($"{(check.Valid ? "OK  " : "FAIL")} {check.ReleaseId} run {check.RunId}: {check.Outcome}, {check.Records} records" +
                (check.Valid ? string.Empty : $": {string.Join("; ", check.Problems)}"));
        }

        Console.WriteLine($"review  {written} ({file.Content.Length / 1024.0:0.#} KiB): {packets.Length} packets, {broken} not verified");
        Console.WriteLine($"index   {index}");
        return broken == 0 ? 0 : 1;
    }

    /// <summary><c>verify --packet</c>: offline; reads nothing but the file (and the trusted key when given).</summary>
    public static int VerifyPacket(string[] args)
    {
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, ["packet", "key"], []);
        }
        catch (ArgumentException bad)
        {
            return Operator.BadUsage("verify", bad.Message, VerifyUsage);
        }

        var file = parsed.Option("packet")!;
        if (parsed.Positional.Count > 0)
        {
            return Operator.BadUsage("verify", "--packet checks one file; name a release without --packet to check stored evidence.", VerifyUsage);
        }

        if (!File.Exists(file))
        {
            return Operator.Failed("verify", $"no such file: {file}");
        }

        string? trusted = null;
        if (parsed.Option("key") is { } key)
        {
            trusted = File.Exists(key) ? File.ReadAllText(key) : key;
            if (PacketKeys.TrustedFingerprint(trusted) is null)
            {
                return Operator.BadUsage("verify", "--key is a PEM public key file or a 64-hex-digit SHA-256 fingerprint.", VerifyUsage);
            }
        }

        return Report(file, PacketVerifier.Verify(File.ReadAllBytes(file), trusted));
    }

    private static int Report(string file, PacketVerification check)
    {
        if (check.Valid)
        {
            Console.WriteLine($"OK   {file}: {check.ReleaseId} run {check.RunId}, outcome {check.Outcome}");
            Console.WriteLine($"     signature {PacketSignature.Es256} by {check.KeyId}, key fingerprint {check.KeyFingerprint}" +
                (check.KeyTrusted == true ? " (the trusted key)" : " (not pinned: pass --key to require a trusted key)"));
            Console.WriteLine($"     schema {AuditManifest.SchemaId}; {check.Records} records, every hash and link intact; every section follows from the records");
            return 0;
        }

        Console.WriteLine($"FAIL {file}: {check.ReleaseId ?? "unreadable packet"}" + (check.FirstBrokenRecord is { } broken ? $": first broken record is #{broken.ToString(CultureInfo.InvariantCulture)}" : string.Empty));
        foreach (var problem in check.Problems)
        {
            Console.WriteLine($"     - {problem}");
        }

        return 1;
    }

    private static bool TryParse(string verb, string[] args, string[] flags, string usage, out CliArguments parsed, out int exit)
    {
        parsed = null!;
        exit = 0;
        try
        {
            parsed = CliArguments.Parse(args, DownloadOptions, flags);
            return true;
        }
        catch (ArgumentException bad)
        {
            exit = Operator.BadUsage(verb, bad.Message, usage);
            return false;
        }
    }

    private static async Task<(DownloadedFile? File, int Exit)> DownloadAsync(string verb, CliArguments parsed, string path, CancellationToken stop)
    {
        var configuration = LocalHost.ReadConfiguration([.. parsed.Settings]);
        var (api, problem) = OperatorApi.From(parsed, configuration);
        if (api is null)
        {
            return (null, Operator.BadUsage(verb, problem!, verb == "packet" ? PacketUsage : ReviewUsage));
        }

        using (api)
        {
            var result = await api.DownloadAsync(path, stop);
            return result.Value is { } file ? (file, 0) : (null, Operator.Failed(verb, result.Error!));
        }
    }

    private static string Save(CliArguments parsed, DownloadedFile file, out string folder)
    {
        folder = Path.GetFullPath(parsed.Option("out") ?? ".");
        Directory.CreateDirectory(folder);

        // The name comes from the server: keep only its last segment, so it can never write outside the folder.
        var path = Path.Combine(folder, Path.GetFileName(file.FileName));
        File.WriteAllBytes(path, file.Content);
        return path;
    }

    private static string? Extract(byte[] zip, string entryName, string target)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entry = archive.GetEntry(entryName);
        if (entry is null)
        {
            return null;
        }

        entry.ExtractToFile(target, overwrite: true);
        return target;
    }
}
