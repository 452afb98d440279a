using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>One case of the bench: generate, read, run the C# engine every way, run scipy, compare, report.</summary>
internal static class DriftBench
{
    private const int BinCount = ReferenceProfile.DefaultBinCount;
    private const double Epsilon = PopulationStabilityIndex.DefaultEpsilon;
    private const int MaxCode = 64;

    public static string Run(DriftBenchOptions options, int rows, int numericColumns, bool print = true)
    {
        var columns = DriftData.Columns(numericColumns, options.CategoricalFor(numericColumns));
        var numeric = Enumerable.Range(0, columns.Count).Where(j => !columns[j].IsCategorical).ToArray();
        var categorical = Enumerable.Range(0, columns.Count).Where(j => columns[j].IsCategorical).ToArray();
        var all = Enumerable.Range(0, columns.Count).ToArray();
        var folder = Path.Combine(options.WorkFolder, $"mlopsflows-drift-{rows}x{columns.Count}");
        var dataBytes = 2L * rows * columns.Count * sizeof(double);
        Log(print, $"== {rows:N0} rows x {numericColumns} numeric + {categorical.Length} categorical columns, {dataBytes / 1e9:F2} GB in two windows, {folder}");

        var generateMs = Timing.Milliseconds(() => DriftData.Write(folder, rows, columns, options.Seed, BinCount, Epsilon));
        Log(print, $"generated and written in {generateMs:F0} ms");

        // The floor: the same bytes read into memory, nothing computed. The files were just written, so they come from
        // the page cache, as the owner's 0.2 s figure does. The buffers read here are the data every pass below uses.
        double[][] reference = [], current = [];
        var readReferenceMs = Timing.Milliseconds(() => reference = DriftData.Read(Path.Combine(folder, DriftData.ReferenceFile), rows, columns.Count));
        var readCurrentMs = Timing.Milliseconds(() => current = DriftData.Read(Path.Combine(folder, DriftData.CurrentFile), rows, columns.Count));
        var scratch = new double[columns.Count][];
        var rereadCurrentMs = Timing.Median(3, () => Timing.Milliseconds(() => DriftData.Read(Path.Combine(folder, DriftData.CurrentFile), rows, columns.Count, scratch)), x => x);
        scratch = [];
        Log(print, $"plain read: reference {readReferenceMs:F0} ms, current {readCurrentMs:F0} ms (fresh buffers), current again {rereadCurrentMs:F0} ms (warm buffers)");

        var gcBefore = GcCounts();
        var inducedBefore = Timing.InducedCollections;
        var pauseBefore = GC.GetTotalPauseDuration();

        // 1. Each statistic alone through its public entry point, as scipy computes them (every call from raw samples).
        var separate = new Answers(columns.Count);
        var psiJs = Timing.ParallelPass(numeric, j =>
        {
            var psi = PopulationStabilityIndex.Compute(reference[j], current[j], BinCount, Epsilon);
            separate.Set(j, "psi", psi.Value);
            separate.Set(j, "js", JensenShannon.Distance([.. psi.ReferenceCounts], [.. psi.CurrentCounts]));
        });
        Log(print, $"C# PSI+JS {psiJs.WallMs:F0} ms");
        var ks = Timing.ParallelPass(numeric, j =>
        {
            var result = KolmogorovSmirnov.TwoSample(reference[j], current[j]);
            separate.Set(j, "ksStatistic", result.Statistic);
            separate.Set(j, "ksPValue", result.PValue);
        });
        Log(print, $"C# KS {ks.WallMs:F0} ms");
        var wasserstein = Timing.ParallelPass(numeric, j =>
        {
            var result = Wasserstein.Compare(reference[j], current[j]);
            separate.Set(j, "wasserstein", result.Distance);
            separate.Set(j, "wassersteinNormalized", result.NormalizedDistance);
        });
        Log(print, $"C# Wasserstein {wasserstein.WallMs:F0} ms");
        var chiSquare = Timing.ParallelPass(categorical, j =>
            SetCategorical(separate, j, CategoricalDrift.Compare(Count(reference[j]), Count(current[j]), Epsilon)));
        Log(print, $"C# chi-square+JS {chiSquare.WallMs:F0} ms");

        // 2. The product's full report, cold: each column's profile built inside the timing, then one sort of the
        // current window serves PSI, JS, KS and Wasserstein (ColumnDrift → NumericDrift.Compare).
        var report = new Answers(columns.Count);
        long profileTicks = 0;
        void FullReportColumn(Answers answers, int j)
        {
            if (columns[j].IsCategorical)
            {
                SetCategorical(answers, j, ColumnDrift.Categorical(columns[j].Name, Count(reference[j]), Count(current[j])).Categorical!);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var profile = ReferenceProfile.Create(reference[j], BinCount);
            Interlocked.Add(ref profileTicks, Stopwatch.GetTimestamp() - started);
            SetNumeric(answers, j, ColumnDrift.Numeric(columns[j].Name, profile, current[j]).Numeric!);
        }

        var full = Timing.ParallelPass(all, j => FullReportColumn(report, j));
        var profileInFullMs = profileTicks * 1000.0 / Stopwatch.Frequency;
        Log(print, $"C# full report (cold) {full.WallMs:F0} ms");

        // The same report on one thread, as scipy runs: the like-for-like ratio.
        var singleThreadReport = new Answers(columns.Count);
        var fullSingleThread = Timing.SingleThreadPass(all, j => FullReportColumn(singleThreadReport, j));
        Log(print, $"C# full report (cold, one thread) {fullSingleThread.WallMs:F0} ms");

        // 3. Monitoring: reference profiles built once, then PSI + JS (numeric) and chi-square + JS (categorical) on the
        // current window. The goal is within 3x of the plain read of that window.
        var profiles = new ReferenceProfile?[columns.Count];
        var referenceCounts = new CategoryCounts?[columns.Count];
        var build = Timing.ParallelPass(all, j =>
        {
            if (columns[j].IsCategorical)
            {
                referenceCounts[j] = Count(reference[j]);
            }
            else
            {
                profiles[j] = ReferenceProfile.Create(reference[j], BinCount);
            }
        });
        Log(print, $"C# reference profiles {build.WallMs:F0} ms");
        var windowed = new Answers(columns.Count);
        var window = Timing.Median(3, () => Timing.ParallelPass(all, j =>
        {
            if (columns[j].IsCategorical)
            {
                SetCategorical(windowed, j, CategoricalDrift.Compare(referenceCounts[j]!, Count(current[j]), Epsilon));
                return;
            }

            var psi = PopulationStabilityIndex.Compute(profiles[j]!, current[j], Epsilon);
            windowed.Set(j, "psi", psi.Value);
            windowed.Set(j, "js", JensenShannon.Distance([.. psi.ReferenceCounts], [.. psi.CurrentCounts]));
        }), p => p.WallMs);
        Log(print, $"C# window with profile {window.WallMs:F0} ms (median of 3)");

        // Evidence for the engine's owner: the same bin counts by vector compares against each edge instead of a
        // branchy binary search per value (ReferenceProfile.CountBins). Not used for any answer above.
        var mismatches = 0;
        Timing.ParallelPass(numeric, j =>
        {
            var counts = CountBinsByEdgeCompares(profiles[j]!, current[j]);
            var psi = PopulationStabilityIndex.Compute(profiles[j]!, current[j], Epsilon);
            if (!counts.SequenceEqual(psi.CurrentCounts))
            {
                Interlocked.Increment(ref mismatches);
            }
        });
        var engineCounts = Timing.Median(3, () => Timing.ParallelPass(numeric, j => PopulationStabilityIndex.Compute(profiles[j]!, current[j], Epsilon)), p => p.WallMs);
        var vectorOnly = Timing.Median(3, () => Timing.ParallelPass(numeric, j => CountBinsByEdgeCompares(profiles[j]!, current[j])), p => p.WallMs);
        var finiteCheck = Timing.Median(3, () => Timing.ParallelPass(numeric, j => AllFinite(current[j])), p => p.WallMs);
        Log(print, $"bin counting: engine {engineCounts.WallMs:F0} ms, edge compares {vectorOnly.WallMs:F0} ms, finite check {finiteCheck.WallMs:F0} ms, {mismatches} mismatching columns");

        var sortOnly = Timing.ParallelPass(numeric, j =>
        {
            var copy = current[j].ToArray();
            Array.Sort(copy);
        });
        var radixSortOnly = Timing.ParallelPass(numeric, j =>
        {
            var buffer = ArrayPool<double>.Shared.Rent(rows);
            DoubleSort.Sort(current[j], buffer);
            ArrayPool<double>.Shared.Return(buffer);
        });
        Log(print, $"sort of the current window: Array.Sort {sortOnly.WallMs:F0} ms, DoubleSort {radixSortOnly.WallMs:F0} ms");

        var gcAfter = GcCounts();
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var memory = new MemoryFigures(
            self.PeakWorkingSet64,
            dataBytes,
            GC.GetGCMemoryInfo().HeapSizeBytes,
            [.. Enumerable.Range(0, 3).Select(g => gcAfter[g] - gcBefore[g] - (Timing.InducedCollections - inducedBefore))],
            pause.TotalMilliseconds);

        // Free the C# side's data before scipy loads its own copy.
        reference = [];
        current = [];
        profiles = [];
        GC.Collect();

        StreamingResult? streaming = null;
        if (options.RunStreaming)
        {
            Log(print, "streaming mode (child process) ...");
            streaming = StreamingBench.Run(folder);
            Log(print, $"streaming: reference {streaming.ReferenceMs:F0} ms, window {streaming.WindowMs:F0} ms, chunked read {streaming.PlainReadMs:F0} ms, peak {streaming.PeakRssBytes / 1e6:F0} MB");
        }

        ScipyResult? scipy = null;
        if (options.RunScipy)
        {
            Log(print, "running scipy/numpy ...");
            scipy = ScipyRunner.Run(folder);
            Log(print, $"scipy done in {scipy.WallMs / 1000:F1} s");
        }

        if (!options.KeepData)
        {
            Directory.Delete(folder, recursive: true);
        }

        var figures = new CaseFigures(
            rows, numericColumns, categorical.Length, columns, generateMs,
            readReferenceMs, readCurrentMs, rereadCurrentMs,
            psiJs, ks, wasserstein, chiSquare, full, fullSingleThread, profileInFullMs, build, window,
            engineCounts, vectorOnly, finiteCheck, sortOnly, radixSortOnly, mismatches,
            separate, report, singleThreadReport, windowed, memory, streaming, scipy);
        var text = DriftReport.Format(figures);
        if (print)
        {
            Console.WriteLine();
            Console.WriteLine(text);
        }

        return text;
    }

    private static void SetNumeric(Answers answers, int j, NumericDriftStatistics statistics)
    {
        answers.Set(j, "psi", statistics.Psi.Value);
        answers.Set(j, "js", statistics.JensenShannonDistance);
        answers.Set(j, "ksStatistic", statistics.KolmogorovSmirnov.Statistic);
        answers.Set(j, "ksPValue", statistics.KolmogorovSmirnov.PValue);
        answers.Set(j, "wasserstein", statistics.Wasserstein!.Distance);
        answers.Set(j, "wassersteinNormalized", statistics.Wasserstein.NormalizedDistance);
    }

    private static void SetCategorical(Answers answers, int j, CategoricalDriftResult result)
    {
        answers.Set(j, "chiSquare", result.ChiSquare.Statistic);
        answers.Set(j, "chiSquarePValue", result.ChiSquare.PValue);
        answers.Set(j, "js", result.JensenShannonDistance);
        answers.Set(j, "psi", result.Psi.Value);
    }

    /// <summary>Counts an int-coded column, as a reader of a dictionary-encoded Parquet column would hand it over.</summary>
    private static CategoryCounts Count(double[] codes)
    {
        Span<long> counts = stackalloc long[MaxCode];
        foreach (var code in codes)
        {
            counts[(int)code]++;
        }

        var pairs = new List<KeyValuePair<string, long>>();
        for (var k = 0; k < MaxCode; k++)
        {
            if (counts[k] > 0)
            {
                pairs.Add(new(string.Create(CultureInfo.InvariantCulture, $"k{k:D2}"), counts[k]));
            }
        }

        return CategoryCounts.FromCounts(pairs);
    }

    /// <summary>Bin counts as #(x &gt; edge) per edge, vectorised: bin i = #(x &gt; edge[i−1]) − #(x &gt; edge[i]).</summary>
    private static long[] CountBinsByEdgeCompares(ReferenceProfile profile, double[] values)
    {
        var edges = profile.Edges;
        var above = new long[edges.Count];
        var width = Vector<double>.Count;
        for (var e = 0; e < edges.Count; e++)
        {
            var edge = new Vector<double>(edges[e]);
            var accumulator = Vector<long>.Zero;
            var i = 0;
            for (; i <= values.Length - width; i += width)
            {
                // A true lane is all ones (−1), so subtracting counts it.
                accumulator -= Vector.AsVectorInt64(Vector.GreaterThan(new Vector<double>(values, i), edge));
            }

            var count = Vector.Sum(accumulator);
            for (; i < values.Length; i++)
            {
                count += values[i] > edges[e] ? 1 : 0;
            }

            above[e] = count;
        }

        var bins = new long[edges.Count + 1];
        bins[0] = values.Length - (edges.Count > 0 ? above[0] : 0);
        for (var e = 1; e < edges.Count; e++)
        {
            bins[e] = above[e - 1] - above[e];
        }

        if (edges.Count > 0)
        {
            bins[^1] = above[^1];
        }

        return bins;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private static void Log(bool print, string line)
    {
        if (print)
        {
            Console.WriteLine(line);
        }
    }

    private static int[] GcCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}

/// <summary>Each column's answers by statistic name; each column is written by one thread only.</summary>
internal sealed class Answers(int columns)
{
    private readonly Dictionary<string, double>[] values = [.. Enumerable.Range(0, columns).Select(_ => new Dictionary<string, double>(StringComparer.Ordinal))];

    public void Set(int column, string statistic, double value) => values[column][statistic] = value;

    public bool TryGet(int column, string statistic, out double value) => values[column].TryGetValue(statistic, out value);
}

internal sealed record MemoryFigures(long PeakWorkingSetBytes, long DataBytes, long HeapBytes, int[] Collections, double GcPauseMs);

internal sealed record CaseFigures(
    int Rows,
    int NumericColumns,
    int CategoricalColumns,
    IReadOnlyList<ColumnSpec> Columns,
    double GenerateMs,
    double ReadReferenceMs,
    double ReadCurrentMs,
    double RereadCurrentMs,
    PassTime PsiJs,
    PassTime Ks,
    PassTime Wasserstein,
    PassTime ChiSquare,
    PassTime FullReport,
    PassTime FullReportSingleThread,
    double ProfileInFullReportMs,
    PassTime ProfileBuild,
    PassTime Window,
    PassTime EngineBinCounting,
    PassTime VectorBinCounting,
    PassTime FiniteCheck,
    PassTime SortOnly,
    PassTime RadixSortOnly,
    int BinCountMismatches,
    Answers Separate,
    Answers Report,
    Answers SingleThreadReport,
    Answers Windowed,
    MemoryFigures Memory,
    StreamingResult? Streaming,
    ScipyResult? Scipy);
