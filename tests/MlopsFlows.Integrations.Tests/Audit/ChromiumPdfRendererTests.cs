using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Tests.Audit;
using MlopsFlows.Integrations.Audit;
using MlopsFlows.Integrations.Tests.Storage;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Audit;

public sealed class ChromiumPdfRendererTests : IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("mlopsflows-pdf-test-");
    private readonly CapturingLoggerProvider logs = new();

    public void Dispose()
    {
        scratch.Delete(recursive: true);
        logs.Dispose();
    }

    [ChromiumFact]
    public async Task RenderAsync_PromotedPacket_PrintsAnA4PdfWithAPagePerSection()
    {
        var manifest = SampleManifests.Promoted();

        var pdf = await Renderer(new PacketOptions()).RenderAsync(PacketHtml.Render(manifest, SampleManifests.Seal(manifest)), CancellationToken.None);

        Assert.NotNull(pdf);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.InRange(pdf.Length, 20_000, 5_000_000);
        var text = Encoding.Latin1.GetString(pdf);
        var pages = Regex.Count(text, @"/Type\s*/Page[^s]");
        Assert.InRange(pages, PacketHtml.SectionIds.Count + 1, 40);
        Assert.All(Regex.Matches(text, @"/MediaBox\s*\[\s*0\s+0\s+(?<w>[0-9.]+)\s+(?<h>[0-9.]+)\s*\]"), box =>
        {
            // A4 is 595 × 842 points.
            Assert.Equal(595, double.Parse(box.Groups["w"].Value, CultureInfo.InvariantCulture), 0);
            Assert.Equal(842, double.Parse(box.Groups["h"].Value, CultureInfo.InvariantCulture), 0);
        });
        Assert.Contains(logs.Entries, e => e.EventId.Id == 2902 && e.Message.Contains($"{pdf.Length} bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RenderAsync_ConfiguredChromiumMissing_ReturnsNullAndSaysWhy()
    {
        var missing = Path.Combine(scratch.FullName, "no-such-chromium");

        var pdf = await Renderer(new PacketOptions { ChromiumPath = missing }).RenderAsync("<!DOCTYPE html><p>x</p>", CancellationToken.None);

        Assert.Null(pdf);
        var warning = Assert.Single(logs.Entries, e => e.EventId.Id == 2901);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(missing, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_AnyChromium_RunsItIsolatedOnTheWrittenPageAndCleansUp()
    {
        const string html = "<!DOCTYPE html><title>packet</title><p>Ünïcode & more</p>";
        var arguments = Path.Combine(scratch.FullName, "arguments.txt");
        var page = Path.Combine(scratch.FullName, "page-copy.html");
        var chromium = FakeChromium($$"""
            printf '%s\n' "$@" > '{{arguments}}'
            for a; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; file://*) cp "${a#file://}" '{{page}}';; esac; done
            printf '%s' '%PDF-1.4 fake' > "$out"
            """);

        var pdf = await Renderer(new PacketOptions { ChromiumPath = chromium }).RenderAsync(html, CancellationToken.None);

        Assert.Equal("%PDF-1.4 fake", Encoding.ASCII.GetString(pdf!));
        Assert.Equal(html, await File.ReadAllTextAsync(page));
        var passed = await File.ReadAllLinesAsync(arguments);
        Assert.Equal(
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            passed[..8]);
        Assert.StartsWith("--user-data-dir=", passed[8], StringComparison.Ordinal);
        Assert.Equal("--no-pdf-header-footer", passed[9]);
        Assert.Matches("^--print-to-pdf=/.+/packet\\.pdf$", passed[10]);
        Assert.Matches("^file:///.+/packet\\.html$", passed[11]);
        Assert.Equal(12, passed.Length);
        Assert.False(Directory.Exists(passed[8]["--user-data-dir=".Length..]), "the browser profile is deleted");
        Assert.False(Directory.Exists(Path.GetDirectoryName(passed[10]["--print-to-pdf=".Length..])), "the page's scratch folder is deleted");
    }

    [Theory]
    [InlineData("exit 3", "exited with code 3 without writing a PDF (no file)")]
    [InlineData("for a; do case \"$a\" in --print-to-pdf=*) printf '<html>' > \"${a#--print-to-pdf=}\";; esac; done", "exited with code 0 without writing a PDF (6 bytes that are not one)")]
    public async Task RenderAsync_ChromiumWritesNoPdf_FailsWithItsExitCodeAndOutput(string script, string expected)
    {
        var chromium = FakeChromium($"echo 'something went wrong' >&2\n{script}\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Renderer(new PacketOptions { ChromiumPath = chromium }).RenderAsync("<p>x</p>", CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("something went wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_ChromiumHangs_IsKilledAtTheTimeoutAndReportedAsTransient()
    {
        var pidFile = Path.Combine(scratch.FullName, "pid");
        var chromium = FakeChromium($"echo $$ > '{pidFile}'\nexec sleep 120\n");

        var error = await Assert.ThrowsAsync<TransientDependencyException>(
            () => Renderer(new PacketOptions { ChromiumPath = chromium, PdfTimeout = TimeSpan.FromSeconds(1) }).RenderAsync("<p>x</p>", CancellationToken.None));

        Assert.Contains("did not finish within 1 s", error.Message, StringComparison.Ordinal);
        var pid = (await File.ReadAllTextAsync(pidFile)).Trim();
        await Eventually.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(10), $"the hung process {pid} is gone");
        Assert.Single(logs.Entries, e => e.EventId.Id == 2903);
    }

    private ChromiumPdfRenderer Renderer(PacketOptions options) =>
        new(Options.Create(options), new LoggerFactory([logs]).CreateLogger<ChromiumPdfRenderer>());

    /// <summary>A shell script standing in for Chromium, to see what the renderer asks of it and how it copes.</summary>
    private string FakeChromium(string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The stand-in Chromium is a shell script.");
        }

        var path = Path.Combine(scratch.FullName, "fake-chromium");
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
