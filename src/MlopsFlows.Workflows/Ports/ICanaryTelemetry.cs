using MlopsFlows.Domain.Statistics.Judge;

namespace MlopsFlows.Workflows.Ports;

/// <summary>
/// Two versions side by side over the same window: per-request latencies (or a sample of them), request and error
/// counts, and the predictions each returned (for prediction drift between them).
/// </summary>
public sealed record VersionObservation(VersionSample Sample, IReadOnlyList<double> Predictions);

public sealed record CanaryObservation(DateTimeOffset WindowStart, DateTimeOffset WindowEnd, VersionObservation Baseline, VersionObservation Candidate);

/// <summary>What the judge compares: the baseline and the canary serving live traffic over the same window.</summary>
public interface ICanaryTelemetry
{
    Task<CanaryObservation> ObserveAsync(string endpoint, string model, int baselineVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>
/// Shadow mode. Model Serving cannot mirror traffic, so the candidate is deployed at 0% and recent production
/// requests are replayed against it; its answers are compared with the champion's, never returned to callers.
/// </summary>
public interface IShadowTraffic
{
    Task<CanaryObservation> ReplayAsync(string endpoint, string model, int championVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken);
}
