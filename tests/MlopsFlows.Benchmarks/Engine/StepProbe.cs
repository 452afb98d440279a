using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// Stopwatch timestamps of the moments the latency phase measures to, taken inside the activities by wrapping the
/// ports they call: the first <see cref="IServingEndpoints.SetTrafficAsync"/> per serving endpoint (each release has
/// its own), and the first write of a release's "approval" evidence (the first activity after a decision).
/// </summary>
internal sealed class StepProbe
{
    private readonly FirstSightings trafficSet = new();
    private readonly FirstSightings approvalRecorded = new();

    /// <summary>Wraps the ports of a host's service collection; the wrapped services behave exactly as before.</summary>
    public void Install(IServiceCollection services)
    {
        services.Decorate<IServingEndpoints>(inner => new TimedServingEndpoints(inner, this));
        services.Decorate<IEvidenceStore>(inner => new TimedEvidenceStore(inner, this));
    }

    /// <summary>When <paramref name="endpoint"/>'s traffic was first set (a Stopwatch timestamp).</summary>
    public Task<long> TrafficSetAsync(string endpoint) => trafficSet.WhenSeen(endpoint);

    /// <summary>When the release's approval evidence was first written (a Stopwatch timestamp).</summary>
    public Task<long> ApprovalRecordedAsync(string releaseId) => approvalRecorded.WhenSeen(releaseId);

    private sealed class FirstSightings
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> seen = new(StringComparer.Ordinal);

        public void See(string key, long timestamp) => Slot(key).TrySetResult(timestamp);

        public Task<long> WhenSeen(string key) => Slot(key).Task;

        private TaskCompletionSource<long> Slot(string key) =>
            seen.GetOrAdd(key, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private sealed class TimedServingEndpoints(IServingEndpoints inner, StepProbe probe) : IServingEndpoints
    {
        public Task<TrafficSplit> GetTrafficAsync(string endpoint, CancellationToken cancellationToken) =>
            inner.GetTrafficAsync(endpoint, cancellationToken);

        public Task SetTrafficAsync(string endpoint, string model, TrafficSplit split, CancellationToken cancellationToken)
        {
            probe.trafficSet.See(endpoint, Stopwatch.GetTimestamp());
            return inner.SetTrafficAsync(endpoint, model, split, cancellationToken);
        }
    }

    private sealed class TimedEvidenceStore(IEvidenceStore inner, StepProbe probe) : IEvidenceStore
    {
        public Task<string> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken)
        {
            if (record.Step == "approval")
            {
                probe.approvalRecorded.See(record.ReleaseId, Stopwatch.GetTimestamp());
            }

            return inner.AppendAsync(record, cancellationToken);
        }

        public Task<IReadOnlyList<EvidenceEntry>> ListAsync(string releaseId, CancellationToken cancellationToken) =>
            inner.ListAsync(releaseId, cancellationToken);

        public Task<IReadOnlyList<StoredEvidence>> ReadChainAsync(string releaseId, CancellationToken cancellationToken) =>
            inner.ReadChainAsync(releaseId, cancellationToken);
    }
}

internal static class ServiceDecoration
{
    /// <summary>Replaces the last registration of <typeparamref name="TService"/> with <paramref name="wrap"/> around it, same lifetime.</summary>
    public static IServiceCollection Decorate<TService>(this IServiceCollection services, Func<TService, TService> wrap)
        where TService : class
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} is not registered, so it cannot be wrapped.");
        services.Remove(inner);
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp => wrap((TService)Create(sp, inner)), inner.Lifetime));
        return services;
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
