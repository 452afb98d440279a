using System.Globalization;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>Progress lines with the time of day, so a long run shows where it is.</summary>
internal static class BenchConsole
{
    public static void Say(string line) =>
        Console.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");
}
