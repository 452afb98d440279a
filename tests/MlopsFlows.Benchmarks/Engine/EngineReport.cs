using System.Globalization;
using System.Text;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>The run's figures as a markdown snippet for the README, printed and written to <c>results/</c>.</summary>
internal static class EngineReport
{
    private static readonly TimeSpan LatencyGoal = TimeSpan.FromSeconds(1);

    public static string Markdown(EngineRun run, ThroughputResult a, IReadOnlyList<ApprovalLatencyResult> b)
    {
        var o = run.Options;
        var text = new StringBuilder();
        Line(text, $"### Engine bench, {run.StartedAt:yyyy-MM-dd HH:mm} (MaxQueuePollingInterval {Seconds(o.Polling)} s)");
        Line(text);
        Line(text, $"Machine: {run.Machine}; load average {run.LoadAtStart} at the start, {run.LoadAtEnd} at the end (other work on the machine slows every figure). Azurite, the worker, the sidecar, the API, the Databricks simulator and the bench share the cores.");
        Line(text, $"Engine: AzureStorageOrchestrationService on Azurite ({run.AzuriteMode}) behind the in-process gRPC sidecar; {run.EngineSettings}. Simulator config updates are live at once.");
        var stalls = run.Stalls;
        Line(text, stalls.ProcessStalls + stalls.AzuriteStalls == 0
            ? $"No stalls during the run: Azurite answered every ping (every 250 ms) within {Ms(stalls.WorstAzuritePing)} ms; the bench's 100 ms timer was never more than {Ms(stalls.WorstTimerLateness)} ms late."
            : $"**Stalls during the run** (figures include them): {stalls.AzuriteStalls} Azurite pings over 1 s (worst {Ms(stalls.WorstAzuritePing)} ms), {stalls.ProcessStalls} late timers over 1 s (worst {Ms(stalls.WorstTimerLateness)} ms).");
        Line(text);
        Line(text, $"**(a) Throughput.** {a.Releases} releases (distinct models, each its own endpoint; bench policy tier low: pre-approved, blue/green with a 1 s bake, judged) started over the HTTP API, then {a.BareOrchestrations} bare `{nameof(FiveStepSequence)}` orchestrations (five sequential no-op activities) scheduled with the Durable client, {o.StartConcurrency} requests at a time; timed from the first start until the engine reports all ended (polled every 250 ms).");
        Line(text);
        Table(
            text,
            ["workload", "count", "elapsed s", "per minute", "activities each", "episodes each", "activities/s"],
            [
                ["release (low tier: blue/green, 1 s bake)", Int(a.Releases), F1(a.ReleasesElapsed.TotalSeconds), F1(a.ReleasesPerMinute), F1(a.ActivitiesPerRelease), F1(a.EpisodesPerRelease), F1(a.Releases * a.ActivitiesPerRelease / a.ReleasesElapsed.TotalSeconds)],
                [$"bare {nameof(FiveStepSequence)}", Int(a.BareOrchestrations), F1(a.BareElapsed.TotalSeconds), F1(a.BarePerMinute), F1(a.ActivitiesPerBare), F1(a.EpisodesPerBare), F1(a.BareOrchestrations * a.ActivitiesPerBare / a.BareElapsed.TotalSeconds)],
            ]);
        Line(text);
        Line(text, $"One release costs **{F1(a.ReleaseCostInBare)} bare orchestrations** of engine time. Activities and episodes are counted in each instance's stored history (TaskScheduled, OrchestratorStarted).");
        Line(text);
        var concurrency = b.Count > 0 ? b[0].Concurrency : o.ApprovalConcurrency;
        var pace = concurrency == 1
            ? "one at a time (the next decision is sent once the previous release has entered SetServingTraffic; on the idle-engine path, once the previous release has ended and 2 × MaxQueuePollingInterval has passed)"
            : $"{concurrency} in flight at once";
        Line(text, $"**(b) Approval latency.** Per decision path, {o.Approvals} releases waiting for approval (approvers notified, the orchestration idle at the decision), approved over the HTTP API {pace}; each time measured from just before `POST /api/releases/{{id}}/decisions` (Stopwatch; nearest-rank percentiles).");
        Line(text);
        Table(
            text,
            ["decision reaches the engine through", "from the decision POST until", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"],
            [
                .. b.SelectMany(r => new[]
                {
                    Row(r.Path.Title, "the POST is answered (202)", r.DecisionAnswered),
                    Row(r.Path.Title, "first activity entered (approval evidence write)", r.FirstActivity),
                    Row(r.Path.Title, "`SetServingTraffic` entered", r.TrafficSet),
                }),
            ]);
        Line(text);
        foreach (var r in b)
        {
            var met = r.TrafficSet.Count == r.Approvals && r.TrafficSet.P99 < LatencyGoal.TotalMilliseconds;
            Line(text, $"- Goal, approval → `SetServingTraffic` p99 under {Seconds(LatencyGoal)} s, through {r.Path.Title}: **{(met ? "met" : "not met")}** (p99 {F0(r.TrafficSet.P99)} ms; {F1(r.ApprovingElapsed.TotalSeconds)} s for all approvals).");
        }

        var problems = a.Problems.Concat(b.SelectMany(r => r.Problems)).ToList();
        if (problems.Count > 0)
        {
            Line(text);
            Line(text, $"Problems ({problems.Count}):");
            foreach (var problem in problems.Take(20))
            {
                Line(text, $"- {problem}");
            }
        }

        return text.ToString();
    }

    /// <summary>Writes the snippet to <c>results/engine-&lt;date&gt;-polling-&lt;ms&gt;ms.md</c> (one file per day and polling interval) and returns its path.</summary>
    public static string Write(EngineRun run, string markdown)
    {
        var folder = run.Options.OutputFolder ?? Path.Combine(ProjectFolder(), "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"engine-{run.StartedAt:yyyy-MM-dd}-polling-{run.Options.Polling.TotalMilliseconds:0}ms.md"));
        File.WriteAllText(path, markdown);
        return path;
    }

    // The bench runs from bin/<configuration>/<framework>/; its project folder is the nearest one above holding the project file.
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

    private static string[] Row(string path, string until, LatencySummary s) => [path, until, Int(s.Count), F0(s.P50), F0(s.P90), F0(s.P99), F0(s.Max)];

    private static void Table(StringBuilder text, string[] header, string[][] rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        Line(text, "| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        Line(text, "| " + string.Join(" | ", widths.Select((w, i) => IsNumeric(rows, i) ? new string('-', w - 1) + ":" : new string('-', w))) + " |");
        foreach (var row in rows)
        {
            Line(text, "| " + string.Join(" | ", row.Select((cell, i) => IsNumeric(rows, i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))) + " |");
        }
    }

    // A column of figures is right-aligned; a column of words is left-aligned.
    private static bool IsNumeric(string[][] rows, int column) =>
        rows.All(r => r[column].Length > 0 && (char.IsAsciiDigit(r[column][0]) || r[column] == "–"));

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F0(double value) => double.IsNaN(value) ? "–" : value.ToString("0", CultureInfo.InvariantCulture);

    private static string F1(double value) => double.IsNaN(value) ? "–" : value.ToString("0.0", CultureInfo.InvariantCulture);
}
