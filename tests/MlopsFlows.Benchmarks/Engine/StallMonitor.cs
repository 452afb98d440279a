using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>The worst stalls seen during a run: of this process (a late timer) and of Azurite (a slow ping).</summary>
internal sealed record StallSummary(TimeSpan WorstTimerLateness, int ProcessStalls, TimeSpan WorstAzuritePing, int AzuriteStalls);

/// <summary>
/// Watches for stalls that would distort the figures: a 100 ms timer in this process (late when the thread pool has no
/// thread free or the runtime pauses) and a ping of Azurite's table and queue services every 250 ms (slow when Node is
/// busy, e.g. in its queue GC). Anything over a second is printed as it happens and counted in the report.
/// </summary>
internal sealed class StallMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Reported = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly TableServiceClient tables;
    private readonly QueueServiceClient queues;
    private readonly Task timer;
    private readonly Task ping;
    private TimeSpan worstLateness;
    private int processStalls;
    private TimeSpan worstPing;
    private int azuriteStalls;

    public StallMonitor(string storageConnectionString)
    {
        tables = new TableServiceClient(storageConnectionString);
        queues = new QueueServiceClient(storageConnectionString);
        timer = Task.Run(WatchTimerAsync);
        ping = Task.Run(PingAzuriteAsync);
    }

    public StallSummary Summary()
    {
        lock (gate)
        {
            return new StallSummary(worstLateness, processStalls, worstPing, azuriteStalls);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        foreach (var loop in new[] { timer, ping })
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        stop.Dispose();
    }

    private async Task WatchTimerAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var before = Stopwatch.GetTimestamp();
            await Task.Delay(Tick, stop.Token);
            var late = Stopwatch.GetElapsedTime(before) - Tick;
            lock (gate)
            {
                worstLateness = late > worstLateness ? late : worstLateness;
                if (late > Reported)
                {
                    processStalls++;
                    BenchConsole.Say($"    ! stall: a 100 ms timer fired {late.TotalSeconds:F1} s late (thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued)");
                }
            }
        }
    }

    private async Task PingAzuriteAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var before = Stopwatch.GetTimestamp();
            TimeSpan table, queue;
            try
            {
                await tables.GetPropertiesAsync(stop.Token);
                table = Stopwatch.GetElapsedTime(before);
                before = Stopwatch.GetTimestamp();
                await queues.GetPropertiesAsync(stop.Token);
                queue = Stopwatch.GetElapsedTime(before);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
            {
                BenchConsole.Say($"    ! Azurite ping failed: {ex.Message}");
                await Task.Delay(PingInterval, stop.Token);
                continue;
            }

            var slowest = table > queue ? table : queue;
            lock (gate)
            {
                worstPing = slowest > worstPing ? slowest : worstPing;
                if (slowest > Reported)
                {
                    azuriteStalls++;
                    BenchConsole.Say($"    ! Azurite slow: table service {table.TotalSeconds:F1} s, queue service {queue.TotalSeconds:F1} s to answer a ping");
                }
            }

            await Task.Delay(PingInterval, stop.Token);
        }
    }
}
