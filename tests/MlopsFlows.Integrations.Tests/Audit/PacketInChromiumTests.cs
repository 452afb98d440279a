using System.Text;
using System.Text.RegularExpressions;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Tests.Audit;
using MlopsFlows.Integrations.Audit;

namespace MlopsFlows.Integrations.Tests.Audit;

/// <summary>The packet page opened in a real browser: its scripts run under its own content security policy, without errors.</summary>
public sealed class PacketInChromiumTests
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(60);

    [ChromiumTheory]
    [MemberData(nameof(SampleManifests.Names), MemberType = typeof(SampleManifests))]
    public async Task Packet_OpenedInChromium_ChecksEverySectionWithoutScriptErrorsAndShowsTheDecisions(string sample)
    {
        var manifest = SampleManifests.ByName(sample);

        var dom = await DumpDomAsync(PacketHtml.Render(manifest, SampleManifests.Seal(manifest)));

        var root = Regex.Match(dom, "<html[^>]*>").Value;
        Assert.Contains("data-rendered=\"ok\"", root, StringComparison.Ordinal);
        Assert.DoesNotContain("data-script-errors", root, StringComparison.Ordinal);
        Assert.Contains("<input type=\"search\" class=\"filter no-print\"", dom, StringComparison.Ordinal);
        Assert.All(manifest.Approvals.Approvers, a => Assert.Contains(a.Upn, dom, StringComparison.Ordinal));
        Assert.All(manifest.Approvals.Votes, v => Assert.Contains(v.Upn, dom, StringComparison.Ordinal));
        foreach (var step in manifest.Deployment.Steps)
        {
            Assert.All(step.Watches, w => Assert.Contains($"title=\"{w.Verdict}\">{w.Verdict.ToLowerInvariant()}</span>", dom, StringComparison.Ordinal));
            Assert.All(step.Judge?.Metrics ?? [], m => Assert.Contains($">{m.Outcome.ToLowerInvariant()} · observed ", dom, StringComparison.Ordinal));
        }

        Assert.Contains($"title=\"{manifest.Deployment.Decision.Outcome}\">", dom, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Packet_WithASectionMissing_IsNotMarkedRendered()
    {
        var manifest = SampleManifests.Promoted();
        var html = PacketHtml.Render(manifest, SampleManifests.Seal(manifest)).Replace("id=\"fairness\"", "id=\"fairness-elsewhere\"", StringComparison.Ordinal);

        var dom = await DumpDomAsync(html);

        Assert.Contains("data-rendered=\"missing:fairness\"", Regex.Match(dom, "<html[^>]*>").Value, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Packet_ScriptThatFails_IsRecordedOnTheRootElement()
    {
        // Without the policy a test script can run after the page's own: it throws, and the page's recorder writes it down.
        var manifest = SampleManifests.Promoted();
        var html = Regex.Replace(PacketHtml.Render(manifest, SampleManifests.Seal(manifest)), "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", string.Empty)
            .Replace("</body>", "<script>null.packetTest();</script></body>", StringComparison.Ordinal);

        var dom = await DumpDomAsync(html);

        Assert.Matches("data-script-errors=\"[^\"]*TypeError[^\"]*\"", Regex.Match(dom, "<html[^>]*>").Value);
    }

    /// <summary>The page as Chromium holds it once loaded (scripts run), from a scratch file deleted after.</summary>
    private static async Task<string> DumpDomAsync(string html)
    {
        var scratch = Directory.CreateTempSubdirectory("mlopsflows-packet-test-");
        try
        {
            var page = Path.Combine(scratch.FullName, "packet.html");
            await File.WriteAllTextAsync(page, html, new UTF8Encoding(false));
            var run = await HeadlessChromium.RunAsync(InstalledChromium.Executable, ["--dump-dom", new Uri(page).AbsoluteUri], BrowserTimeout, CancellationToken.None);
            Assert.True(run.ExitCode == 0, $"Chromium exited with {run.ExitCode}: {run.ErrorTail}");
            return run.Output;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
