namespace MlopsFlows.Integrations.Datasets;

/// <summary>Opens the right <see cref="IColumnSource"/> for a file by its extension.</summary>
public static class ColumnSources
{
    /// <summary>
    /// A source for <paramref name="path"/>: <c>.csv</c> → CSV, <c>.parquet</c> → Parquet, <c>.arrow</c>, <c>.feather</c>,
    /// <c>.arrows</c> or <c>.ipc</c> → Arrow IPC (file or stream format, told apart by the file's magic bytes).
    /// </summary>
    /// <exception cref="NotSupportedException">The extension is none of these.</exception>
    public static IColumnSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return System.IO.Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".CSV" => new CsvColumnSource(path),
            ".PARQUET" => new ParquetColumnSource(path),
            ".ARROW" or ".FEATHER" or ".ARROWS" or ".IPC" => new ArrowColumnSource(path),
            var other => throw new NotSupportedException(
                $"'{path}': no column reader for '{other}' files; use .csv, .parquet or an Arrow IPC file (.arrow, .feather, .arrows, .ipc)."),
        };
    }
}
