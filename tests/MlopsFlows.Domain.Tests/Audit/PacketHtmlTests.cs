using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MlopsFlows.Domain.Audit;

namespace MlopsFlows.Domain.Tests.Audit;

public class PacketHtmlTests
{
    private static readonly string[] ChecklistOrder = ["inventory", "lineage", "validation", "fairness", "approvals", "deployment", "monitoring", "redactions", "evidence"];

    [Theory]
    [MemberData(nameof(SampleManifests.Names), MemberType = typeof(SampleManifests))]
    public void Render_EverySample_HasEverySectionOnceInChecklistOrder(string sample)
    {
        var html = Render(SampleManifests.ByName(sample));

        Assert.Equal(ChecklistOrder, PacketHtml.SectionIds);
        var positions = ChecklistOrder.Select(id => html.IndexOf($"<section class=\"chapter\" id=\"{id}\"", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.All(ChecklistOrder, id => Assert.Single(Regex.Matches(html, $"id=\"{id}\"")));
        Assert.All(ChecklistOrder, id => Assert.Contains($"<a href=\"#{id}\">", html, StringComparison.Ordinal));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Summary_NamesTheReleaseThePolicyAndTheSeal()
    {
        var manifest = SampleManifests.Promoted();
        var seal = SampleManifests.Seal(manifest);

        var summary = Between(PacketHtml.Render(manifest, seal), "<header class=\"summary\"", "</header>");

        Assert.Contains("main.credit.scorer v12 → prod</h1>", summary, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge tone-pass outcome\" title=\"Promoted\">promoted</span>", summary, StringComparison.Ordinal);
        Assert.Contains("<strong>high</strong> (requested medium)", summary, StringComparison.Ordinal);
        Assert.Contains($"credit-policy version 3, content hash <span class=\"mono\">{new string('c', 64)}</span>", summary, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"mono\">{seal.ManifestSha256}</span>", summary, StringComparison.Ordinal);
        Assert.Contains("ES256, key local:packet-signing/1", summary, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"mono\">{seal.KeyFingerprint}</span>", summary, StringComparison.Ordinal);
        Assert.Contains("<code>mlopsflows verify --packet &lt;file&gt;</code>", summary, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-11-20T13:00:00Z\">2026-11-20 13:00:00 UTC</time> by MlopsFlows 1.6.0", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Promoted_ShowsRequiredAndActualApproversAndEveryVote()
    {
        var manifest = SampleManifests.Promoted();
        var approvals = Section(Render(manifest), "approvals");

        Assert.Contains(SampleManifests.Validator, approvals, StringComparison.Ordinal);
        Assert.Contains(SampleManifests.RiskOfficer, approvals, StringComparison.Ordinal);
        var seats = Between(approvals, "<h3>Required and actual</h3>", "<h3>Approvers</h3>");
        Assert.Contains("<td>model-validator</td><td class=\"num\">1</td><td class=\"num\">1</td><td><span class=\"badge tone-pass\" title=\"yes\">yes</span></td>", seats, StringComparison.Ordinal);
        Assert.Contains("<td>risk-officer</td><td class=\"num\">1</td><td class=\"num\">1</td><td><span class=\"badge tone-pass\" title=\"yes\">yes</span></td>", seats, StringComparison.Ordinal);
        var refused = Assert.Single(Regex.Matches(approvals, "<tr class=\"refused\">.*?</tr>")).Value;
        Assert.Contains(SampleManifests.Requester, refused, StringComparison.Ordinal);
        Assert.Contains(">self approval</span><br><span class=\"muted\">refused</span>", refused, StringComparison.Ordinal);
        Assert.Contains("the requester may not approve their own release", refused, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(approvals, "title=\"Counted\">counted</span>"));
        Assert.All(manifest.Approvals.Approvers, a => Assert.Contains($"<td>{a.Upn}<br><span class=\"mono small\">{a.ObjectId}</span></td>", approvals, StringComparison.Ordinal));
        Assert.Contains("Within appetite; revalidate in 6 months.", approvals, StringComparison.Ordinal);
        Assert.Contains("<p class=\"empty\">The approval did not escalate.</p>", approvals, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Promoted_DrawsTheWatchChartsWithTheSloLineAndTheJudgeTilesForEachJudgedStep()
    {
        var manifest = SampleManifests.Promoted();
        var deployment = Section(Render(manifest), "deployment");

        var steps = Regex.Matches(deployment, "<section class=\"step\".*?</section>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.Equal(manifest.Deployment.Steps.Count(s => s.Judge is not null), steps.Count);
        foreach (var (step, entry) in steps.Zip(manifest.Deployment.Steps))
        {
            var charts = Regex.Matches(step, "<svg class=\"chart watch-chart\" data-metric=\"(?<metric>[^\"]+)\".*?</svg>", RegexOptions.Singleline);
            Assert.Equal(["p95-latency", "error-rate"], charts.Select(c => c.Groups["metric"].Value));
            Assert.All(charts, c => Assert.Single(Regex.Matches(c.Value, "<line class=\"slo-line\"")));
            Assert.Contains(">SLO 250 ms</text>", charts[0].Value, StringComparison.Ordinal);
            Assert.Contains(">SLO 1%</text>", charts[1].Value, StringComparison.Ordinal);
            Assert.Equal(entry.Watches.Count, Regex.Count(charts[0].Value, "<rect class=\"bar tone-pass\""));
            Assert.Equal(entry.Watches.Count, Regex.Count(charts[0].Value, "class=\"verdict-word tone-pass\"[^>]*>met</text>"));

            var tiles = Regex.Match(step, "<svg class=\"chart judge-tiles\".*?</svg>", RegexOptions.Singleline).Value;
            Assert.All(entry.Judge!.Metrics, m => Assert.Contains($">{m.Metric}</text>", tiles, StringComparison.Ordinal));
            Assert.Equal(entry.Judge.Metrics.Count, Regex.Count(tiles, ">pass · observed "));
        }

        Assert.Contains("aria-label=\"Candidate traffic per step: 10% 10%, 50% 50%, after: promote 100%\"", deployment, StringComparison.Ordinal);
        Assert.Contains("<dt>Decided by</dt><dd>system (canary judge)</dd>", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RolledBackOnSlo_DrawsTheBreachingBarRedAboveTheSloLine()
    {
        var deployment = Section(Render(SampleManifests.RolledBackOnSlo()), "deployment");

        var latency = Regex.Match(deployment, "<svg class=\"chart watch-chart\" data-metric=\"p95-latency\".*?</svg>", RegexOptions.Singleline).Value;
        var sloY = Coordinate(latency, "<line class=\"slo-line\"[^>]*y1=\"(?<v>[0-9.]+)\"");
        var within = Regex.Match(latency, "<rect class=\"bar (?<tone>[a-z-]+)\"[^>]*y=\"(?<v>[0-9.]+)\"[^>]*><title>Watch #8: 231 ms \\(met\\)</title>");
        var breach = Regex.Match(latency, "<rect class=\"bar (?<tone>[a-z-]+)\"[^>]*y=\"(?<v>[0-9.]+)\"[^>]*><title>Watch #9: 412.6 ms \\(breached\\)</title>");
        Assert.True(within.Success && breach.Success, latency);
        Assert.Equal("tone-pass", within.Groups["tone"].Value);
        Assert.Equal("tone-fail", breach.Groups["tone"].Value);
        Assert.True(double.Parse(within.Groups["v"].Value, CultureInfo.InvariantCulture) > sloY, "a bar within the SLO starts below its line");
        Assert.True(double.Parse(breach.Groups["v"].Value, CultureInfo.InvariantCulture) < sloY, "a breaching bar rises above the SLO line");
        Assert.Contains("class=\"verdict-word tone-fail\" x=\"160\" y=\"190\" text-anchor=\"middle\">breached</text>", latency, StringComparison.Ordinal);
        Assert.Contains("Not judged: the step ended before the judge", deployment, StringComparison.Ordinal);
        Assert.Contains("after: roll back 0%", deployment, StringComparison.Ordinal);
        Assert.Contains("<dt>Rolled back to</dt><dd>v11</dd>", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RejectedAtApproval_ShowsTheRejectionAndNoDeployment()
    {
        var html = Render(SampleManifests.RejectedAtApproval());

        var approvals = Section(html, "approvals");
        Assert.Contains("<span class=\"badge tone-fail\" title=\"Rejected\">rejected</span>", approvals, StringComparison.Ordinal);
        Assert.Contains("Fairness evidence for applicants over 70 is too thin.", approvals, StringComparison.Ordinal);
        Assert.Contains("<td><span class=\"badge tone-fail\" title=\"reject\">reject</span></td>", approvals, StringComparison.Ordinal);
        var deployment = Section(html, "deployment");
        Assert.Contains("No traffic moved: the release ended before deployment.", deployment, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", deployment, StringComparison.Ordinal);
        Assert.Contains("No change log against a champion was recorded.", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ExpiredApproval_SaysNobodyApprovedAndShowsTheEscalation()
    {
        var approvals = Section(Render(SampleManifests.ExpiredApproval()), "approvals");

        Assert.Contains("title=\"Expired\">expired</span>", approvals, StringComparison.Ordinal);
        Assert.Contains("No approver filled a seat.", approvals, StringComparison.Ordinal);
        Assert.Contains("No vote was cast.", approvals, StringComparison.Ordinal);
        Assert.Contains("<td>ml-governance-lead</td><td>lead@contoso.com</td>", approvals, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(approvals, "title=\"no\">no</span>"));
    }

    [Fact]
    public void Render_Cancelled_ShowsTheStopAndEveryAbsentPartAsAbsent()
    {
        var html = Render(SampleManifests.Cancelled());

        Assert.Contains(SampleManifests.Operator, Section(html, "approvals"), StringComparison.Ordinal);
        Assert.Contains("Upstream feature store incident; stop this release.", html, StringComparison.Ordinal);
        Assert.Contains("No lineage was recorded for this version", Section(html, "lineage"), StringComparison.Ordinal);
        Assert.Contains("No data source was recorded.", Section(html, "lineage"), StringComparison.Ordinal);
        Assert.Contains("No monitoring plan was recorded.", Section(html, "monitoring"), StringComparison.Ordinal);
        Assert.Contains("Nothing was redacted.", Section(html, "redactions"), StringComparison.Ordinal);
        Assert.Contains("title=\"Cancelled\">cancelled</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Findings_ShowValueComparisonThresholdIntervalAndSampleSize()
    {
        var validation = Section(Render(SampleManifests.Promoted()), "validation");

        Assert.Contains(
            "<td>auc</td><td>candidate</td><td class=\"num\">0.8412</td><td class=\"num\" title=\"AtLeast\">≥</td><td class=\"num\">0.8</td><td class=\"num\">[0.8361, 0.8463] @ 95% (hanley-mcneil)</td><td class=\"num\">48,210</td><td><span class=\"badge tone-pass\" title=\"Pass\">pass</span></td>",
            validation,
            StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\" title=\"AtMost\">≤</td>", validation, StringComparison.Ordinal);
        Assert.Contains("<div class=\"measures\">champion = 0.8305</div>", validation, StringComparison.Ordinal);
        Assert.Contains("<td>auc</td><td class=\"num\">0.8305</td><td class=\"num\">0.8412</td><td class=\"num\">+0.0107</td>", validation, StringComparison.Ordinal);
        Assert.Contains("<dt>dataset</dt><dd>holdout-2025q3.parquet</dd>", validation, StringComparison.Ordinal);
        Assert.Contains("2 gates: 2 passed, 0 failed, 0 without enough data to decide.", validation, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Fairness_FlagsGroupsWithInsufficientData()
    {
        var fairness = Section(Render(SampleManifests.Promoted()), "fairness");

        var flagged = Assert.Single(Regex.Matches(fairness, "<tr class=\"insufficient\">.*?</tr>")).Value;
        Assert.Contains("<td>age_band=70+</td>", flagged, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">38</td>", flagged, StringComparison.Ordinal);
        Assert.Contains(">insufficient data</span>", flagged, StringComparison.Ordinal);
        Assert.Contains("1 finding had too little data to judge (age_band=70+); insufficient data never counts as a pass.", fairness, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">[0.86, 0.96] @ 95% (katz-log)</td><td class=\"num\">5,210</td>", fairness, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Monitoring_ShowsThePlanRevalidationAndRetention()
    {
        var monitoring = Section(Render(SampleManifests.Promoted()), "monitoring");

        Assert.Contains("<td class=\"mono\">drift.interval</td><td>1h</td>", monitoring, StringComparison.Ordinal);
        Assert.Contains("<td class=\"mono\">drift.features[1]</td><td>debt_ratio</td>", monitoring, StringComparison.Ordinal);
        Assert.Contains("<td class=\"mono\">slo.p95_latency_ms</td><td>250</td>", monitoring, StringComparison.Ordinal);
        Assert.Contains("<dt>Revalidation due</dt><dd><time datetime=\"2027-05-19T09:00:00Z\">", monitoring, StringComparison.Ordinal);
        Assert.Contains("2555 days under the high tier, until <time datetime=\"2033-11-18T12:00:00Z\">", monitoring, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EvidenceChain_AbbreviatesHashesWithTheFullValueInTheTitle()
    {
        var manifest = SampleManifests.Promoted();
        var evidence = Section(Render(manifest), "evidence");

        Assert.Contains("<table id=\"evidence-table\">", evidence, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"mono\">{manifest.Evidence.Head}</span>", evidence, StringComparison.Ordinal);
        foreach (var record in manifest.Evidence.Records)
        {
            Assert.Contains($"<td class=\"hash\" title=\"{record.Sha256}\">{record.Sha256[..12]}…</td>", evidence, StringComparison.Ordinal);
        }

        Assert.Contains("<td class=\"num\">#1</td><td>request</td><td><span class=\"badge tone-pass\" title=\"pass\">pass</span></td><td>system</td>", evidence, StringComparison.Ordinal);
        Assert.Equal(manifest.Evidence.Count, Regex.Count(evidence, "<tr><td class=\"num\">#"));
        Assert.Contains("<td class=\"hash\">—</td>", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ScriptInUserText_ComesOutInert()
    {
        const string attack = "</td><script>alert(\"pwned\")</script><img src=x onerror=alert(1)> & 'quoted'";
        var manifest = SampleManifests.Promoted();
        manifest = manifest with
        {
            Release = manifest.Release with { Reason = attack },
            Approvals = manifest.Approvals with { Approvers = [.. manifest.Approvals.Approvers.Select(a => a with { Rationale = attack })] },
            Inventory = manifest.Inventory with { ModelCard = new Dictionary<string, string> { [attack] = attack } },
            Evidence = manifest.Evidence with { Records = [.. manifest.Evidence.Records.Select(r => r with { PreviousHash = "\" onmouseover=\"alert(1)" })] },
        };

        var html = Render(manifest);

        Assert.Equal(2, Regex.Count(html, "<script", RegexOptions.IgnoreCase));
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Tags(html), tag => Regex.IsMatch(WithoutValues(tag), @"\son[a-z]+\s*=", RegexOptions.IgnoreCase));
        Assert.Contains("&lt;/td&gt;&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quoted&#39;", Section(html, "approvals"), StringComparison.Ordinal);
        Assert.Contains("title=\"&quot; onmouseover=&quot;alert(1)\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SampleManifests.Names), MemberType = typeof(SampleManifests))]
    public void Render_SameManifest_SameBytesWhateverTheDictionaryOrder(string sample)
    {
        var manifest = SampleManifests.ByName(sample);
        var reordered = manifest with
        {
            Inventory = manifest.Inventory with { ModelCard = manifest.Inventory.ModelCard.Reverse().ToDictionary() },
            Lineage = manifest.Lineage with { Hyperparameters = manifest.Lineage.Hyperparameters.Reverse().ToDictionary() },
        };
        var seal = SampleManifests.Seal(manifest);

        var first = PacketHtml.Render(manifest, seal);

        Assert.Equal(first, PacketHtml.Render(manifest, seal));
        Assert.Equal(first, PacketHtml.Render(reordered, seal));
    }

    [Theory]
    [MemberData(nameof(SampleManifests.Names), MemberType = typeof(SampleManifests))]
    public void Render_AnySample_LoadsNothingFromElsewhere(string sample)
    {
        var html = Render(SampleManifests.ByName(sample));

        var references = Regex.Matches(html, @"\s(?:src|href)\s*=\s*""(?<v>[^""]*)""", RegexOptions.IgnoreCase).Select(m => m.Groups["v"].Value).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(r.StartsWith('#') || r.StartsWith("data:", StringComparison.Ordinal), r));
        Assert.DoesNotContain(Tags(html).SelectMany(AttributeValues), value => value.Contains("http", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<(?:link|iframe|object|embed|img|base)[\\s>]", html);
        Assert.Contains("default-src &#39;none&#39;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ContentSecurityPolicy_AllowsExactlyTheInlineStyleAndScripts()
    {
        var html = Render(SampleManifests.Promoted());

        var policy = Regex.Match(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"(?<v>[^\"]+)\">").Groups["v"].Value.Replace("&#39;", "'", StringComparison.Ordinal);
        var inline = Regex.Matches(html, "<(?<tag>style|script)>(?<body>.*?)</\\k<tag>>", RegexOptions.Singleline).ToList();
        Assert.Equal(["style", "script", "script"], inline.Select(m => m.Groups["tag"].Value));
        string Hash(int index) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline[index].Groups["body"].Value))) + "'";
        Assert.Equal([Hash(0)], Directive(policy, "style-src"));
        Assert.Equal([Hash(1), Hash(2)], Directive(policy, "script-src"));
        Assert.Equal(["'none'"], Directive(policy, "default-src"));
    }

    [Fact]
    public void Render_PrintStyles_A4WithASectionPerPageAndNoControls()
    {
        var html = Render(SampleManifests.Promoted());

        var print = html[html.IndexOf("@media print{", StringComparison.Ordinal)..html.IndexOf("</style>", StringComparison.Ordinal)];
        Assert.Contains("@page{size:A4;", html, StringComparison.Ordinal);
        Assert.Contains("section.chapter{break-before:page}", print, StringComparison.Ordinal);
        Assert.Contains(".no-print,input{display:none!important}", print, StringComparison.Ordinal);
        Assert.Contains("#evidence-table tr[hidden]{display:table-row!important}", print, StringComparison.Ordinal);
        Assert.Contains("thead{display:table-header-group}", print, StringComparison.Ordinal);
    }

    private static string Render(AuditManifest manifest) => PacketHtml.Render(manifest, SampleManifests.Seal(manifest));

    /// <summary>One checklist section, up to the next one (steps nest their own sections inside).</summary>
    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section class=\"chapter\" id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        var next = html.IndexOf("<section class=\"chapter\"", start + 1, StringComparison.Ordinal);
        return html[start..(next < 0 ? html.IndexOf("</main>", StringComparison.Ordinal) : next)];
    }

    private static string Between(string html, string from, string to)
    {
        var start = html.IndexOf(from, StringComparison.Ordinal);
        return html[start..html.IndexOf(to, start, StringComparison.Ordinal)];
    }

    private static IEnumerable<string> Tags(string html) => Regex.Matches(html, "<[a-zA-Z][^>]*>").Select(m => m.Value);

    private static string[] Directive(string policy, string name) =>
        policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1..];

    /// <summary>A tag with its quoted attribute values emptied: what is left are names, which is where a handler would be.</summary>
    private static string WithoutValues(string tag) => Regex.Replace(tag, "\"[^\"]*\"", "\"\"");

    private static IEnumerable<string> AttributeValues(string tag) => Regex.Matches(tag, "=\"(?<v>[^\"]*)\"").Select(m => m.Groups["v"].Value);

    private static double Coordinate(string svg, string pattern) =>
        double.Parse(Regex.Match(svg, pattern).Groups["v"].Value, CultureInfo.InvariantCulture);
}
