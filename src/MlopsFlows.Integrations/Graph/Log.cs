using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Graph;

// Event ids 2750-2799. Never log a token.
internal static partial class Log
{
    [LoggerMessage(EventId = 2751, Level = LogLevel.Debug, Message = "Directory person {ObjectId} read from Graph with {RoleCount} roles")]
    public static partial void PersonRead(ILogger logger, string objectId, int roleCount);

    [LoggerMessage(EventId = 2752, Level = LogLevel.Information, Message = "Graph does not know {IdOrUpn}")]
    public static partial void PersonUnknown(ILogger logger, string idOrUpn);

    [LoggerMessage(EventId = 2753, Level = LogLevel.Debug, Message = "Group {GroupId} read from Graph: {MemberCount} users")]
    public static partial void GroupRead(ILogger logger, string groupId, int memberCount);
}
