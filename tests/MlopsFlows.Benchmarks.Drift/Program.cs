using MlopsFlows.Benchmarks.Drift;

// Drift report bench (not a test): the domain's drift engine against scipy/numpy on the same generated data.
//   dotnet run -c Release --project tests/MlopsFlows.Benchmarks.Drift -- [--rows 1000000 --columns 100] [--also-10m]
if (args is ["help" or "--help" or "-h"])
{
    Console.WriteLine(DriftBenchOptions.Usage);
    return 0;
}

if (args is [StreamingBench.ChildVerb, var folder])
{
    return StreamingBench.RunChild(folder);
}

var options = DriftBenchOptions.Parse(args);
var cases = new List<(int Rows, int Columns)> { (options.Rows, options.Columns) };
if (options.AlsoTenMillion)
{
    cases.Add((10_000_000, 10));
}

// Warm-up: every code path once on a small case, so that tiering and the thread pool are settled before timing.
Console.WriteLine("warm-up on 20,000 rows x 6 columns ...");
DriftBench.Run(options with { RunScipy = false, RunStreaming = false, KeepData = false }, 20_000, 6, print: false);

var reports = new List<string>();
foreach (var (rows, columns) in cases)
{
    reports.Add(DriftBench.Run(options, rows, columns));
}

var path = DriftReport.Save(reports);
Console.WriteLine($"Written to {path}");
return 0;
