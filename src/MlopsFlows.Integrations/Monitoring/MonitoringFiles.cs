using System.Globalization;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>The folder layout under <see cref="MonitoringDataOptions.Root"/>, in one place for features and the KPI.</summary>
internal static class MonitoringFiles
{
    public const string WindowsFolder = "windows";
    public const string ReferenceName = "reference";
    private const string StampFormat = "yyyyMMddHHmm";

    // Batches shorter than a minute carry the second too; both stamp forms may share a folder.
    private static readonly string[] StampFormats = [StampFormat, "yyyyMMddHHmmss"];

    /// <summary>The model's reference file (<c>&lt;root&gt;/&lt;model&gt;/reference.&lt;ext&gt;</c>), the first readable extension.</summary>
    /// <exception cref="DependencyNotFoundException">No root is configured or the model has no reference file.</exception>
    public static string ReferenceOf(MonitoringDataOptions options, string model)
    {
        var folder = Path.Combine(RootOf(options), Segment(model));
        var found = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, ReferenceName + ".*").Where(IsReadable).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        return found ?? throw new DependencyNotFoundException($"Model {model} has no reference features: no {ReferenceName}.csv, .parquet or Arrow file in '{folder}'.");
    }

    /// <summary>
    /// The window files of a model in an environment stamped in [<paramref name="from"/>, <paramref name="to"/>), oldest
    /// first: <c>&lt;root&gt;/&lt;model&gt;/&lt;environment&gt;/windows/&lt;yyyyMMddHHmm&gt;.&lt;ext&gt;</c>, the stamp being the
    /// UTC minute the batch starts (or <c>yyyyMMddHHmmss</c>, its second). Files named otherwise are not windows and are left alone.
    /// </summary>
    public static IReadOnlyList<string> WindowsOf(MonitoringDataOptions options, string model, string environment, DateTimeOffset from, DateTimeOffset to)
    {
        var folder = Path.Combine(RootOf(options), Segment(model), Segment(environment), WindowsFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(folder)
            .Where(IsReadable)
            .Select(path => (Path: path, Stamp: StampOf(path)))
            .Where(f => f.Stamp is { } stamp && stamp >= from && stamp < to)
            .OrderBy(f => f.Stamp)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path)];
    }

    /// <summary>The file name of a window starting at <paramref name="start"/> (whole minutes, UTC).</summary>
    public static string WindowFileName(DateTimeOffset start, string extension) =>
        start.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture) + extension;

    private static DateTimeOffset? StampOf(string path) =>
        DateTime.TryParseExact(Path.GetFileNameWithoutExtension(path), StampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp)
            ? new DateTimeOffset(stamp, TimeSpan.Zero)
            : null;

    private static string RootOf(MonitoringDataOptions options) =>
        string.IsNullOrWhiteSpace(options.Root)
            ? throw new DependencyNotFoundException($"No monitoring data is configured ({MonitoringDataOptions.SectionName}:Root).")
            : options.Root;

    // A model or environment name is one folder, never a path (they are validated names, but the file system is not the place to find out).
    private static string Segment(string name) =>
        string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or ".."
            ? throw new ArgumentException($"'{name}' cannot name a folder.", nameof(name))
            : name;

    private static bool IsReadable(string path)
    {
        try
        {
            _ = ColumnSources.Open(path);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
