using System.Collections.Concurrent;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Model Serving in memory: the live split per endpoint and every split anyone asked for, in order.</summary>
public sealed class FakeServingEndpoints : IServingEndpoints
{
    private readonly ConcurrentDictionary<string, TrafficSplit> live = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<TrafficSplit>> requested = new();

    public void Seed(string endpoint, TrafficSplit split) => live[endpoint] = split;

    public TrafficSplit TrafficOf(string endpoint) => live[endpoint];

    /// <summary>Every <see cref="SetTrafficAsync"/> call for the endpoint, no-ops included.</summary>
    public IReadOnlyList<TrafficSplit> RequestsTo(string endpoint) =>
        requested.TryGetValue(endpoint, out var calls) ? [.. calls] : [];

    public Task<TrafficSplit> GetTrafficAsync(string endpoint, CancellationToken cancellationToken) =>
        live.TryGetValue(endpoint, out var split)
            ? Task.FromResult(split)
            : throw new DependencyNotFoundException($"serving endpoint {endpoint} does not exist");

    public Task SetTrafficAsync(string endpoint, string model, TrafficSplit split, CancellationToken cancellationToken)
    {
        if (!live.ContainsKey(endpoint))
        {
            throw new DependencyNotFoundException($"serving endpoint {endpoint} does not exist");
        }

        if (!split.IsValid)
        {
            throw new ArgumentException($"invalid traffic split {split}", nameof(split));
        }

        requested.GetOrAdd(endpoint, _ => new ConcurrentQueue<TrafficSplit>()).Enqueue(split);
        live[endpoint] = split;
        return Task.CompletedTask;
    }
}
