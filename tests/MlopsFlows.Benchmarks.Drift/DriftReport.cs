using System.Globalization;
using System.Text;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>Formats one case as markdown tables (printed and saved), and compares the C# answers with scipy's.</summary>
internal static class DriftReport
{
    private const double TinyPValue = 1e-12;

    private static readonly string[] NumericKeys = ["psi", "js", "ksStatistic", "ksPValue", "wasserstein", "wassersteinNormalized"];
    private static readonly string[] CategoricalKeys = ["chiSquare", "chiSquarePValue", "js", "psi"];

    public static string Format(CaseFigures f)
    {
        var text = new StringBuilder();
        var s = f.Scipy;
        var numericRows = Indices(f, categorical: false);
        var categoricalRows = Indices(f, categorical: true);
        text.AppendLine(Invariant($"## {f.Rows:N0} rows × {f.NumericColumns} numeric + {f.CategoricalColumns} categorical columns"));
        text.AppendLine();
        text.AppendLine(Invariant($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, workstation GC; {(s is null ? "scipy not run" : s.Versions)}. Data: {f.Memory.DataBytes / 1e9:F2} GB (two windows of float64), generated in {f.GenerateMs / 1000:F1} s."));
        text.AppendLine("C# passes run `Parallel.For` over columns on all cores (wall ms; thread ms is the time summed over columns) unless marked one thread; scipy runs single-threaded (one process, one statistic at a time; numpy's sort and searchsorted use one core). Disagreement: the largest over columns of |C# − scipy| / max(|C#|, |scipy|), absolute for p-values when both are below 1e-12.");
        text.AppendLine();
        text.AppendLine("| statistic | C# ms | C# thread ms | C# allocated MB | scipy ms | speed ratio | largest disagreement |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        var scipyPsi = Scipy(s, "psi_js");
        var scipyKs = Scipy(s, "ks");
        var scipyW = Scipy(s, "wasserstein");
        var scipyChi = Scipy(s, "chisquare_js");
        var scipyTotal = scipyPsi + scipyKs + scipyW + scipyChi;
        Row(text, "PSI + JS (numeric)", f.PsiJs, scipyPsi, Disagreement(f, f.Separate, numericRows, ["psi", "js"]));
        Row(text, "KS statistic + p-value", f.Ks, scipyKs, Disagreement(f, f.Separate, numericRows, ["ksStatistic", "ksPValue"]));
        Row(text, "Wasserstein (normalised by ref. std)", f.Wasserstein, scipyW, Disagreement(f, f.Separate, numericRows, ["wasserstein", "wassersteinNormalized"]));
        Row(text, "chi-square + JS (categorical)", f.ChiSquare, scipyChi, Disagreement(f, f.Separate, categoricalRows, ["chiSquare", "chiSquarePValue", "js"]));
        var separate = f.PsiJs + f.Ks + f.Wasserstein + f.ChiSquare;
        Row(text, "**total, each statistic on its own**", separate, scipyTotal, string.Empty);
        Row(text, Invariant($"**full report, cold** (ColumnDrift: profile + one sort per column), {Environment.ProcessorCount} threads"), f.FullReport, scipyTotal,
            Disagreement(f, f.Report, numericRows, NumericKeys) + "; " + Disagreement(f, f.Report, categoricalRows, CategoricalKeys));
        Row(text, "**full report, cold, one thread** (as scipy runs)", f.FullReportSingleThread, scipyTotal,
            Disagreement(f, f.SingleThreadReport, numericRows, NumericKeys) + "; " + Disagreement(f, f.SingleThreadReport, categoricalRows, CategoricalKeys));
        text.AppendLine();
        text.AppendLine(Invariant($"Of the full report's thread time, {f.ProfileInFullReportMs:F0} ms built the reference profiles (mean/std, sort into a new array, edges)."));
        text.AppendLine();

        text.AppendLine("Monitoring: reference profiles built once, then a new window (goal: within 3× of a plain read of that window).");
        text.AppendLine();
        text.AppendLine("| step | C# ms | C# thread ms | × plain read of current (fresh / warm buffers) | scipy ms | largest disagreement |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        text.AppendLine(Invariant($"| plain read, both windows (fresh buffers) | {f.ReadReferenceMs + f.ReadCurrentMs:F0} | | | {(s is null ? "" : s.LoadMs.ToString("F0", CultureInfo.InvariantCulture))} (np.fromfile) | |"));
        text.AppendLine(Invariant($"| plain read, current window: fresh buffers / re-read into warm buffers (median of 3) | {f.ReadCurrentMs:F0} / {f.RereadCurrentMs:F0} | | 1.0 / 1.0 | | |"));
        text.AppendLine(Invariant($"| reference profiles, built once (sorted values, edges, bin counts; category counts) | {f.ProfileBuild.WallMs:F0} | {f.ProfileBuild.ThreadMs:F0} | | | |"));
        text.AppendLine(Invariant($"| **PSI + JS + chi-square on the current window, with the profiles** (median of 3) | {f.Window.WallMs:F0} | {f.Window.ThreadMs:F0} | **{f.Window.WallMs / f.ReadCurrentMs:F1}× / {f.Window.WallMs / f.RereadCurrentMs:F1}×** | {(s is null ? "" : (scipyPsi + scipyChi).ToString("F0", CultureInfo.InvariantCulture))} (no profile: edges from the reference each time) | {Disagreement(f, f.Windowed, numericRows, ["psi", "js"])}; {Disagreement(f, f.Windowed, categoricalRows, ["chiSquare", "chiSquarePValue", "js"])} |"));
        text.AppendLine();

        text.AppendLine("Where the engine's time goes (numeric columns, median of 3, wall ms on all cores):");
        text.AppendLine();
        text.AppendLine("| measurement | C# ms | C# thread ms | note |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        text.AppendLine(Invariant($"| `PopulationStabilityIndex.Compute(profile, current)` | {f.EngineBinCounting.WallMs:F0} | {f.EngineBinCounting.ThreadMs:F0} | finite check + `ReferenceProfile.CountBins`: the bin of a vector of values by one compare per edge |"));
        text.AppendLine(Invariant($"| same bin counts as #(x > edge) per edge (bench code, a check) | {f.VectorBinCounting.WallMs:F0} | {f.VectorBinCounting.ThreadMs:F0} | one pass per edge with `Vector<double>`; {(f.BinCountMismatches == 0 ? "identical counts on every column" : Invariant($"{f.BinCountMismatches} columns differ"))} |"));
        text.AppendLine(Invariant($"| finite check alone (a scalar loop; `DriftArguments.RequireFinite` now tests a block of vectors at a time) | {f.FiniteCheck.WallMs:F0} | {f.FiniteCheck.ThreadMs:F0} | |"));
        text.AppendLine(Invariant($"| copy + `Array.Sort` of the current window alone | {f.SortOnly.WallMs:F0} | {f.SortOnly.ThreadMs:F0} | introsort, as the engine sorted before |"));
        text.AppendLine(Invariant($"| `DoubleSort.Sort` of the current window into a pooled buffer | {f.RadixSortOnly.WallMs:F0} | {f.RadixSortOnly.ThreadMs:F0} | radix sort on the IEEE-754 bits mapped to ordered keys: one split into cache-sized buckets, then a byte per pass ({f.SortOnly.ThreadMs / f.RadixSortOnly.ThreadMs:F1}× faster); what the engine sorts with now |"));
        text.AppendLine();

        var m = f.Memory;
        text.AppendLine(Invariant($"Memory: C# peak working set {m.PeakWorkingSetBytes / 1e9:F2} GB (process so far; both windows are held in memory, {m.DataBytes / 1e9:F2} GB, plus the profiles' sorted copies of the reference); GC heap at the end {m.HeapBytes / 1e9:F2} GB; during the drift passes gen0/gen1/gen2 collections not induced by the bench {m.Collections[0]}/{m.Collections[1]}/{m.Collections[2]}, GC pauses {m.GcPauseMs:F0} ms (including the bench's own collections between passes). scipy: peak RSS {(s is null ? "not run" : Invariant($"{s.PeakRssBytes / 1e9:F2} GB (VmHWM; ru_maxrss says {s.RuMaxrssBytes / 1e9:F2} GB because Linux carries the .NET parent's peak across fork and exec)"))}."));
        if (f.Streaming is { } st)
        {
            text.AppendLine();
            AppendStreaming(text, f, st, numericRows, categoricalRows);
        }

        if (s is not null)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"scipy wall time including python start and loading: {s.WallMs / 1000:F1} s. Speed of the full report: **{scipyTotal / f.FullReport.WallMs:F1}×** scipy's on {Environment.ProcessorCount} threads (wall), **{scipyTotal / f.FullReportSingleThread.WallMs:F1}×** on one thread against scipy's one (wall); {scipyTotal / f.FullReport.ThreadMs:F1}× per core by thread time."));
        }

        return text.ToString();
    }

    public static string Save(IReadOnlyList<string> reports)
    {
        var folder = Path.Combine(ProjectFolder(), "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Invariant($"drift-{DateTime.Now:yyyy-MM-dd-HHmm}.md"));
        var text = new StringBuilder();
        text.AppendLine("# Drift report bench: C# drift engine against scipy/numpy");
        text.AppendLine();
        text.AppendLine("`dotnet run -c Release --project tests/MlopsFlows.Benchmarks.Drift -- " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)) + "`");
        text.AppendLine();
        foreach (var report in reports)
        {
            text.AppendLine(report);
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static void AppendStreaming(StringBuilder text, CaseFigures f, StreamingResult st, int[] numericRows, int[] categoricalRows)
    {
        text.AppendLine(Invariant($"Streaming mode (a child process, so its peak memory is its own): every column read in chunks of {st.ChunkValues:N0} values, never whole; the reference through a KLL sketch (k = 200, edge rank error ≤ {st.EdgeRankError:P2}) for the bin edges and a second pass for exact bin counts; the current window through one pass of bin or category counts. The same {Environment.ProcessorCount} threads over columns."));
        text.AppendLine();
        text.AppendLine("| step | C# ms | × chunked plain read of current | note |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        text.AppendLine(Invariant($"| plain chunked read, current window (median of 3) | {st.PlainReadMs:F0} | 1.0 | the floor |"));
        text.AppendLine(Invariant($"| reference profiles, streaming (sketch pass + count pass) | {st.ReferenceMs:F0} | | |"));
        text.AppendLine(Invariant($"| **PSI + JS + chi-square on the current window** (median of 3) | {st.WindowMs:F0} | **{st.WindowMs / st.PlainReadMs:F1}×** | {StreamingDifference(f, st, numericRows, categoricalRows)} |"));
        text.AppendLine();
        text.AppendLine(Invariant($"Streaming peak memory: **{st.PeakRssBytes / 1e6:F0} MB** resident (VmHWM of the child, .NET runtime included) for {f.Memory.DataBytes / 1e9:F2} GB of data ({100.0 * st.PeakRssBytes / f.Memory.DataBytes:F1}% of it)."));
    }

    /// <summary>How far the streaming answers are from the in-memory ones: PSI and JS differ through the sketch's edges; category statistics must not.</summary>
    private static string StreamingDifference(CaseFigures f, StreamingResult st, int[] numericRows, int[] categoricalRows)
    {
        double Largest(int[] rows, string key, bool relative)
        {
            var largest = 0.0;
            foreach (var j in rows)
            {
                if (st.Columns[f.Columns[j].Name].TryGetValue(key, out var streamed) && f.Windowed.TryGet(j, key, out var exact))
                {
                    var difference = Math.Abs(streamed - exact);
                    largest = Math.Max(largest, relative && difference > 0 ? difference / Math.Max(Math.Abs(streamed), Math.Abs(exact)) : difference);
                }
            }

            return largest;
        }

        return Invariant($"against the exact in-memory answers: PSI within {Largest(numericRows, "psi", relative: false):G2}, JS within {Largest(numericRows, "js", relative: false):G2} (absolute; sketch edges); categorical χ² {Largest(categoricalRows, "chiSquare", relative: true):G2}, p(χ²) {Largest(categoricalRows, "chiSquarePValue", relative: true):G2}, JS {Largest(categoricalRows, "js", relative: true):G2} (relative; exact counts)");
    }

    private static void Row(StringBuilder text, string name, PassTime time, double scipyMs, string disagreement)
    {
        var scipy = double.IsNaN(scipyMs) ? "" : scipyMs.ToString("F0", CultureInfo.InvariantCulture);
        var ratio = double.IsNaN(scipyMs) ? "" : Invariant($"{scipyMs / time.WallMs:F1}×");
        text.AppendLine(Invariant($"| {name} | {time.WallMs:F0} | {time.ThreadMs:F0} | {time.AllocatedBytes / 1e6:F0} | {scipy} | {ratio} | {disagreement} |"));
    }

    private static double Scipy(ScipyResult? scipy, string key) =>
        scipy is not null && scipy.TimingsMs.TryGetValue(key, out var value) ? value : double.NaN;

    /// <summary>The largest disagreement of each statistic over the given columns, with the column where it occurs.</summary>
    private static string Disagreement(CaseFigures f, Answers answers, int[] columns, string[] keys)
    {
        if (f.Scipy is null || columns.Length == 0)
        {
            return "";
        }

        var parts = new List<string>();
        foreach (var key in keys)
        {
            var worst = 0.0;
            var where = "";
            var absolute = false;
            foreach (var j in columns)
            {
                var name = f.Columns[j].Name;
                if (!answers.TryGet(j, key, out var mine) || !f.Scipy.Columns[name].TryGetValue(key, out var theirs))
                {
                    continue;
                }

                var isPValue = key.EndsWith("PValue", StringComparison.Ordinal);
                var (difference, isAbsolute) = Difference(mine, theirs, isPValue);
                if (double.IsNaN(difference) || difference > worst)
                {
                    (worst, where, absolute) = (difference, name, isAbsolute);
                    if (double.IsNaN(difference))
                    {
                        break;
                    }
                }
            }

            parts.Add(Invariant($"{Label(key)} {worst:G2}{(absolute ? " abs" : "")}{(worst > 0 ? $" ({where})" : "")}"));
        }

        return string.Join(", ", parts);
    }

    private static (double Difference, bool Absolute) Difference(double mine, double theirs, bool isPValue)
    {
        if (mine.Equals(theirs))
        {
            return (0, false);
        }

        if (isPValue && Math.Abs(mine) < TinyPValue && Math.Abs(theirs) < TinyPValue)
        {
            return (Math.Abs(mine - theirs), true);
        }

        return (Math.Abs(mine - theirs) / Math.Max(Math.Abs(mine), Math.Abs(theirs)), false);
    }

    private static string Label(string key) => key switch
    {
        "psi" => "PSI",
        "js" => "JS",
        "ksStatistic" => "D",
        "ksPValue" => "p",
        "wasserstein" => "W",
        "wassersteinNormalized" => "W/σ",
        "chiSquare" => "χ²",
        "chiSquarePValue" => "p(χ²)",
        _ => key,
    };

    private static int[] Indices(CaseFigures f, bool categorical) =>
        [.. Enumerable.Range(0, f.Columns.Count).Where(j => f.Columns[j].IsCategorical == categorical)];

    private static string ProjectFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MlopsFlows.Benchmarks.Drift.csproj")))
            {
                return folder.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
