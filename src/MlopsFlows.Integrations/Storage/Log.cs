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

    [LoggerMessage(EventId = 2220, Level = LogLevel.Information, Message = "Release {ReleaseId}: run {RunId} holds the in-flight place")]
    public static partial void LedgerClaimed(ILogger logger, string releaseId, string runId);

    [LoggerMessage(EventId = 2221, Level = LogLevel.Information, Message = "Release {ReleaseId}: refused, {Holder} is in flight for the same model and environment")]
    public static partial void LedgerClaimRefused(ILogger logger, string releaseId, string holder);

    [LoggerMessage(EventId = 2222, Level = LogLevel.Debug, Message = "Release {ReleaseId}: the ledger changed since it was read ({Operation}, attempt {Attempt}); reading again")]
    public static partial void LedgerStaleETag(ILogger logger, string releaseId, string operation, int attempt);

    [LoggerMessage(EventId = 2223, Level = LogLevel.Information, Message = "Release {ReleaseId}: run {RunId} ended {Status} (in-flight place freed: {Freed})")]
    public static partial void LedgerEnded(ILogger logger, string releaseId, string runId, string status, bool freed);

    [LoggerMessage(EventId = 2230, Level = LogLevel.Information, Message = "Release {ReleaseId}: {Count} evidence payloads of run {RunId} locked until {Until}")]
    public static partial void EvidenceProtected(ILogger logger, string releaseId, string runId, int count, DateTimeOffset until);

    [LoggerMessage(EventId = 2231, Level = LogLevel.Warning, Message = "Release {ReleaseId}: immutability policies are not supported by this storage ({ErrorCode}); run {RunId} relies on the hash chain")]
    public static partial void ImmutabilityNotSupported(ILogger logger, string releaseId, string runId, string? errorCode);

    [LoggerMessage(EventId = 2232, Level = LogLevel.Information, Message = "Release {ReleaseId}: evidence of run {RunId} not made immutable locally; the hash chain proves integrity")]
    public static partial void ImmutabilityNotEnforced(ILogger logger, string releaseId, string runId);
}
