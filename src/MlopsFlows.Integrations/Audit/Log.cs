using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Audit;

// Event ids 2900-2949.
internal static partial class Log
{
    [LoggerMessage(EventId = 2901, Level = LogLevel.Warning, Message = "The audit packet gets no PDF: {Reason}")]
    public static partial void PdfRendererUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2902, Level = LogLevel.Information, Message = "Printed the audit packet to PDF with {Chromium}: {Bytes} bytes in {ElapsedMs:0} ms")]
    public static partial void PdfRendered(ILogger logger, string chromium, int bytes, double elapsedMs);

    [LoggerMessage(EventId = 2903, Level = LogLevel.Warning, Message = "Chromium ({Chromium}) did not print the audit packet within {Timeout}; it was stopped")]
    public static partial void PdfTimedOut(ILogger logger, string chromium, TimeSpan timeout);

    [LoggerMessage(EventId = 2904, Level = LogLevel.Debug, Message = "Could not delete the scratch folder {Folder}; the system's temp cleaner will")]
    public static partial void ScratchLeft(ILogger logger, string folder);
}
