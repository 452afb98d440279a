using MlopsFlows.Benchmarks.Engine;
using MlopsFlows.Benchmarks.Monitors;

// Bench commands, run by hand; their figures go in the README. Not tests: nothing here asserts a threshold.
//   dotnet run -c Release --project tests/MlopsFlows.Benchmarks -- engine [--releases 100] [--approvals 100] [--polling 0.5]
//   dotnet run -c Release --project tests/MlopsFlows.Benchmarks -- monitors [--count 1000] [--minutes 5] [--interval 60]
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var verb = args.Length > 0 ? args[0] : "help";
return verb switch
{
    "engine" => await EngineBench.RunAsync(args[1..], stop.Token),
    "monitors" => await MonitorBench.RunAsync(args[1..], stop.Token),
    _ => Help(verb),
};

static int Help(string verb)
{
    if (verb is not ("help" or "--help" or "-h"))
    {
        Console.Error.WriteLine($"Unknown bench '{verb}'.");
    }

    Console.WriteLine(EngineBenchOptions.Usage);
    Console.WriteLine(MonitorBenchOptions.Usage);
    return verb is "help" or "--help" or "-h" ? 0 : 2;
}
