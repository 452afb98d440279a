using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// Stopwatch timestamps of the moments the latency phase measures to, taken inside the activities by wrapping the
/// ports they call: the first <see cref="IServingEndpoints.SetTrafficAsync"/> per serving endpoint (each release has
/// its own), and the first write of each evidence step of a release ("approval" is the first activity after a decision,
/// "outcome" the last of a release).
/// </summary>
internal sealed class StepProbe
{
    private readonly FirstSightings trafficSet = new();
    private readonly FirstSightings evidenceWritten = new();

    /// <summary>Wraps the ports in a host's services; the wrapped ports behave exactly as before.</summary>
    public void Install(IServiceCollection services)
    {
        services.Decorate<IServingEndpoints>(inner => EntryProxy<IServingEndpoints>.Wrap(inner, (method, args) =>
        {
            if (method.Name == nameof(IServingEndpoints.SetTrafficAsync) && args?[0] is string endpoint)
            {
                trafficSet.See(endpoint, Stopwatch.GetTimestamp());
            }
        }));
        services.Decorate<IEvidenceStore>(inner => EntryProxy<IEvidenceStore>.Wrap(inner, (method, args) =>
        {
            if (method.Name == nameof(IEvidenceStore.AppendAsync) && args?[0] is EvidenceRecord record)
            {
                evidenceWritten.See(EvidenceKey(record.ReleaseId, record.Step), Stopwatch.GetTimestamp());
            }
        }));
    }

    /// <summary>When <paramref name="endpoint"/>'s traffic was first set (a Stopwatch timestamp).</summary>
    public Task<long> TrafficSetAsync(string endpoint) => trafficSet.WhenSeen(endpoint);

    /// <summary>When the release's evidence of <paramref name="step"/> (e.g. "approval") was first written (a Stopwatch timestamp).</summary>
    public Task<long> EvidenceWrittenAsync(string releaseId, string step) => evidenceWritten.WhenSeen(EvidenceKey(releaseId, step));

    private static string EvidenceKey(string releaseId, string step) => releaseId + "\n" + step;

    private sealed class FirstSightings
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> seen = new(StringComparer.Ordinal);

        public void See(string key, long timestamp) => Slot(key).TrySetResult(timestamp);

        public Task<long> WhenSeen(string key) => Slot(key).Task;

        private TaskCompletionSource<long> Slot(string key) =>
            seen.GetOrAdd(key, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}

/// <summary>
/// A pass-through proxy of interface <typeparamref name="T"/> that reports each call as it is entered. A proxy rather
/// than a hand-written decorator, so the bench keeps compiling as the ports grow members.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this class at run time.
internal class EntryProxy<T> : DispatchProxy
#pragma warning restore CA1852
    where T : class
{
    private T inner = null!;
    private Action<MethodInfo, object?[]?> entered = null!;

    public static T Wrap(T inner, Action<MethodInfo, object?[]?> entered)
    {
        var proxy = Create<T, EntryProxy<T>>();
        var self = (EntryProxy<T>)(object)proxy;
        self.inner = inner;
        self.entered = entered;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        entered(targetMethod, args);
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
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
