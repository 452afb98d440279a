using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Sketches;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>What the streaming child measured: times, its own peak memory, and its answers per column.</summary>
internal sealed record StreamingResult(
    double ReferenceMs,
    double WindowMs,
    double PlainReadMs,
    long PeakRssBytes,
    int ChunkValues,
    double EdgeRankError,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Columns);

/// <summary>
/// Streaming mode, run in a child process so that its peak memory is its own: each column is read in chunks of
/// <see cref="ChunkValues"/> values and never held whole. The reference goes through a KLL sketch (bin edges) and a
/// second pass of exact bin counts (<see cref="StreamingReferenceProfile"/>); the current window through one pass of bin
/// counts (PSI, JS) or category counts (chi-square, JS). The floor is a plain chunked read of the current window.
/// </summary>
internal static class StreamingBench
{
    public const string ChildVerb = "--streaming-child";
    private const int ChunkValues = 1 << 16;
    private const int MaxCode = 64;
    private const string ResultFile = "streaming.json";

    /// <summary>Starts this executable as the streaming child on <paramref name="folder"/> and reads what it wrote.</summary>
    public static StreamingResult Run(string folder)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The bench cannot find its own executable.");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet bench.dll`: the child needs the assembly too.
            start.ArgumentList.Add(typeof(StreamingBench).Assembly.Location);
        }

        start.ArgumentList.Add(ChildVerb);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The streaming child exited with {process.ExitCode}.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ResultFile)));
        var root = document.RootElement;
        var columns = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var column in root.GetProperty("columns").EnumerateObject())
        {
            columns[column.Name] = column.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        }

        return new StreamingResult(
            root.GetProperty("referenceMs").GetDouble(),
            root.GetProperty("windowMs").GetDouble(),
            root.GetProperty("plainReadMs").GetDouble(),
            root.GetProperty("peakRssBytes").GetInt64(),
            root.GetProperty("chunkValues").GetInt32(),
            root.GetProperty("edgeRankError").GetDouble(),
            columns);
    }

    /// <summary>The child: profiles the reference and compares the current window chunk by chunk, then reports.</summary>
    public static int RunChild(string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, DriftData.ManifestFile)));
        var root = manifest.RootElement;
        var rows = root.GetProperty("rows").GetInt32();
        var binCount = root.GetProperty("binCount").GetInt32();
        var epsilon = root.GetProperty("epsilon").GetDouble();
        var columns = root.GetProperty("columns").EnumerateArray()
            .Select(c => (Name: c.GetProperty("name").GetString()!, IsCategorical: c.GetProperty("kind").GetString() == "categorical"))
            .ToArray();
        var all = Enumerable.Range(0, columns.Length).ToArray();
        var referencePath = Path.Combine(folder, DriftData.ReferenceFile);
        var currentPath = Path.Combine(folder, DriftData.CurrentFile);

        // Warm-up on the first column of each kind, so that tiering is settled before timing.
        var profiles = new StreamingReferenceProfile?[columns.Length];
        var referenceCounts = new long[columns.Length][];
        ProfileColumn(referencePath, rows, columns, binCount, profiles, referenceCounts, Array.FindIndex(columns, c => !c.IsCategorical));
        ProfileColumn(referencePath, rows, columns, binCount, profiles, referenceCounts, Array.FindIndex(columns, c => c.IsCategorical));

        var referenceMs = Timing.ParallelPass(all, j => ProfileColumn(referencePath, rows, columns, binCount, profiles, referenceCounts, j)).WallMs;
        var answers = new Dictionary<string, double>[columns.Length];
        var windowMs = Timing.Median(3, () => Timing.ParallelPass(all, j => answers[j] = CompareColumn(currentPath, rows, columns[j].IsCategorical, j, profiles[j], referenceCounts[j], epsilon)), p => p.WallMs).WallMs;
        var plainReadMs = Timing.Median(3, () => Timing.ParallelPass(all, j => ForEachChunk(currentPath, rows, j, _ => { })), p => p.WallMs).WallMs;

        var result = new
        {
            referenceMs,
            windowMs,
            plainReadMs,
            peakRssBytes = PeakResidentBytes(),
            chunkValues = ChunkValues,
            edgeRankError = KllSketch.NormalizedRankError(KllSketch.DefaultK),
            columns = Enumerable.Range(0, columns.Length).ToDictionary(j => columns[j].Name, j => answers[j]),
        };
        File.WriteAllText(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(result));
        return 0;
    }

    private static void ProfileColumn(
        string path, int rows, (string Name, bool IsCategorical)[] columns, int binCount, StreamingReferenceProfile?[] profiles, long[][] referenceCounts, int j)
    {
        if (j < 0)
        {
            return;
        }

        if (columns[j].IsCategorical)
        {
            var counts = new long[MaxCode];
            ForEachChunk(path, rows, j, chunk => CountCodes(chunk, counts));
            referenceCounts[j] = counts;
            return;
        }

        var sketch = new KllSketch();
        ForEachChunk(path, rows, j, sketch.AddRange);
        var profile = StreamingReferenceProfile.FromSketch(sketch, binCount);
        var counter = profile.NewCounter();
        ForEachChunk(path, rows, j, counter.AddRange);
        profiles[j] = profile.WithReferenceCounts(counter);
    }

    private static Dictionary<string, double> CompareColumn(
        string path, int rows, bool isCategorical, int j, StreamingReferenceProfile? profile, long[] referenceCounts, double epsilon)
    {
        if (isCategorical)
        {
            var counts = new long[MaxCode];
            ForEachChunk(path, rows, j, chunk => CountCodes(chunk, counts));
            var result = CategoricalDrift.Compare(Categories(referenceCounts), Categories(counts), epsilon);
            return new(StringComparer.Ordinal)
            {
                ["chiSquare"] = result.ChiSquare.Statistic,
                ["chiSquarePValue"] = result.ChiSquare.PValue,
                ["js"] = result.JensenShannonDistance,
                ["psi"] = result.Psi.Value,
            };
        }

        var counter = profile!.NewCounter();
        ForEachChunk(path, rows, j, counter.AddRange);
        var psi = profile.PopulationStabilityIndex(counter, epsilon);
        return new(StringComparer.Ordinal)
        {
            ["psi"] = psi.Value,
            ["js"] = JensenShannon.Distance([.. psi.ReferenceCounts], [.. psi.CurrentCounts]),
        };
    }

    /// <summary>Reads column <paramref name="j"/> of a window file chunk by chunk into one pooled buffer.</summary>
    private static void ForEachChunk(string path, int rows, int j, ChunkAction action)
    {
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(ChunkValues);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            var offset = (long)j * rows * sizeof(double);
            for (var done = 0; done < rows;)
            {
                var count = Math.Min(ChunkValues, rows - done);
                var bytes = MemoryMarshal.AsBytes(buffer.AsSpan(0, count));
                while (!bytes.IsEmpty)
                {
                    var read = RandomAccess.Read(handle, bytes, offset);
                    if (read == 0)
                    {
                        throw new EndOfStreamException($"{path} ends inside column {j}.");
                    }

                    offset += read;
                    bytes = bytes[read..];
                }

                action(buffer.AsSpan(0, count));
                done += count;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static void CountCodes(ReadOnlySpan<double> codes, long[] counts)
    {
        foreach (var code in codes)
        {
            counts[(int)code]++;
        }
    }

    private static CategoryCounts Categories(long[] counts) =>
        CategoryCounts.FromCounts(
            Enumerable.Range(0, counts.Length)
                .Where(k => counts[k] > 0)
                .Select(k => new KeyValuePair<string, long>(string.Create(CultureInfo.InvariantCulture, $"k{k:D2}"), counts[k])));

    /// <summary>This process's peak resident set (VmHWM): exec gave it a fresh address space, so the parent's peak is not in it.</summary>
    private static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    private delegate void ChunkAction(ReadOnlySpan<double> chunk);
}
