using Microsoft.Extensions.Logging;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Identity;

// Event ids 2700-2749. Never log a token, a secret or a request's headers.
internal static partial class Log
{
    [LoggerMessage(EventId = 2701, Level = LogLevel.Debug, Message = "{Kind} token accepted from issuer {Issuer} for object id {ObjectId}")]
    public static partial void TokenAccepted(ILogger logger, TokenKind kind, string issuer, string? objectId);

    [LoggerMessage(EventId = 2702, Level = LogLevel.Warning, Message = "{Kind} token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, TokenKind kind, string reason);

    [LoggerMessage(EventId = 2703, Level = LogLevel.Warning, Message = "OpenID metadata could not be read from {Address}")]
    public static partial void MetadataUnavailable(ILogger logger, string address, Exception exception);

    [LoggerMessage(EventId = 2704, Level = LogLevel.Information, Message = "Signing key {KeyId} is not in the cached keys of {Address}; refreshing the metadata")]
    public static partial void KeyRefresh(ILogger logger, string address, string keyId);

    [LoggerMessage(EventId = 2710, Level = LogLevel.Debug, Message = "Access token for {Scope} obtained, valid until {ExpiresOn}")]
    public static partial void AccessTokenObtained(ILogger logger, string scope, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 2720, Level = LogLevel.Warning, Message = "X-MS-CLIENT-PRINCIPAL header ignored: {Reason}")]
    public static partial void ClientPrincipalIgnored(ILogger logger, string reason);
}
