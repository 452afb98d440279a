using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>What the scipy script answered and how long each statistic took it.</summary>
internal sealed record ScipyResult(
    string Versions,
    double WallMs,
    double LoadMs,
    IReadOnlyDictionary<string, double> TimingsMs,
    long PeakRssBytes,
    long RuMaxrssBytes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Columns);

/// <summary>Runs <c>scipy_drift.py</c> with Debian's python (where python3-scipy lives) on the bench's folder.</summary>
internal static class ScipyRunner
{
    private const string Python = "/usr/bin/python3";

    public static ScipyResult Run(string folder)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scipy_drift.py");
        var start = new ProcessStartInfo(Python, [script, folder]) { UseShellExecute = false };

        // The environment pins OpenBLAS to a core type on some processors; numpy is benchmarked without both settings.
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        process.WaitForExit();
        var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} {script} exited with {process.ExitCode}.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "scipy.json")));
        var root = document.RootElement;
        var timings = root.GetProperty("timingsMs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        var columns = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var column in root.GetProperty("columns").EnumerateObject())
        {
            columns[column.Name] = column.Value.EnumerateObject().ToDictionary(p => p.Name, p => Number(p.Value), StringComparer.Ordinal);
        }

        return new ScipyResult(
            $"scipy {root.GetProperty("scipy").GetString()}, numpy {root.GetProperty("numpy").GetString()}",
            wallMs,
            root.GetProperty("loadMs").GetDouble(),
            timings,
            root.GetProperty("peakRssKiB").GetInt64() * 1024,
            root.GetProperty("ruMaxrssKiB").GetInt64() * 1024,
            columns);
    }

    // The script writes NaN and infinities as text, which JSON numbers cannot carry.
    private static double Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.String
            ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : value.GetDouble();
}
