using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Audit;

/// <summary>
/// <see cref="IPacketPdfRenderer"/> by headless Chromium's print to PDF: the page goes to a scratch folder, Chromium
/// prints it (A4, as the page's print style asks, without the browser's header and footer), the folder is deleted.
/// </summary>
public sealed class ChromiumPdfRenderer(IOptions<PacketOptions> options, ILogger<ChromiumPdfRenderer> logger) : IPacketPdfRenderer
{
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    public async Task<byte[]?> RenderAsync(string html, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(html);
        var settings = options.Value;
        var chromium = HeadlessChromium.Locate(settings.ChromiumPath);
        if (chromium.Executable is null)
        {
            Log.PdfRendererUnavailable(logger, chromium.Explanation);
            return null;
        }

        var scratch = Directory.CreateTempSubdirectory("mlopsflows-packet-");
        try
        {
            var page = Path.Combine(scratch.FullName, "packet.html");
            var pdf = Path.Combine(scratch.FullName, "packet.pdf");
            await File.WriteAllTextAsync(page, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);

            ChromiumRun run;
            try
            {
                run = await HeadlessChromium.RunAsync(
                    chromium.Executable, ["--no-pdf-header-footer", $"--print-to-pdf={pdf}", new Uri(page).AbsoluteUri], settings.PdfTimeout, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                Log.PdfTimedOut(logger, chromium.Executable, settings.PdfTimeout);
                throw new TransientDependencyException(e.Message, e);
            }

            var bytes = File.Exists(pdf) ? await File.ReadAllBytesAsync(pdf, cancellationToken).ConfigureAwait(false) : [];
            if (!bytes.AsSpan().StartsWith(PdfMagic))
            {
                throw new InvalidOperationException(
                    $"Chromium ({chromium.Executable}) exited with code {run.ExitCode} without writing a PDF "
                    + $"({(bytes.Length == 0 ? "no file" : $"{bytes.Length} bytes that are not one")}). Its last output: {run.ErrorTail}");
            }

            Log.PdfRendered(logger, chromium.Executable, bytes.Length, run.Elapsed.TotalMilliseconds);
            return bytes;
        }
        finally
        {
            if (!HeadlessChromium.DeleteQuietly(scratch))
            {
                Log.ScratchLeft(logger, scratch.FullName);
            }
        }
    }
}
