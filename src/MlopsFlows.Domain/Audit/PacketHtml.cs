using System.Text.Json;
using static MlopsFlows.Domain.Audit.PacketFormat;

namespace MlopsFlows.Domain.Audit;

/// <summary>What the packet's signature covers and who signed: the SHA-256 of the manifest's exact bytes and the signing key.</summary>
/// <param name="ManifestSha256">Lower-case hex SHA-256 of the manifest file as written.</param>
/// <param name="Algorithm">The signature algorithm, e.g. <c>ES256</c>.</param>
/// <param name="KeyId">The signing key's identifier (a Key Vault key URI or a local key name).</param>
/// <param name="KeyFingerprint">The SHA-256 fingerprint of the public key, so a reader can tell which key to trust.</param>
public sealed record PacketSeal(string ManifestSha256, string Algorithm, string KeyId, string KeyFingerprint);

/// <summary>
/// The audit packet as one self-contained HTML page for a person: every checklist section of the manifest in order,
/// tables for what was checked and decided, and inline SVG charts of the canary. It loads nothing (no fonts, images or
/// scripts from elsewhere), prints on A4 with one section per page, and encodes every string from the manifest.
/// The same manifest and seal always give the same bytes.
/// </summary>
public static class PacketHtml
{
    private static readonly (string Id, string Contents, string Heading)[] Sections =
    [
        ("inventory", "Inventory", "1. Inventory: model, owner, use and tier"),
        ("lineage", "Lineage", "2. Lineage: where the model came from"),
        ("validation", "Validation", "3. Validation: gates and findings"),
        ("fairness", "Fairness", "4. Fairness per group"),
        ("approvals", "Approvals", "5. Approvals: who had to approve and who did"),
        ("deployment", "Deployment", "6. Deployment: traffic, canary verdicts and the decision"),
        ("monitoring", "Monitoring", "7. Monitoring, revalidation and retention"),
        ("redactions", "Redactions", "Redactions"),
        ("evidence", "Evidence chain", "Evidence chain"),
    ];

    /// <summary>The element ids of the checklist sections, in the order the page shows them.</summary>
    public static IReadOnlyList<string> SectionIds { get; } = [.. Sections.Select(s => s.Id)];

    /// <summary>The command that checks a packet, as the page tells its reader.</summary>
    public const string VerifyCommand = "mlopsflows verify --packet <file>";

    public static string Render(AuditManifest manifest, PacketSeal seal)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(seal);

        var html = new HtmlWriter();
        WriteHead(html, manifest, seal);
        WriteSummary(html, manifest, seal);
        html.Append($"<main>\n");
        WriteInventory(html, manifest.Inventory);
        WriteLineage(html, manifest.Lineage);
        WriteValidation(html, manifest.Validation);
        WriteFairness(html, manifest.Fairness);
        WriteApprovals(html, manifest.Approvals);
        WriteDeployment(html, manifest.Deployment, manifest.Release.Version);
        WriteMonitoring(html, manifest.Monitoring);
        WriteRedactions(html, manifest.Redactions);
        WriteEvidence(html, manifest.Evidence);
        html.Append($"</main>\n");
        WriteFooter(html, manifest, seal);
        return html.ToString();
    }

    private static void WriteHead(HtmlWriter html, AuditManifest manifest, PacketSeal seal)
    {
        var release = manifest.Release;
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{PacketPage.ContentSecurityPolicy}">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="{manifest.Generator.Name} {manifest.Generator.Version}">
            <meta name="mlopsflows-manifest-sha256" content="{seal.ManifestSha256}">
            <title>Audit packet: {release.Model} v{release.Version} in {release.Environment} ({Words(release.Outcome)})</title>
            <style>{new Markup(PacketPage.Style)}</style>
            <script>{new Markup(PacketPage.ErrorRecorder)}</script>
            </head>
            <body>

            """);
    }

    private static void WriteSummary(HtmlWriter html, AuditManifest manifest, PacketSeal seal)
    {
        var release = manifest.Release;
        var inventory = manifest.Inventory;
        html.Append($"""
            <header class="summary" id="summary">
            <p class="kicker">Audit packet · release {release.ReleaseId} · run {release.RunId}</p>
            <div class="headline"><h1>{release.Model} v{release.Version} → {release.Environment}</h1>{Badge(release.Outcome, extraClass: "outcome")}</div>

            """);
        if (!string.IsNullOrWhiteSpace(release.Reason))
        {
            html.Append($"<p class=\"text\">{release.Reason}</p>\n");
        }

        var policy = inventory.Policy;
        Facts(
            html,
            ("Model", T(release.Model)),
            ("Version", Markup.Of($"{release.Version}")),
            ("Environment", T(release.Environment)),
            ("Outcome", release.EndedAt is null ? Badge(release.Outcome) : Markup.Of($"{Badge(release.Outcome)} ended {Time(release.EndedAt)}")),
            ("Risk tier", Tier(inventory)),
            ("Policy", Markup.Of($"{policy.Id} version {policy.Version}, content hash <span class=\"mono\">{policy.ContentHash}</span>")),
            ("Requested by", release.RequestedAt is null ? T(release.RequestedBy) : Markup.Of($"{OrMissing(release.RequestedBy)} at {Time(release.RequestedAt)}")),
            ("Generated at", Markup.Of($"{Time(manifest.GeneratedAt)} by {manifest.Generator.Name} {manifest.Generator.Version}")),
            ("Manifest SHA-256", Mono(seal.ManifestSha256)),
            ("Signed with", Markup.Of($"{seal.Algorithm}, key {seal.KeyId}")),
            ("Key fingerprint", Mono(seal.KeyFingerprint)));
        html.Append($"""
            <p class="verify">To verify this packet, run <code>{VerifyCommand}</code>: it checks that the manifest's SHA-256 is the one above and that its signature verifies with the key of this fingerprint. This page is a rendering of that manifest; the manifest is what is signed.</p>
            <nav class="contents" aria-label="Contents"><strong>Contents</strong><ol>
            {Markup.Join(Sections.Select(s => Markup.Of($"<li><a href=\"#{s.Id}\">{s.Contents}</a></li>")), "\n")}
            </ol></nav>
            </header>

            """);
    }

    private static Markup Tier(InventorySection inventory)
    {
        var others = new List<string>();
        if (inventory.InventoryTier is not null && inventory.InventoryTier != inventory.RiskTier)
        {
            others.Add($"inventory says {inventory.InventoryTier}");
        }

        if (inventory.RequestedTier is not null && inventory.RequestedTier != inventory.RiskTier)
        {
            others.Add($"requested {inventory.RequestedTier}");
        }

        var detail = others.Count == 0 ? string.Empty : $" ({string.Join(", ", others)})";
        return Markup.Of($"<strong>{OrMissing(inventory.RiskTier)}</strong>{detail}");
    }

    private static void WriteInventory(HtmlWriter html, InventorySection inventory)
    {
        OpenSection(html, "inventory");
        Facts(
            html,
            ("Model", T(inventory.ModelId)),
            ("Owner", T(inventory.Owner)),
            ("Intended use", Prose(inventory.IntendedUse)),
            ("Limitations", Prose(inventory.Limitations)),
            ("Risk tier", Tier(inventory)),
            ("Why this tier", Prose(inventory.TierReason)),
            ("Policy", Markup.Of($"{inventory.Policy.Id} version {inventory.Policy.Version}")),
            ("Policy content hash", Mono(inventory.Policy.ContentHash)));
        html.Append($"<h3>Model card</h3>\n");
        KeyValues(html, inventory.ModelCard, "Field", "The registry holds no model card for this version.");
        CloseSection(html);
    }

    private static void WriteLineage(HtmlWriter html, LineageSection lineage)
    {
        OpenSection(html, "lineage");
        if (!lineage.Recorded)
        {
            html.Append($"<p class=\"empty\">No lineage was recorded for this version: the registry gave no training run, source or data sources. What is known is listed below.</p>\n");
        }

        Facts(
            html,
            ("Registered model", Markup.Of($"{lineage.CatalogName} version {lineage.Version}")),
            ("Artefact location", T(lineage.ArtefactLocation)),
            ("Storage location", T(lineage.StorageLocation)),
            ("Artefact SHA-256", MonoOrMissing(lineage.ArtefactSha256)),
            ("Training run", MonoOrMissing(lineage.TrainingRunId)),
            ("Git repository", T(lineage.GitRepository)),
            ("Git commit", MonoOrMissing(lineage.GitCommit)),
            ("Source", T(lineage.SourceName)),
            ("Developer", T(lineage.Developer)),
            ("Evidence record", Sequence(lineage.Sequence)));

        html.Append($"<h3>Data sources</h3>\n");
        Table(
            html,
            ["Name", "Version", "Digest", "Type", "Source", "Context"],
            lineage.DataSources.Select(d => Row(Td(d.Name), Td(d.Version), TdHash(d.Digest), Td(d.SourceType), Td(d.Source), Td(d.Context))),
            "No data source was recorded.");

        html.Append($"<h3>Features</h3>\n");
        html.Append(lineage.Features.Count == 0
            ? Markup.Of($"<p class=\"empty\">No feature list was recorded.</p>\n")
            : Markup.Of($"<p>{lineage.Features.Count} features: {Markup.Join(lineage.Features.Select(f => Markup.Of($"<code>{f}</code>")), ", ")}</p>\n"));

        html.Append($"<h3>Hyperparameters</h3>\n");
        KeyValues(html, lineage.Hyperparameters, "Parameter", "No hyperparameter was recorded.");
        html.Append($"<h3>Training environment</h3>\n");
        KeyValues(html, lineage.Environment, "Setting", "No training environment was recorded.");
        CloseSection(html);
    }

    private static void WriteValidation(HtmlWriter html, ValidationSection validation)
    {
        OpenSection(html, "validation");
        var gates = validation.Gates;
        if (gates.Count == 0)
        {
            html.Append($"<p class=\"empty\">No gate ran: the release ended before its evidence was checked.</p>\n");
        }
        else
        {
            var byTone = gates.GroupBy(g => ToneOf(g.Verdict)).ToDictionary(g => g.Key, g => g.Count());
            html.Append($"<p>{gates.Count} gate{(gates.Count == 1 ? string.Empty : "s")}: {byTone.GetValueOrDefault(Tone.Pass)} passed, {byTone.GetValueOrDefault(Tone.Fail)} failed, {byTone.GetValueOrDefault(Tone.Warn)} without enough data to decide.</p>\n");
            Table(
                html,
                ["Gate", "Verdict", "Evidence record", "Findings"],
                gates.Select((g, i) => Row(Markup.Of($"<td><a href=\"#gate-{i + 1}\">{g.Gate}</a></td>"), TdBadge(g.Verdict), TdNum($"#{g.Sequence}"), TdNum(Count(g.Findings.Count)))),
                string.Empty);

            for (var i = 0; i < gates.Count; i++)
            {
                var gate = gates[i];
                html.Append($"<h3 id=\"gate-{i + 1}\">Gate {gate.Gate} {Badge(gate.Verdict)}</h3>\n<p class=\"muted\">Evidence record #{gate.Sequence}</p>\n");
                if (gate.Inputs.Count > 0)
                {
                    html.Append($"<h4>What it read</h4>\n");
                    Facts(html, [.. Sorted(gate.Inputs).Select(kv => (kv.Key, T(kv.Value)))]);
                }

                html.Append($"<h4>Findings</h4>\n");
                Findings(html, gate.Findings, "Subject", "Sample size", "The gate recorded no finding.");
            }
        }

        html.Append($"<h3>Comparison with the champion</h3>\n");
        if (validation.Champion is not { } champion)
        {
            html.Append($"<p class=\"empty\">No champion to compare with: this is the first version in this environment, or the comparison was not configured.</p>\n");
        }
        else
        {
            html.Append($"<p>Champion: {(champion.Version is int version ? $"v{version}" : "unknown version")}.</p>\n");
            if (!string.IsNullOrWhiteSpace(champion.Problem))
            {
                html.Append($"<p class=\"text\"><strong>Problem:</strong> {champion.Problem}</p>\n");
            }

            MetricChanges(html, champion.Metrics, "No metric was compared.");
        }

        html.Append($"<h3>Validators</h3>\n");
        Table(
            html,
            ["Validator (UPN, object id)", "Role", "Approved at", "Independent of the developer", "Basis"],
            validation.Validators.Select(v => Row(TdPerson(v.Upn, v.ObjectId), Td(v.Role), TdTime(v.At), TdBadge(YesNo(v.IndependentOfDeveloper), v.IndependentOfDeveloper ? Tone.Pass : Tone.Fail), TdText(v.Basis))),
            "No validator seat was filled.");
        CloseSection(html);
    }

    private static void WriteFairness(HtmlWriter html, FairnessSection fairness)
    {
        OpenSection(html, "fairness");
        Facts(
            html,
            ("Required by the policy", T(YesNo(fairness.Required))),
            ("Verdict", Badge(fairness.Verdict)),
            ("Evidence record", Sequence(fairness.Sequence)),
            ("Reason codes", Prose(fairness.ReasonCodeMapping)));

        var insufficient = fairness.Findings.Where(IsInsufficient).ToList();
        if (insufficient.Count > 0)
        {
            var groups = string.Join(", ", insufficient.Select(f => f.Subject).Distinct(StringComparer.Ordinal));
            html.Append($"<p><span class=\"badge tone-warn\">insufficient data</span> {insufficient.Count} finding{(insufficient.Count == 1 ? string.Empty : "s")} had too little data to judge ({groups}); insufficient data never counts as a pass.</p>\n");
        }

        Findings(
            html,
            fairness.Findings,
            "Group",
            "Group size",
            fairness.Required ? "No fairness finding was recorded." : "No fairness finding was recorded: the policy does not require the fairness gate for this tier.");
        CloseSection(html);
    }

    private static void WriteApprovals(HtmlWriter html, ApprovalsSection approvals)
    {
        OpenSection(html, "approvals");
        Facts(
            html,
            ("Required by the policy", T(YesNo(approvals.Required))),
            ("Outcome", Badge(approvals.Outcome)));

        html.Append($"<h3>Required and actual</h3>\n");
        Table(
            html,
            ["Role", "Required", "Approved", "Filled"],
            approvals.RequiredApprovers.Select(r =>
            {
                var actual = approvals.Approvers.Count(a => string.Equals(a.Role, r.Role, StringComparison.Ordinal));
                return Row(Td(r.Role), TdNum(Count(r.Count)), TdNum(Count(actual)), TdBadge(actual >= r.Count ? "yes" : "no", actual >= r.Count ? Tone.Pass : Tone.Fail));
            }),
            approvals.Required ? "The policy named no approving role." : "This release needed no approval.");

        html.Append($"<h3>Approvers</h3>\n");
        Table(
            html,
            ["Role", "Approver (UPN, object id)", "Approved at", "Channel", "Token verified", "Segregation of duties", "Rationale"],
            approvals.Approvers.Select(a => Row(
                Markup.Of($"<td>{a.Role}{(a.ViaEscalation ? Markup.Of($"<br><span class=\"muted\">via escalation</span>") : Markup.Empty)}</td>"),
                TdPerson(a.Upn, a.ObjectId),
                TdTime(a.At),
                Td(a.Channel),
                TdBadge(YesNo(a.TokenVerified), a.TokenVerified ? Tone.Pass : Tone.Fail),
                TdBadge(a.SegregationOfDuties),
                TdText(a.Rationale))),
            approvals.Required ? "No approver filled a seat." : "No approval was asked for.");

        html.Append($"<h3>Every vote</h3>\n");
        Table(
            html,
            ["#", "Voter (UPN, object id)", "Vote", "What became of it", "Why", "Channel", "Token verified", "Rationale", "At"],
            approvals.Votes.Select(v =>
            {
                var refused = IsRefused(v.Admission);
                var admission = refused ? Markup.Of($"<td>{Badge(v.Admission, Tone.Warn)}<br><span class=\"muted\">refused</span></td>") : TdBadge(v.Admission);
                return Row(
                    refused ? "refused" : null,
                    TdNum($"#{v.Sequence}"),
                    TdPerson(v.Upn, v.ObjectId),
                    TdBadge(v.Approve ? "approve" : "reject"),
                    admission,
                    TdText(v.Reason),
                    Td(v.Channel),
                    TdBadge(YesNo(v.TokenVerified), v.TokenVerified ? Tone.Pass : Tone.Fail),
                    TdText(v.Rationale),
                    TdTime(v.At));
            }),
            "No vote was cast.");

        html.Append($"<h3>Escalations</h3>\n");
        Table(
            html,
            ["#", "At", "Roles asked", "Recipients"],
            approvals.Escalations.Select(e => Row(TdNum($"#{e.Sequence}"), TdTime(e.At), Td(string.Join(", ", e.Roles)), Td(string.Join(", ", e.Recipients)))),
            "The approval did not escalate.");

        html.Append($"<h3>Overrides and interventions</h3>\n");
        Table(
            html,
            ["#", "At", "Kind", "By", "Decision", "Rationale"],
            approvals.Overrides.Select(o => Row(TdNum($"#{o.Sequence}"), TdTime(o.At), Td(Words(o.Kind)), Td(o.By), TdBadge(o.Decision), TdText(o.Rationale))),
            "Nobody overrode or intervened.");
        CloseSection(html);
    }

    private static void WriteDeployment(HtmlWriter html, DeploymentSection deployment, int candidateVersion)
    {
        OpenSection(html, "deployment");
        var slo = deployment.Slo;
        Facts(
            html,
            ("Mode", T(deployment.Mode is null ? null : Words(deployment.Mode))),
            ("SLO: p95 latency", T(slo?.MaxP95LatencyMs is double latency ? "at most " + Milliseconds(latency) : null)),
            ("SLO: error rate", T(slo?.MaxErrorRate is double rate ? "at most " + Percent(rate) : null)));

        if (deployment.Steps.Count == 0)
        {
            html.Append($"<p class=\"empty\">No traffic moved: the release ended before deployment.</p>\n");
        }
        else
        {
            html.Append($"<figure>{PacketCharts.TrafficSteps(deployment.Steps, candidateVersion, deployment.Decision)}<figcaption>The share of requests served by v{candidateVersion} at each step, and after the decision.</figcaption></figure>\n");
            for (var i = 0; i < deployment.Steps.Count; i++)
            {
                WriteStep(html, deployment.Steps[i], i + 1, candidateVersion, slo);
            }
        }

        var decision = deployment.Decision;
        html.Append($"<h3>Decision</h3>\n");
        Facts(
            html,
            ("Outcome", Badge(decision.Outcome)),
            ("Decided by", T(decision.DecidedBy)),
            ("At", Time(decision.At)),
            ("Why", Prose(decision.Reason)),
            ("Rolled back to", T(decision.RollbackTarget is int target ? $"v{target}" : null)),
            ("Traffic after", T(Routes(decision.TrafficAfter))));

        html.Append($"<h3>Change log against the champion</h3>\n");
        if (deployment.ChangeLog is not { } changes)
        {
            html.Append($"<p class=\"empty\">No change log against a champion was recorded.</p>\n");
        }
        else
        {
            html.Append($"<p>Champion: {(changes.ChampionVersion is int champion ? $"v{champion}" : "unknown version")}.</p>\n<h4>Metrics</h4>\n");
            MetricChanges(html, changes.Metrics, "No metric changed.");
            html.Append($"<h4>Parameters</h4>\n");
            Table(
                html,
                ["Parameter", "Champion", "Candidate"],
                changes.Params.Select(p => Row(Td(p.Name), Td(p.Champion), Td(p.Candidate))),
                "No parameter changed.");
            html.Append($"<h4>Features</h4>\n");
            Facts(
                html,
                ("Added", T(changes.FeaturesAdded.Count == 0 ? "none" : string.Join(", ", changes.FeaturesAdded))),
                ("Removed", T(changes.FeaturesRemoved.Count == 0 ? "none" : string.Join(", ", changes.FeaturesRemoved))));
        }

        CloseSection(html);
    }

    private static void WriteStep(HtmlWriter html, DeploymentStep step, int number, int candidateVersion, SloEntry? slo)
    {
        var percent = step.CandidatePercent ?? PacketCharts.CandidateShare(step.Routes, candidateVersion);
        html.Append($"""
            <section class="step" id="deployment-step-{number}" data-step="{step.Label}">
            <h3>Step {step.Label}: {(percent is int share ? $"{share}% to v{candidateVersion}" : "traffic not recorded")}</h3>
            <p class="muted">Evidence record #{step.Sequence}. Routes: {OrMissing(Routes(step.Routes))}.</p>

            """);

        if (step.Watches.Count > 0 || step.Judge is not null)
        {
            var latency = PacketCharts.WatchBars("p95-latency", "p95 latency", step.Label, step.Watches, w => w.P95LatencyMs, slo?.MaxP95LatencyMs, Milliseconds);
            var errors = PacketCharts.WatchBars("error-rate", "Error rate", step.Label, step.Watches, w => w.ErrorRate, slo?.MaxErrorRate, Percent);
            html.Append($"""
                <figure><div class="charts">{latency}{errors}</div>
                <figcaption>Each SLO watch while the step baked: bars red above the dashed SLO line and green within it; under each bar the watch's number and its verdict.</figcaption></figure>

                """);
        }

        html.Append($"<h4>SLO watches</h4>\n");
        Table(
            html,
            ["Watch", "Verdict", "p95 latency", "Error rate", "Requests"],
            step.Watches.Select(w => Row(TdNum($"#{w.Sequence}"), TdBadge(w.Verdict), TdNum(Milliseconds(w.P95LatencyMs)), TdNum(Percent(w.ErrorRate)), TdNum(Count(w.Requests)))),
            "No SLO watch was recorded in this step.");

        if (step.Judge is not { } judge)
        {
            html.Append($"<p class=\"empty\">Not judged: the step ended before the judge compared the candidate with the baseline.</p>\n</section>\n");
            return;
        }

        html.Append($"<h4>Judge {Badge(judge.Verdict)}</h4>\n");
        Facts(
            html,
            ("Evidence record", Sequence(judge.Sequence)),
            ("Requests compared", Markup.Of($"baseline {Count(judge.BaselineRequests)}, candidate {Count(judge.CandidateRequests)}")),
            ("Prediction drift (PSI)", T(Number(judge.PredictionPsi))));
        html.Append($"<figure>{PacketCharts.JudgeTiles(step.Label, judge)}<figcaption>The judge's verdict per metric: green pass, red fail, amber inconclusive (inconclusive holds the step for a person).</figcaption></figure>\n");
        Table(
            html,
            ["Metric", "Verdict", "Observed", "Threshold", "p-value", "Effect", "Reason"],
            judge.Metrics.Select(m => Row(Td(m.Metric), TdBadge(m.Outcome), TdNum(Number(m.Observed)), TdNum(Number(m.Threshold)), TdNum(Number(m.PValue)), TdNum(Number(m.Effect)), TdText(m.Reason))),
            "The judge recorded no metric.");
        html.Append($"</section>\n");
    }

    private static void WriteMonitoring(HtmlWriter html, MonitoringSection monitoring)
    {
        OpenSection(html, "monitoring");
        var retention = monitoring.Retention;
        Facts(
            html,
            ("Monitor", T(monitoring.MonitorInstance)),
            ("Monitor state", monitoring.MonitorState is null ? T(null) : Badge(monitoring.MonitorState)),
            ("Revalidation due", Time(monitoring.RevalidationDue)),
            ("Why then", Prose(monitoring.RevalidationBasis)),
            ("Evidence kept", Markup.Of($"{retention.Days} days under the {OrMissing(retention.Tier)} tier, until {Time(retention.Until)}")));

        html.Append($"<h3>Monitoring plan</h3>\n");
        var plan = new List<KeyValuePair<string, string>>();
        if (monitoring.Plan is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element)
        {
            Flatten(element, string.Empty, plan);
        }

        Table(html, ["Setting", "Value"], plan.Select(kv => Row(TdMono(kv.Key), Td(kv.Value))), "No monitoring plan was recorded.");
        CloseSection(html);
    }

    private static void WriteRedactions(HtmlWriter html, IReadOnlyList<RedactionEntry> redactions)
    {
        OpenSection(html, "redactions");
        html.Append($"<p>What redaction removed before the evidence was written: the field and the rule, never the value.</p>\n");
        Table(
            html,
            ["Evidence record", "Field", "Rule"],
            redactions.Select(r => Row(TdNum($"#{r.Sequence}"), TdMono(r.Field), Td(r.Rule))),
            "Nothing was redacted.");
        CloseSection(html);
    }

    private static void WriteEvidence(HtmlWriter html, EvidenceSection evidence)
    {
        OpenSection(html, "evidence");
        Facts(
            html,
            ("Records", T(Count(evidence.Count))),
            ("Head (last record's SHA-256)", MonoOrMissing(evidence.Head)));
        html.Append($"<p class=\"muted\">Each record's SHA-256 covers its bytes; each names its predecessor's, so a change anywhere breaks every link after it. Hashes are shortened here; the full values are in each cell's tooltip and in the manifest.</p>\n");
        Table(
            html,
            ["#", "Step", "Decision", "Actor", "Recorded", "SHA-256", "Previous", "Summary"],
            evidence.Records.Select(r => Row(TdNum($"#{r.Sequence}"), Td(r.Step), TdBadge(r.Decision), Td(r.Actor), TdTime(r.RecordedAt), TdHash(r.Sha256), TdHash(r.PreviousHash), TdText(r.Summary))),
            "The chain holds no record.",
            id: "evidence-table");
        CloseSection(html);
    }

    private static void WriteFooter(HtmlWriter html, AuditManifest manifest, PacketSeal seal)
    {
        html.Append($"""
            <footer>Generated by {manifest.Generator.Name} {manifest.Generator.Version} at {TimeText(manifest.GeneratedAt)} from the evidence of release {manifest.Release.ReleaseId}, run {manifest.Release.RunId}. Manifest schema {manifest.Schema}, SHA-256 <span class="mono">{seal.ManifestSha256}</span>.</footer>
            <script>{new Markup(PacketPage.Checks)}</script>
            </body>
            </html>

            """);
    }

    private static void OpenSection(HtmlWriter html, string id)
    {
        var heading = Sections.Single(s => s.Id == id).Heading;
        html.Append($"<section class=\"chapter\" id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 id=\"{id}-heading\">{heading}</h2>\n");
    }

    private static void CloseSection(HtmlWriter html) => html.Append($"</section>\n");

    /// <summary>Gate or fairness findings: value against threshold, the interval and the sample behind an estimate, the verdict and why.</summary>
    private static void Findings(HtmlWriter html, IReadOnlyList<FindingEntry> findings, string subjectHeading, string sizeHeading, string whenEmpty) =>
        Table(
            html,
            ["Check", subjectHeading, "Value", "Comparison", "Threshold", "Confidence interval", sizeHeading, "Verdict", "Reason"],
            findings.Select(f => Row(
                IsInsufficient(f) ? "insufficient" : null,
                Td(f.Check),
                Td(f.Subject),
                TdNum(Number(f.Value)),
                Markup.Of($"<td class=\"num\" title=\"{f.Comparison}\">{Comparison(f.Comparison)}</td>"),
                TdNum(Number(f.Threshold)),
                TdNum(Interval(f.Interval)),
                TdNum(Count(f.SampleSize)),
                TdBadge(f.Outcome),
                Markup.Of($"<td><span class=\"text\">{f.Reason}</span>{Measures(f.Measures)}</td>"))),
            whenEmpty);

    private static Markup Measures(IReadOnlyDictionary<string, double?> measures) => measures.Count == 0
        ? Markup.Empty
        : Markup.Of($"<div class=\"measures\">{string.Join("; ", measures.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} = {Number(m.Value)}"))}</div>");

    private static void MetricChanges(HtmlWriter html, IReadOnlyList<MetricChange> metrics, string whenEmpty) =>
        Table(
            html,
            ["Metric", "Champion", "Candidate", "Change"],
            metrics.Select(m => Row(Td(m.Name), TdNum(Number(m.Champion)), TdNum(Number(m.Candidate)), TdNum(m.Delta is double delta && delta > 0 ? "+" + Number(delta) : Number(m.Delta)))),
            whenEmpty);

    private static void KeyValues(HtmlWriter html, IReadOnlyDictionary<string, string> values, string keyHeading, string whenEmpty) =>
        Table(html, [keyHeading, "Value"], Sorted(values).Select(kv => Row(Td(kv.Key), TdText(kv.Value))), whenEmpty);

    /// <summary>Dictionaries in key order, so the page does not depend on how the manifest was built or read.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> values) =>
        values.OrderBy(kv => kv.Key, StringComparer.Ordinal);

    /// <summary>A JSON document as path = value lines (<c>drift.threshold = 0.2</c>), in document order.</summary>
    private static void Flatten(JsonElement element, string path, List<KeyValuePair<string, string>> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", into);
                }

                break;
            case JsonValueKind.Array when element.GetArrayLength() == 0:
                into.Add(new(path, "(none)"));
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}[{index++}]", into);
                }

                break;
            case JsonValueKind.String:
                into.Add(new(path, element.GetString() ?? string.Empty));
                break;
            default:
                into.Add(new(path, element.GetRawText()));
                break;
        }
    }

    private static bool IsInsufficient(FindingEntry finding) => Words(finding.Outcome) == "insufficient data";

    private static bool IsRefused(string admission) => ToneOf(admission) is not (Tone.Pass or Tone.Fail);

    private static string? Routes(IReadOnlyList<RouteEntry> routes) =>
        routes.Count == 0 ? null : string.Join(", ", routes.Select(r => $"v{r.Version} {r.Percent}%"));

    private static void Facts(HtmlWriter html, params (string Term, Markup Value)[] facts)
    {
        html.Append($"<dl class=\"facts\">\n");
        foreach (var (term, value) in facts)
        {
            html.Append($"<dt>{term}</dt><dd>{value}</dd>\n");
        }

        html.Append($"</dl>\n");
    }

    private static void Table(HtmlWriter html, string[] headings, IEnumerable<Markup> rows, string whenEmpty, string? id = null)
    {
        var body = rows.ToList();
        if (body.Count == 0 && id is null)
        {
            if (whenEmpty.Length > 0)
            {
                html.Append($"<p class=\"empty\">{whenEmpty}</p>\n");
            }

            return;
        }

        var idAttribute = id is null ? Markup.Empty : Markup.Of($" id=\"{id}\"");
        html.Append($"<table{idAttribute}>\n<thead><tr>{Markup.Join(headings.Select(h => Markup.Of($"<th scope=\"col\">{h}</th>")))}</tr></thead>\n<tbody>\n");
        foreach (var row in body)
        {
            html.Append(row);
        }

        html.Append($"</tbody>\n</table>\n");
        if (body.Count == 0)
        {
            html.Append($"<p class=\"empty\">{whenEmpty}</p>\n");
        }
    }

    private static Markup Row(params Markup[] cells) => Row(null, cells);

    private static Markup Row(string? cssClass, params Markup[] cells) => cssClass is null
        ? Markup.Of($"<tr>{Markup.Join(cells)}</tr>\n")
        : Markup.Of($"<tr class=\"{cssClass}\">{Markup.Join(cells)}</tr>\n");

    private static Markup T(string? text) => Markup.Of($"{OrMissing(text)}");

    private static Markup Prose(string? text) => Markup.Of($"<span class=\"text\">{OrMissing(text)}</span>");

    private static Markup Mono(string text) => Markup.Of($"<span class=\"mono\">{text}</span>");

    private static Markup MonoOrMissing(string? text) => string.IsNullOrWhiteSpace(text) ? T(null) : Mono(text);

    private static Markup Sequence(int? sequence) => sequence is int number ? Markup.Of($"#{number}") : T(null);

    private static Markup Td(string? text) => Markup.Of($"<td>{OrMissing(text)}</td>");

    private static Markup TdText(string? text) => Markup.Of($"<td class=\"text\">{OrMissing(text)}</td>");

    private static Markup TdNum(string text) => Markup.Of($"<td class=\"num\">{text}</td>");

    private static Markup TdMono(string? text) => Markup.Of($"<td class=\"mono\">{OrMissing(text)}</td>");

    /// <summary>A person as their UPN with their directory object id under it: who they said they were and who signed in.</summary>
    private static Markup TdPerson(string upn, string? objectId) =>
        Markup.Of($"<td>{upn}<br><span class=\"mono small\">{OrMissing(objectId)}</span></td>");

    private static Markup TdTime(DateTimeOffset? at) => Markup.Of($"<td class=\"time\">{Time(at)}</td>");

    private static Markup TdBadge(string? verdict, Tone? tone = null) => Markup.Of($"<td>{Badge(verdict, tone)}</td>");

    /// <summary>A hash shortened for the table, the full value in the title (and so in the filter's reach).</summary>
    private static Markup TdHash(string? hash) => string.IsNullOrWhiteSpace(hash)
        ? Markup.Of($"<td class=\"hash\">{Missing}</td>")
        : Markup.Of($"<td class=\"hash\" title=\"{hash}\">{Abbreviate(hash)}</td>");
}
