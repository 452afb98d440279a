using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Workflows.Ports;

/// <summary>Model Serving: which versions an endpoint serves and how traffic is split between them.</summary>
public interface IServingEndpoints
{
    /// <exception cref="DependencyNotFoundException">The endpoint does not exist.</exception>
    Task<TrafficSplit> GetTrafficAsync(string endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the endpoint to serve exactly <paramref name="split"/> of <paramref name="model"/> and returns once the
    /// configuration is live. Setting the split it already has is a no-op.
    /// </summary>
    Task SetTrafficAsync(string endpoint, string model, TrafficSplit split, CancellationToken cancellationToken);
}

/// <summary>Serving telemetry: request counts, errors and latency per served version.</summary>
public interface IServingTelemetry
{
    Task<ServingMetrics> GetMetricsAsync(string endpoint, int version, TimeSpan window, CancellationToken cancellationToken);
}
