using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Queues;

namespace MlopsFlows.Benchmarks.Monitors;

/// <summary>One reading of a process: CPU used since the previous reading (in cores) and resident memory.</summary>
/// <param name="ControlMessages">Messages in the task hub's control queues, delayed timer messages included.</param>
/// <param name="WorkItemMessages">Messages in its work-item (activity) queue.</param>
internal sealed record ResourceSample(
    DateTimeOffset At, double HostCores, long HostWorkingSet, long HostManagedHeap, double AzuriteCores, long AzuriteResident, string LoadAverage, int ControlMessages, int WorkItemMessages);

/// <summary>
/// Every few seconds, the CPU and memory of this process (the local host: engine, sidecar, worker, API, simulator and
/// the bench's own loop) and of the Azurite process, from the runtime and <c>/proc</c>, and the depth of the task hub's
/// queues.
/// </summary>
internal sealed class ResourceSampler : IAsyncDisposable
{
    // Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ), whatever the kernel's HZ.
    private const double TicksPerSecond = 100;
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly int azuritePid;
    private readonly QueueServiceClient queues;
    private readonly string taskHub;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly List<ResourceSample> samples = [];
    private readonly Task loop;

    public ResourceSampler(int azuritePid, string storageConnectionString, string taskHub)
    {
        this.azuritePid = azuritePid;
        queues = new QueueServiceClient(storageConnectionString);
        this.taskHub = taskHub.ToLowerInvariant();
        loop = Task.Run(RunAsync);
    }

    /// <summary>The samples taken in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public IReadOnlyList<ResourceSample> Between(DateTimeOffset from, DateTimeOffset to)
    {
        lock (gate)
        {
            return [.. samples.Where(s => s.At >= from && s.At <= to)];
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

    private async Task RunAsync()
    {
        using var self = Process.GetCurrentProcess();
        var wall = Stopwatch.GetTimestamp();
        var hostCpu = self.TotalProcessorTime;
        var azuriteCpu = AzuriteCpu();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(Every, stop.Token);
            self.Refresh();
            var elapsed = Stopwatch.GetElapsedTime(wall).TotalSeconds;
            var (nowHost, nowAzurite) = (self.TotalProcessorTime, AzuriteCpu());
            var sample = new ResourceSample(
                DateTimeOffset.UtcNow,
                (nowHost - hostCpu).TotalSeconds / elapsed,
                self.WorkingSet64,
                GC.GetGCMemoryInfo().HeapSizeBytes,
                (nowAzurite - azuriteCpu) / elapsed,
                AzuriteResident(),
                File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a",
                0,
                0);
            (wall, hostCpu, azuriteCpu) = (Stopwatch.GetTimestamp(), nowHost, nowAzurite);
            var (control, workItems) = await QueueDepthsAsync();
            sample = sample with { ControlMessages = control, WorkItemMessages = workItems };
            lock (gate)
            {
                samples.Add(sample);
            }
        }
    }

    // The Azure Storage provider's queues: <hub>-control-NN and <hub>-workitems.
    private async Task<(int Control, int WorkItems)> QueueDepthsAsync()
    {
        var (control, workItems) = (0, 0);
        try
        {
            await foreach (var queue in queues.GetQueuesAsync(prefix: taskHub + "-", cancellationToken: stop.Token))
            {
                var count = (await queues.GetQueueClient(queue.Name).GetPropertiesAsync(stop.Token)).Value.ApproximateMessagesCount;
                (control, workItems) = queue.Name.EndsWith("-workitems", StringComparison.Ordinal) ? (control, workItems + count) : (control + count, workItems);
            }
        }
        catch (Azure.RequestFailedException)
        {
            // A slow or busy Azurite: this sample goes without depths.
        }

        return (control, workItems);
    }

    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name, which may hold spaces.
    private double AzuriteCpu()
    {
        var path = $"/proc/{azuritePid}/stat";
        if (!File.Exists(path))
        {
            return 0;
        }

        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private long AzuriteResident()
    {
        var path = $"/proc/{azuritePid}/status";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
