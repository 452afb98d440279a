using System.Globalization;

namespace MlopsFlows.Benchmarks.Monitors;

/// <summary>What the monitors bench runs; parsed from its command line.</summary>
internal sealed record MonitorBenchOptions
{
    public const string Usage = """
        monitors bench: N monitor orchestrations (one per model, as promotions start them) on the local Durable engine
        over Azurite, each checking its model every interval (serving telemetry from the Databricks simulator, a window of
        features against the model's reference, one evidence record); reports how late checks start, how long they take,
        and the CPU and memory of the host and of Azurite.

          dotnet run -c Release --project tests/MlopsFlows.Benchmarks -- monitors [options] [--Section:Key=value ...]

          --count N             monitors (default 1000)
          --minutes M           how long to watch them once all are started (default 5)
          --interval SECONDS    the monitoring interval (default 60)
          --rows N              feature rows per model per minute (default 100; 0: no feature files, checks read telemetry only)
          --polling SECONDS     the engine's MaxQueuePollingInterval (default 0.5)
          --out FOLDER          where the markdown result goes (default tests/MlopsFlows.Benchmarks/results)
          --Section:Key=value   any other setting of the local host, e.g. --MlopsFlows:Local:PartitionCount=8
        """;

    public int Count { get; init; } = 1000;

    public int Minutes { get; init; } = 5;

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public int FeatureRows { get; init; } = 100;

    public TimeSpan Polling { get; init; } = TimeSpan.FromMilliseconds(500);

    public string? OutputFolder { get; init; }

    /// <summary>Monitors started at once.</summary>
    public int StartConcurrency { get; init; } = 16;

    /// <summary><c>--Section:Key=value</c> arguments handed to the local host's configuration, after the bench's own.</summary>
    public IReadOnlyList<string> HostArguments { get; init; } = [];

    public static MonitorBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MonitorBenchOptions();
        var host = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                host.Add(arg);
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.\n\n{Usage}");
            options = arg switch
            {
                "--count" => options with { Count = Whole(arg, value, 1, 20_000) },
                "--minutes" => options with { Minutes = Whole(arg, value, 1, 240) },
                "--interval" => options with { Interval = TimeSpan.FromSeconds(Whole(arg, value, 5, 3600)) },
                "--rows" => options with { FeatureRows = Whole(arg, value, 0, 100_000) },
                "--polling" => options with { Polling = Seconds(arg, value) },
                "--out" => options with { OutputFolder = value },
                _ => throw new ArgumentException($"Unknown option {arg}.\n\n{Usage}"),
            };
        }

        return options with { HostArguments = host };
    }

    private static int Whole(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= min && count <= max
            ? count
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");

    private static TimeSpan Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 60
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{name} must be seconds above 0 and at most 60, e.g. 0.5, not '{value}'.");
}
