using System.IO.Compression;
using System.Net;
using System.Text;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Audit;

/// <summary>An incident as the review lists it.</summary>
public sealed record ReviewIncident(
    string Id,
    string Model,
    string Environment,
    int Version,
    string Kind,
    string Severity,
    string Status,
    string Summary,
    DateTimeOffset OpenedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt);

/// <summary>One release of the period: how it ended, who approved, who decided, and whether its packet verifies.</summary>
public sealed record ReviewRelease(
    string ReleaseId,
    string RunId,
    string Model,
    int Version,
    string Environment,
    string Outcome,
    string? Reason,
    string? RequestedBy,
    DateTimeOffset? EndedAt,
    string? RiskTier,
    IReadOnlyList<string> Approvers,
    string DecidedBy,
    int EvidenceRecords,
    string? ChainHead,
    string Packet,
    string PacketSha256,
    bool Verified,
    IReadOnlyList<string> VerificationProblems);

public sealed record ReviewTotals(int Releases, IReadOnlyDictionary<string, int> ByOutcome, int Verified, int NotVerified, int Incidents);

/// <summary>The index of a model-risk review export (<c>index.json</c>, signed in <c>index.signature.json</c>).</summary>
public sealed record ReviewIndex(
    string Schema,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    PacketGenerator Generator,
    ReviewTotals Totals,
    IReadOnlyList<ReviewRelease> Releases,
    IReadOnlyList<ReviewIncident> Incidents)
{
    public const string SchemaId = "mlopsflows.review-index/v1";
}

public sealed record ReviewExport(string FileName, byte[] Zip, ReviewIndex Index);

/// <summary>The period holds more releases than one export carries.</summary>
public sealed class ReviewTooLargeException(string message) : Exception(message);

/// <summary>
/// A quarterly (or any period's) model-risk review: every release that ended in the period with its signed packet,
/// verified as it is exported, the incidents opened in the period, and a signed index of all of it.
/// </summary>
public sealed class ModelRiskReview(IReleaseLedger ledger, AuditPackets packets, TimeProvider time)
{
    /// <summary>Outcomes a release can end with; the review lists releases that ended in the period.</summary>
    public static readonly IReadOnlyList<string> EndedStatuses = ["Promoted", "RolledBack", "GateFailed", "Rejected", "Expired", "Cancelled"];

    /// <summary>Most releases per outcome one export carries; a period beyond it is refused rather than cut short.</summary>
    public const int MaxReleasesPerOutcome = 2_000;

    public async Task<ReviewExport> ExportAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<ReviewIncident> incidents, bool includePdf, CancellationToken cancellationToken)
    {
        var ended = new List<ReleaseLedgerEntry>();
        foreach (var status in EndedStatuses)
        {
            var entries = await ledger.ListEndedAsync(status, from, to, MaxReleasesPerOutcome + 1, cancellationToken).ConfigureAwait(false);
            if (entries.Count > MaxReleasesPerOutcome)
            {
                throw new ReviewTooLargeException($"more than {MaxReleasesPerOutcome} releases ended {status} in the period: export a shorter period");
            }

            ended.AddRange(entries);
        }

        var generatedAt = time.GetUtcNow();
        var rows = new List<ReviewRelease>();
        ReviewIndex index;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in ended.OrderBy(e => e.EndedAt).ThenBy(e => e.ReleaseId, StringComparer.Ordinal))
            {
                var packet = await packets.IssueAsync(entry.ReleaseId, entry.RunId, cancellationToken, includePdf).ConfigureAwait(false);
                var check = PacketVerifier.Verify(packet.Zip, packet.Signature.KeyFingerprint);
                var name = "packets/" + packet.FileName;
                AuditPacket.Write(zip, name, packet.Zip, generatedAt);
                var manifest = packet.Manifest;
                rows.Add(new ReviewRelease(
                    entry.ReleaseId, entry.RunId, entry.Model, entry.Version, entry.Environment, entry.Status, entry.Reason, entry.RequestedBy, entry.EndedAt,
                    manifest.Inventory.RiskTier,
                    [.. manifest.Approvals.Approvers.Select(a => $"{a.Upn} ({a.Role})")],
                    manifest.Deployment.Decision.DecidedBy,
                    manifest.Evidence.Count,
                    manifest.Evidence.Head,
                    name,
                    Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(packet.Zip)),
                    check.Valid,
                    check.Problems));
            }

            var periodIncidents = incidents.Where(i => i.OpenedAt >= from && i.OpenedAt < to).OrderBy(i => i.OpenedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToArray();
            index = new ReviewIndex(
                ReviewIndex.SchemaId, from, to, generatedAt, AuditPackets.Generator,
                new ReviewTotals(
                    rows.Count,
                    rows.GroupBy(r => r.Outcome, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                    rows.Count(r => r.Verified),
                    rows.Count(r => !r.Verified),
                    periodIncidents.Length),
                rows,
                periodIncidents);
            var indexBytes = AuditJson.Serialize(index);
            var signature = await packets.SignAsync(indexBytes, cancellationToken).ConfigureAwait(false);
            AuditPacket.Write(zip, "index.json", indexBytes, generatedAt);
            AuditPacket.Write(zip, "index.signature.json", AuditJson.Serialize(signature), generatedAt);
            AuditPacket.Write(zip, "index.html", Encoding.UTF8.GetBytes(IndexHtml(index, signature)), generatedAt);
        }

        return new ReviewExport($"model-risk-review_{from:yyyy-MM-dd}_{to:yyyy-MM-dd}.zip", buffer.ToArray(), index);
    }

    /// <summary>A plain, printable page of the index: what a reviewer opens first.</summary>
    private static string IndexHtml(ReviewIndex index, PacketSignature signature)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
        static string T(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Model-risk review ")
            .Append(E($"{index.From:yyyy-MM-dd} – {index.To:yyyy-MM-dd}"))
            .Append("</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b1f24}table{border-collapse:collapse;width:100%;margin:1em 0}")
            .Append("th,td{border:1px solid #c9d1d9;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3f5f7}.bad{color:#a40e26;font-weight:600}.ok{color:#116329}")
            .Append("@media print{body{margin:0}a{color:inherit;text-decoration:none}}</style></head><body>")
            .Append("<h1>Model-risk review</h1><p>Releases that ended from <b>").Append(E(T(index.From))).Append("</b> to <b>").Append(E(T(index.To)))
            .Append("</b>; generated ").Append(E(T(index.GeneratedAt))).Append(" by ").Append(E($"{index.Generator.Name} {index.Generator.Version}"))
            .Append(". Index signed by key ").Append(E(signature.KeyId)).Append(" (fingerprint <code>").Append(E(signature.KeyFingerprint)).Append("</code>).</p>")
            .Append("<p>").Append(index.Totals.Releases).Append(" releases (")
            .Append(E(string.Join(", ", index.Totals.ByOutcome.Select(p => $"{p.Value} {p.Key}")))).Append("); ")
            .Append(index.Totals.Verified).Append(" packets verified, <span class=\"").Append(index.Totals.NotVerified == 0 ? "ok" : "bad").Append("\">")
            .Append(index.Totals.NotVerified).Append(" not verified</span>; ").Append(index.Totals.Incidents).Append(" incidents opened.</p>")
            .Append("<h2>Releases</h2><table><thead><tr><th>Ended</th><th>Model</th><th>Version</th><th>Env</th><th>Tier</th><th>Outcome</th><th>Approvers</th><th>Decided by</th><th>Records</th><th>Packet</th><th>Verified</th></tr></thead><tbody>");
        foreach (var r in index.Releases)
        {
            html.Append("<tr id=\"").Append(E(r.ReleaseId)).Append("\"><td>").Append(E(T(r.EndedAt))).Append("</td><td>").Append(E(r.Model)).Append("</td><td>").Append(r.Version)
                .Append("</td><td>").Append(E(r.Environment)).Append("</td><td>").Append(E(r.RiskTier)).Append("</td><td>").Append(E(r.Outcome))
                .Append("</td><td>").Append(E(string.Join(", ", r.Approvers))).Append("</td><td>").Append(E(r.DecidedBy)).Append("</td><td>").Append(r.EvidenceRecords)
                .Append("</td><td><a href=\"").Append(E(r.Packet)).Append("\">").Append(E(r.Packet)).Append("</a></td><td class=\"").Append(r.Verified ? "ok\">yes" : "bad\">no: " + E(string.Join("; ", r.VerificationProblems)))
                .Append("</td></tr>");
        }

        html.Append("</tbody></table><h2>Incidents</h2><table><thead><tr><th>Opened</th><th>Model</th><th>Version</th><th>Env</th><th>Kind</th><th>Severity</th><th>Status</th><th>Acknowledged by</th><th>Resolved</th><th>Summary</th></tr></thead><tbody>");
        foreach (var i in index.Incidents)
        {
            html.Append("<tr><td>").Append(E(T(i.OpenedAt))).Append("</td><td>").Append(E(i.Model)).Append("</td><td>").Append(i.Version).Append("</td><td>").Append(E(i.Environment))
                .Append("</td><td>").Append(E(i.Kind)).Append("</td><td>").Append(E(i.Severity)).Append("</td><td>").Append(E(i.Status)).Append("</td><td>").Append(E(i.AcknowledgedBy))
                .Append("</td><td>").Append(E(T(i.ResolvedAt))).Append("</td><td>").Append(E(i.Summary)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></body></html>").ToString();
    }
}
