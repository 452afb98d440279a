using System.Globalization;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>What the engine bench runs; parsed from its command line.</summary>
internal sealed record EngineBenchOptions
{
    public const string Usage = """
        engine bench: on the local Durable engine over Azurite, (a) releases per minute against bare five-step
        orchestrations, then (b) approval → next step latency, with decisions sent through the worker's own
        orchestration-service instance and through another instance (engine idle).

          dotnet run -c Release --project tests/MlopsFlows.Benchmarks -- engine [options] [--Section:Key=value ...]

          --releases N              pre-approved releases for the throughput phase, and as many bare orchestrations (default 100)
          --approvals N             releases approved for the latency phase (default 100, at most 450)
          --polling SECONDS         the engine's MaxQueuePollingInterval (default 0.5)
          --approval-concurrency N  approvals in flight at once in the latency phase (default 1)
          --out FOLDER              where the markdown result goes (default tests/MlopsFlows.Benchmarks/results)
          --in-memory               run Azurite in memory instead of on a throwaway folder (its queue GC then stalls it)
          --Section:Key=value       any other setting of the local host, e.g. --MlopsFlows:Local:PartitionCount=2
        """;

    /// <summary>The latency phase finds waiting releases in one <c>GET /api/releases</c> page, which holds at most 500.</summary>
    public const int MaxApprovals = 450;

    /// <summary>Pre-approved releases in phase (a); also the number of bare orchestrations.</summary>
    public int Releases { get; init; } = 100;

    /// <summary>Releases approved in phase (b).</summary>
    public int Approvals { get; init; } = 100;

    /// <summary>The engine's longest wait between polls of an idle queue.</summary>
    public TimeSpan Polling { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Approvals in flight at once; 1 means the next is sent once the previous one has reached its serving step.</summary>
    public int ApprovalConcurrency { get; init; } = 1;

    /// <summary>Folder of the markdown result; null: the project's <c>results</c> folder.</summary>
    public string? OutputFolder { get; init; }

    /// <summary>Azurite in memory (<c>--inMemoryPersistence</c>) rather than on a throwaway data folder.</summary>
    public bool AzuriteInMemory { get; init; }

    /// <summary>Releases started at once over HTTP, and bare orchestrations scheduled at once.</summary>
    public int StartConcurrency { get; init; } = 8;

    /// <summary><c>--Section:Key=value</c> arguments handed to the local host's configuration, after the bench's own.</summary>
    public IReadOnlyList<string> HostArguments { get; init; } = [];

    public static EngineBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EngineBenchOptions();
        var host = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                host.Add(arg);
                continue;
            }

            if (arg == "--in-memory")
            {
                options = options with { AzuriteInMemory = true };
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.\n\n{Usage}");
            options = arg switch
            {
                "--releases" => options with { Releases = Count(arg, value) },
                "--approvals" => options with { Approvals = Count(arg, value, max: MaxApprovals) },
                "--approval-concurrency" => options with { ApprovalConcurrency = Count(arg, value) },
                "--polling" => options with { Polling = Seconds(arg, value) },
                "--out" => options with { OutputFolder = value },
                _ => throw new ArgumentException($"Unknown option {arg}.\n\n{Usage}"),
            };
        }

        return options with { HostArguments = host };
    }

    private static int Count(string name, string value, int max = 10_000) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 && count <= max
            ? count
            : throw new ArgumentException($"{name} must be a whole number from 1 to {max}, not '{value}'.");

    private static TimeSpan Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 60
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{name} must be seconds above 0 and at most 60, e.g. 0.5, not '{value}'.");
}
