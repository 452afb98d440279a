using System.Diagnostics;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// Watches the bench process for stalls: a timer that should tick every 100 ms, and how late each tick is. A late tick
/// means the thread pool had no thread free (or the runtime paused), so figures taken meanwhile include that wait.
/// </summary>
internal sealed class StallMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Reported = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Lock gate = new();
    private TimeSpan worst;
    private int stalls;
    private int maxThreads;

    public StallMonitor() => loop = Task.Run(WatchAsync);

    /// <summary>The latest tick was late by this much at worst, and this many ticks were over a second late.</summary>
    public (TimeSpan Worst, int Stalls, int MaxThreads) TakeAndReset()
    {
        lock (gate)
        {
            var result = (worst, stalls, maxThreads);
            (worst, stalls, maxThreads) = (TimeSpan.Zero, 0, 0);
            return result;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var before = Stopwatch.GetTimestamp();
            await Task.Delay(Tick, stop.Token);
            var late = Stopwatch.GetElapsedTime(before) - Tick;
            lock (gate)
            {
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
                worst = late > worst ? late : worst;
                if (late > Reported)
                {
                    stalls++;
                    BenchConsole.Say($"    ! stall: a 100 ms timer fired {late.TotalSeconds:F1} s late (thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued)");
                }
            }
        }
    }
}
