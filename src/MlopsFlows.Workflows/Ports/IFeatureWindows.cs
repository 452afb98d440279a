using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Workflows.Ports;

/// <summary>The features a production model received, by window, and the reference (training) features they are compared with.</summary>
public interface IFeatureWindows
{
    /// <summary>The model's reference features, profiled once (implementations may cache: a reference does not change under a monitor).</summary>
    /// <exception cref="DependencyNotFoundException">The model has no reference.</exception>
    Task<FeatureReference> GetReferenceAsync(string model, CancellationToken cancellationToken);

    /// <summary>The features the model received in <paramref name="environment"/> from <paramref name="windowStart"/> (inclusive) to <paramref name="windowEnd"/> (exclusive); empty columns when none arrived.</summary>
    Task<FeatureWindow> GetWindowAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken);
}
