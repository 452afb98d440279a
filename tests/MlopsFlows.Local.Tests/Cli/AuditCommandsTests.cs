using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests.Cli;

/// <summary>
/// <c>mlopsflows packet</c>, <c>review</c> and <c>verify --packet</c> as separate processes: the packet downloaded from a
/// running host and written beside its HTML, then checked offline, intact and tampered with.
/// </summary>
[Collection(MonitoringHostCollection.Name)]
public sealed class AuditCommandsTests(MonitoringHostFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mlopsflows-packets-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Packet_ThenVerifyOffline_IntactPasses_TamperedAndForeignKeyFail()
    {
        var releaseId = await SeedChainAsync();

        var (packetCode, packetOutput) = await HostProcess.RunAsync("packet", releaseId, "--out", folder, "--api", fixture.ApiUrl);
        output.WriteLine(packetOutput);
        Assert.True(packetCode == 0, packetOutput);
        var zip = Assert.Single(Directory.GetFiles(folder, "*.packet.zip"));
        Assert.True(File.Exists(Path.ChangeExtension(zip, ".html")));
        Assert.Contains($"OK   {zip}: {releaseId}", packetOutput, StringComparison.Ordinal);

        var (intactCode, intact) = await HostProcess.RunAsync("verify", "--packet", zip);
        Assert.True(intactCode == 0, intact);
        Assert.Contains("3 records, every hash and link intact; every section follows from the records", intact, StringComparison.Ordinal);
        Assert.Contains("not pinned", intact, StringComparison.Ordinal);

        var (foreignCode, foreign) = await HostProcess.RunAsync("verify", "--packet", zip, "--key", new string('0', 64));
        Assert.Equal(1, foreignCode);
        Assert.Contains("not by the trusted key", foreign, StringComparison.Ordinal);

        var tampered = Path.Combine(folder, "tampered.zip");
        File.WriteAllBytes(tampered, ChangeRecord(File.ReadAllBytes(zip), 2));
        var (tamperedCode, broken) = await HostProcess.RunAsync("verify", "--packet", tampered);
        Assert.Equal(1, tamperedCode);
        Assert.Contains("first broken record is #2", broken, StringComparison.Ordinal);
        Assert.Contains("record 2 does not match its hash", broken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_Period_ExitsZeroAndWritesTheIndex()
    {
        var (code, text) = await HostProcess.RunAsync(
            "review", "--from", DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), "--to", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd"),
            "--out", folder, "--api", fixture.ApiUrl);
        output.WriteLine(text);

        Assert.True(code == 0, text);
        Assert.Contains("0 not verified", text, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(folder, "*.index.html"));
    }

    [Theory]
    [InlineData("verify", "--packet")]
    [InlineData("verify", "--packet", "a.zip", "extra")]
    [InlineData("packet")]
    [InlineData("review", "--from", "2026-07-01")]
    public async Task AuditVerbs_BadUsage_ExitTwoWithTheUsageLine(params string[] args)
    {
        var (code, text) = await HostProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("Usage: mlopsflows", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPacket_NoSuchFile_ExitsOne()
    {
        var (code, text) = await HostProcess.RunAsync("verify", "--packet", Path.Combine(folder, "absent.zip"));

        Assert.Equal(1, code);
        Assert.Contains("no such file", text, StringComparison.Ordinal);
    }

    /// <summary>A short chain written straight into the host's evidence store: policy, gate, outcome.</summary>
    private async Task<string> SeedChainAsync()
    {
        var releaseId = $"release:main.cli.packet{Guid.NewGuid().ToString("N")[..6]}:3:prod";
        var store = fixture.Host.App.Services.GetRequiredService<IEvidenceStore>();
        string? previous = null;
        (string Step, string Decision, object Data)[] steps =
        [
            ("policy", "resolved", new { tier = "medium", requestedBy = "job:train" }),
            ("gate", "pass", new { report = new { gate = "metrics", outcome = "Pass", findings = Array.Empty<object>() } }),
            ("outcome", "gatefailed", new { stage = "GateFailed" }),
        ];
        for (var i = 0; i < steps.Length; i++)
        {
            previous = await store.AppendAsync(
                new EvidenceRecord
                {
                    ReleaseId = releaseId,
                    RunId = "20261126T120000Z-0c0d0e0f",
                    Sequence = i + 1,
                    Step = steps[i].Step,
                    RecordedAt = new DateTimeOffset(2026, 11, 26, 12, i, 0, TimeSpan.Zero),
                    Actor = "system",
                    Decision = steps[i].Decision,
                    Summary = steps[i].Step,
                    Policy = new PolicyStamp("cli", "1", new string('d', 64)),
                    Data = JsonSerializer.SerializeToElement(steps[i].Data),
                    PreviousHash = previous,
                },
                CancellationToken.None);
        }

        return releaseId;
    }

    private static byte[] ChangeRecord(byte[] packet, int sequence)
    {
        var name = $"records/{sequence:D6}.json";
        using var source = new ZipArchive(new MemoryStream(packet));
        using var target = new MemoryStream();
        using (var copy = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var reader = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(reader);
                }

                var content = reader.ToArray();
                if (entry.FullName == name)
                {
                    content = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace("\"pass\"", "\"fail\"", StringComparison.Ordinal));
                }

                using var written = copy.CreateEntry(entry.FullName).Open();
                written.Write(content);
            }
        }

        return target.ToArray();
    }
}
