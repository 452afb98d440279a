using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Storage;

// Event ids 2200-2299. Never log a connection string.
internal static partial class Log
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Evidence storage ready: container {Container}, table {Table}")]
    public static partial void EvidenceStorageReady(ILogger logger, string container, string table);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Release {ReleaseId}: evidence {Sequence} ({Step}) recorded as {Hash}")]
    public static partial void EvidenceAppended(ILogger logger, string releaseId, int sequence, string step, string hash);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Release {ReleaseId}: evidence {Sequence} was already recorded as {Hash}; nothing written")]
    public static partial void EvidenceAlreadyRecorded(ILogger logger, string releaseId, int sequence, string hash);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Release {ReleaseId}: payload {BlobName} of evidence {Sequence} is missing")]
    public static partial void EvidenceBlobMissing(ILogger logger, string releaseId, int sequence, string blobName);

    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "Release {ReleaseId}: evidence chain of {Count} records is intact")]
    public static partial void ChainIntact(ILogger logger, string releaseId, int count);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Release {ReleaseId}: evidence chain broken at record {Sequence}: {Reason}")]
    public static partial void ChainBroken(ILogger logger, string releaseId, int? sequence, string reason);
}
