using System.IO.Compression;
using MlopsFlows.Domain.Audit;

namespace MlopsFlows.Local.Demo;

/// <summary>The demo's last step: each release's audit packet, downloaded as an auditor would and checked offline.</summary>
internal static class DemoPackets
{
    public static async Task<bool> FetchAndVerifyAsync(HttpClient auditor, string releaseId, string folder, CancellationToken stop)
    {
        using var response = await auditor.GetAsync($"api/releases/{Uri.EscapeDataString(releaseId)}/packet", stop);
        if (!response.IsSuccessStatusCode)
        {
            DemoConsole.Say($"{releaseId}: GET packet → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop)}");
            return false;
        }

        var zip = await response.Content.ReadAsByteArrayAsync(stop);
        Directory.CreateDirectory(folder);
        var name = Path.GetFileName(response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "packet.zip");
        var path = Path.Combine(folder, name);
        await File.WriteAllBytesAsync(path, zip, stop);
        var stem = Path.Combine(folder, Path.GetFileNameWithoutExtension(name));
        using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        {
            archive.GetEntry(AuditPacket.HtmlEntry)?.ExtractToFile(stem + ".html", overwrite: true);
            archive.GetEntry(AuditPacket.PdfEntry)?.ExtractToFile(stem + ".pdf", overwrite: true);
        }

        var check = PacketVerifier.Verify(zip);
        DemoConsole.Say($"{releaseId} → {Path.GetFullPath(path)} ({zip.Length / 1024.0:0} KiB; html{(File.Exists(stem + ".pdf") ? ", pdf" : string.Empty)} beside it)");
        if (!check.Valid)
        {
            DemoConsole.Say("  verify: FAILED: " + string.Join("; ", check.Problems));
            return false;
        }

        using var manifestArchive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var manifestStream = manifestArchive.GetEntry(AuditPacket.ManifestEntry)!.Open();
        var manifest = System.Text.Json.JsonSerializer.Deserialize<AuditManifest>(manifestStream, AuditJson.Options)!;
        DemoConsole.Say($"  verify: OK: {PacketSignature.Es256} signature by {check.KeyId} (fingerprint {check.KeyFingerprint![..16]}…), {check.Records} records intact, every section follows from them");
        DemoConsole.Say("  approvals: " + string.Join("; ", manifest.Approvals.Approvers.Select(a =>
            $"{a.Upn} ({a.Role}, {a.Channel}, token {(a.TokenVerified ? "verified" : "NOT verified")}, SoD {a.SegregationOfDuties})")));
        DemoConsole.Say($"  deployment: {manifest.Deployment.Decision.Outcome}, decided by {manifest.Deployment.Decision.DecidedBy}; " +
            string.Join(", ", manifest.Deployment.Steps.Select(s => $"{s.Label}: judge {s.Judge?.Verdict ?? "not reached"}, SLO watch {(s.Watches.Count > 0 ? s.Watches[^1].Verdict : "none")}")));
        DemoConsole.Say($"  lineage: run {manifest.Lineage.TrainingRunId}, git {manifest.Lineage.GitCommit}, {manifest.Lineage.DataSources.Count} data sources; " +
            $"retention {manifest.Monitoring.Retention.Days} days (tier {manifest.Monitoring.Retention.Tier}) until {manifest.Monitoring.Retention.Until:yyyy-MM-dd}");
        DemoConsole.Say($"  re-check it anywhere: mlopsflows verify --packet {path}");
        return true;
    }
}
