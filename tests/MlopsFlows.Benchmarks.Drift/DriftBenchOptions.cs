using System.Globalization;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>The command line of the drift bench; every option has a default that reproduces the case.</summary>
internal sealed record DriftBenchOptions(
    int Rows,
    int Columns,
    int CategoricalColumns,
    bool AlsoTenMillion,
    bool RunScipy,
    bool RunStreaming,
    bool KeepData,
    int Seed,
    string WorkFolder)
{
    public const string Usage = """
        dotnet run -c Release --project tests/MlopsFlows.Benchmarks.Drift -- [options]
          --rows N           rows per window (default 1000000)
          --columns N        numeric columns (default 100)
          --categorical N    int-coded categorical columns besides them (default max(2, columns / 20))
          --also-10m         also run 10,000,000 rows x 10 columns
          --no-scipy         skip the scipy/numpy run (C# figures only)
          --no-streaming     skip the streaming mode (a child process reading each column in chunks)
          --keep             keep the generated binary files
          --seed N           generator seed (default 20251126)
          --work DIR         where the binary files go (default: the temp folder)
        """;

    public static DriftBenchOptions Parse(string[] args)
    {
        var options = new DriftBenchOptions(1_000_000, 100, -1, false, true, true, false, 20251126, Path.GetTempPath());
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--rows" => options with { Rows = Number(args, ++i) },
                "--columns" => options with { Columns = Number(args, ++i) },
                "--categorical" => options with { CategoricalColumns = Number(args, ++i) },
                "--also-10m" => options with { AlsoTenMillion = true },
                "--no-scipy" => options with { RunScipy = false },
                "--no-streaming" => options with { RunStreaming = false },
                "--keep" => options with { KeepData = true },
                "--seed" => options with { Seed = Number(args, ++i) },
                "--work" => options with { WorkFolder = Text(args, ++i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Columns, 1);
        return options;
    }

    /// <summary>The categorical column count for a case of <paramref name="numericColumns"/> numeric columns.</summary>
    public int CategoricalFor(int numericColumns) =>
        CategoricalColumns >= 0 ? CategoricalColumns : Math.Max(2, numericColumns / 20);

    private static int Number(string[] args, int i) =>
        int.Parse(Text(args, i).Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string Text(string[] args, int i) =>
        i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");
}
