using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Gates;

namespace MlopsFlows.Integrations.Datasets;

// Event ids 2600-2649.
internal static partial class Log
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Debug, Message = "Read {ColumnCount} columns, {Rows} rows, of evaluation set {Path}")]
    public static partial void EvaluationColumnsRead(ILogger logger, string path, int columnCount, long rows);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Column {Column} of {Path} is declared {Declared} but does not read as such; read as {Actual}")]
    public static partial void ColumnKindDiffers(ILogger logger, string path, string column, ColumnKind declared, ColumnKind actual);
}
