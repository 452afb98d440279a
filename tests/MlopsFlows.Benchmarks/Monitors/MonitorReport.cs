using System.Globalization;
using System.Text;

namespace MlopsFlows.Benchmarks.Monitors;

/// <summary>The monitors bench's figures as markdown, printed and written to <c>results/</c>.</summary>
internal static class MonitorReport
{
    public static string Markdown(MonitorRun run, MonitorResult result)
    {
        var o = run.Options;
        var text = new StringBuilder();
        var checks = result.Checks;
        Line(text, $"### Monitors bench, {run.StartedAt:yyyy-MM-dd HH:mm} ({result.Monitors} monitors every {Seconds(o.Interval)} s, watched {o.Minutes} min)");
        Line(text);
        Line(text, $"Command: `dotnet run -c Release --project tests/MlopsFlows.Benchmarks -- monitors --count {o.Count} --minutes {o.Minutes} --interval {Seconds(o.Interval)} --rows {o.FeatureRows}{string.Concat(o.HostArguments.Select(a => " " + a))}`");
        Line(text);
        Line(text, $"Machine: {run.Machine}; load average {run.LoadAtStart} at the start, {run.LoadAtEnd} at the end. Azurite (data on disk), the engine, the sidecar, the worker, the API, the Databricks simulator and the bench share the cores.");
        Line(text, $"Engine: AzureStorageOrchestrationService on Azurite behind the in-process gRPC sidecar; {result.EngineSettings}.");
        Line(text, $"Each check: the serving endpoint's metrics (the simulator's Prometheus export), {(o.FeatureRows > 0 ? $"the minute's feature batch ({o.FeatureRows} rows, 4 columns, CSV) judged against the model's reference (2,000 rows; profiled once per model and kept)" : "no feature files (the feature read fails fast and the check is degraded)")}, one evidence record (blob + index row), then `ContinueAsNew`. Monitors run the bench policy's low tier (no automatic action) with the interval above, started with `MonitorControl.StartOrReplaceAsync` as a promotion starts them: all {result.Monitors} in {F1(result.StartElapsed.TotalSeconds)} s, so their first checks are due over the same {F1(result.StartElapsed.TotalSeconds)} s one interval later.");
        Line(text);

        var lateness = Ms(checks.Select(c => c.Lateness));
        var clamped = Ms(checks.Select(c => c.Lateness < TimeSpan.Zero ? TimeSpan.Zero : c.Lateness));
        var duration = Ms(checks.Select(c => c.Duration));
        var early = checks.Where(c => c.Lateness < TimeSpan.Zero).ToList();
        var expected = result.Monitors * (result.WatchTo - result.WatchFrom) / o.Interval;
        Line(text, $"**Checks due by the end of the watch and recorded: {checks.Count}** (about {F0(expected)} expected: {o.Minutes} min × {result.Monitors} monitors ÷ the interval; {result.Backlog} monitors more than an interval behind at the end). The evidence is read {Seconds(Min(o.Interval, TimeSpan.FromSeconds(20)))} s after the end, so checks due just before it have finished.");
        Line(text, $"Results: {string.Join(", ", checks.GroupBy(c => c.Decision).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"))}.");
        Line(text);
        Table(
            text,
            ["from the monitor's evidence (every check)", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "min ms"],
            [
                Row("lateness as recorded: start − due (negative: the timer fired early)", lateness),
                Row("lateness with early starts counted as on time", clamped),
                Row("check duration: start → its evidence record written", duration),
                Row("last lateness in each monitor's custom status at the end", Ms(result.LastLateness)),
            ]);
        Line(text);
        Line(text, early.Count == 0
            ? "No check started before it was due."
            : $"{early.Count} of {checks.Count} checks ({Percent(early.Count, checks.Count)}) started before they were due, the earliest {F0(-early.Min(c => c.Lateness).TotalMilliseconds)} ms early.");
        Line(text, "How lateness is counted: it is the monitor's own figure, recorded in every check's evidence and in its custom status (`MonitorStatus.LastLateness`): the orchestration time of the episode that runs the check (`context.CurrentUtcDateTime`, the engine's timestamp of that episode) minus the time the check was due on the monitor's grid. It includes the timer's delivery (the Azure Storage provider enqueues the timer message with a visibility delay; Azure queues may deliver it up to about a second early, hence the first row can go negative), the queue polling, and waiting for a free work-item slot. Early starts are shown as recorded in the first row and as zero in the second. The next check stays on the grid (due + interval), so neither early nor late starts accumulate.");
        Line(text);

        var minuteRows = checks
            .GroupBy(c => (int)Math.Floor((c.ScheduledAt - result.WatchFrom).TotalMinutes))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var late = Ms(g.Select(c => c.Lateness));
                var took = Ms(g.Select(c => c.Duration));
                return (string[])
                [
                    g.Key < 0 ? "before the last start" : $"minute {g.Key + 1}",
                    g.Count().ToString(CultureInfo.InvariantCulture),
                    F0(Percentiles.NearestRank(late, 50)), F0(Percentiles.NearestRank(late, 99)),
                    F0(Percentiles.NearestRank(took, 50)), F0(Percentiles.NearestRank(took, 99)),
                ];
            })
            .ToArray();
        Line(text, "By when the check was due (minutes after the last monitor started): do lateness and duration grow?");
        Line(text);
        Table(text, ["due in", "checks", "lateness p50 ms", "lateness p99 ms", "duration p50 ms", "duration p99 ms"], minuteRows);
        Line(text);
        var perMinute = Enumerable.Range(0, o.Minutes)
            .Select(m => checks.Count(c => c.RecordedAt >= result.WatchFrom.AddMinutes(m) && c.RecordedAt < result.WatchFrom.AddMinutes(m + 1)))
            .ToArray();
        Line(text, $"Checks completed (evidence recorded) in each minute of the watch: {string.Join(", ", perMinute)}; the monitors ask for {F0(result.Monitors * (TimeSpan.FromMinutes(1) / o.Interval))} a minute.");
        var tookP50 = checks.Count == 0 ? double.NaN : Percentiles.NearestRank(duration, 50);
        if (result.Backlog > 0 || tookP50 > o.Interval.TotalMilliseconds / 2)
        {
            Line(text);
            Line(text, $"**Saturated**: the checks start close to their due time (the timers fire on time), but a check then waits {F1(tookP50 / 1000)} s (median) for its activities and evidence write, and the next one is only scheduled once it has finished: {result.Backlog} of {result.Monitors} monitors were more than an interval behind at the end. The figures below show where the time goes.");
        }

        Line(text);

        var r = result.Resources;
        if (r.Count > 0)
        {
            Line(text, $"**Resources** while watching ({r.Count} samples, every 5 s):");
            Line(text);
            Table(
                text,
                ["process", "CPU cores mean", "CPU cores max", "memory mean MB", "memory max MB"],
                [
                    ["host (engine, sidecar, worker, API, simulator, bench)", F2(r.Average(s => s.HostCores)), F2(r.Max(s => s.HostCores)), F0(r.Average(s => s.HostWorkingSet) / 1048576), F0(r.Max(s => s.HostWorkingSet) / 1048576)],
                    ["  of which managed heap", "–", "–", F0(r.Average(s => s.HostManagedHeap) / 1048576), F0(r.Max(s => s.HostManagedHeap) / 1048576)],
                    ["Azurite (node)", F2(r.Average(s => s.AzuriteCores)), F2(r.Max(s => s.AzuriteCores)), F0(r.Average(s => s.AzuriteResident) / 1048576), F0(r.Max(s => s.AzuriteResident) / 1048576)],
                ]);
            Line(text);
            Line(text, $"Memory is the working set (resident) of each process. Load average while watching: {string.Join(", ", r.Where((_, i) => i % 12 == 0).Select(s => s.LoadAverage))} (one a minute).");
            Line(text, $"Task hub queues (messages, delayed timers included), one sample a minute: control {string.Join(", ", r.Where((_, i) => i % 12 == 11).Select(s => s.ControlMessages))}; work items {string.Join(", ", r.Where((_, i) => i % 12 == 11).Select(s => s.WorkItemMessages))}; at most {r.Max(s => s.ControlMessages)} and {r.Max(s => s.WorkItemMessages)}.");
        }

        if (result.Problems.Count > 0)
        {
            Line(text);
            Line(text, $"Problems ({result.Problems.Count}):");
            foreach (var problem in result.Problems.Take(20))
            {
                Line(text, $"- {problem}");
            }
        }

        return text.ToString();
    }

    /// <summary>Writes the markdown to <c>results/monitors-&lt;date&gt;-&lt;count&gt;.md</c> and returns its path.</summary>
    public static string Write(MonitorRun run, string markdown)
    {
        var folder = run.Options.OutputFolder ?? Path.Combine(ProjectFolder(), "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"monitors-{run.StartedAt:yyyy-MM-dd}-{run.Options.Count}x{run.Options.Interval.TotalSeconds:0}s.md"));
        File.WriteAllText(path, markdown);
        return path;
    }

    private static string ProjectFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MlopsFlows.Benchmarks.csproj")))
            {
                return folder.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static double[] Ms(IEnumerable<TimeSpan> spans) => [.. spans.Select(s => s.TotalMilliseconds).Order()];

    private static string[] Row(string what, double[] sorted) => [what, .. Summary(sorted)];

    private static string[] Summary(double[] sorted) => sorted.Length == 0
        ? ["0", "–", "–", "–", "–", "–"]
        :
        [
            sorted.Length.ToString(CultureInfo.InvariantCulture),
            F0(Percentiles.NearestRank(sorted, 50)),
            F0(Percentiles.NearestRank(sorted, 90)),
            F0(Percentiles.NearestRank(sorted, 99)),
            F0(sorted[^1]),
            F0(sorted[0]),
        ];

    private static void Table(StringBuilder text, string[] header, string[][] rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        Line(text, "| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        Line(text, "| " + string.Join(" | ", widths.Select((w, i) => i == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var row in rows)
        {
            Line(text, "| " + string.Join(" | ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))) + " |");
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Percent(int part, int whole) => (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string F0(double value) => double.IsNaN(value) ? "–" : value.ToString("0", CultureInfo.InvariantCulture);

    private static string F1(double value) => double.IsNaN(value) ? "–" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string F2(double value) => double.IsNaN(value) ? "–" : value.ToString("0.00", CultureInfo.InvariantCulture);
}
