using System.Diagnostics;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>A pass over columns: the wall time, and the time the threads spent in it summed over columns.</summary>
internal sealed record PassTime(double WallMs, double ThreadMs, long AllocatedBytes)
{
    public static PassTime Zero { get; } = new(0, 0, 0);

    public static PassTime operator +(PassTime a, PassTime b) =>
        new(a.WallMs + b.WallMs, a.ThreadMs + b.ThreadMs, a.AllocatedBytes + b.AllocatedBytes);
}

internal static class Timing
{
    private static int induced;

    /// <summary>The collections the bench itself forced between passes (each generation counts each one).</summary>
    public static int InducedCollections => induced;

    /// <summary>Runs <paramref name="body"/> for every index in parallel (one worker per core) and times it.</summary>
    public static PassTime ParallelPass(IReadOnlyList<int> indices, Action<int> body) =>
        Pass(indices, body, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="body"/> for every index on one thread, as scipy runs, and times it.</summary>
    public static PassTime SingleThreadPass(IReadOnlyList<int> indices, Action<int> body) => Pass(indices, body, 1);

    private static PassTime Pass(IReadOnlyList<int> indices, Action<int> body, int threads)
    {
        Settle();
        long threadTicks = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, indices.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var columnStarted = Stopwatch.GetTimestamp();
            body(indices[k]);
            Interlocked.Add(ref threadTicks, Stopwatch.GetTimestamp() - columnStarted);
        });
        var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new PassTime(wall, threadTicks * 1000.0 / Stopwatch.Frequency, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    /// <summary>Times a sequential action.</summary>
    public static double Milliseconds(Action action)
    {
        Settle();
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>The median of <paramref name="count"/> runs.</summary>
    public static T Median<T>(int count, Func<T> run, Func<T, double> key)
    {
        var runs = Enumerable.Range(0, count).Select(_ => run()).OrderBy(key).ToList();
        return runs[count / 2];
    }

    /// <summary>Leaves the previous pass's garbage out of the next pass's timing.</summary>
    private static void Settle()
    {
        induced += 2;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
