using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>The retraining job as Databricks runs it: one run per idempotency key, every request remembered.</summary>
public sealed class FakeRetrainingJobs : IRetrainingJobs
{
    private readonly ConcurrentDictionary<string, string> runs = new();
    private readonly ConcurrentQueue<(string Model, string IdempotencyKey)> requests = new();
    private int nextRun;

    public IReadOnlyList<(string Model, string IdempotencyKey)> RequestsFor(string model) => [.. requests.Where(r => r.Model == model)];

    public string? RunOf(string idempotencyKey) => runs.TryGetValue(idempotencyKey, out var run) ? run : null;

    public Task<string> StartAsync(string model, string idempotencyKey, CancellationToken cancellationToken)
    {
        requests.Enqueue((model, idempotencyKey));
        return Task.FromResult(runs.GetOrAdd(idempotencyKey, _ => $"{1000 + Interlocked.Increment(ref nextRun)}"));
    }
}
