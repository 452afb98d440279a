using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Integrations.Prometheus;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// What the canary judge compares, from the serving endpoint's Prometheus export
/// (<c>GET /api/2.0/serving-endpoints/{name}/metrics</c>): per version, requests, 5xx answers and a latency sample
/// expanded from the latency histogram; and the predictions each version returned, from
/// <see cref="InferencePredictionSource"/>.
/// </summary>
/// <remarks>
/// <para>
/// Latencies are binned: each request stands at its bucket's midpoint (see <see cref="HistogramSamples"/>), thinned in
/// proportion to <see cref="CanaryTelemetryOptions.SampleCap"/> values. The Mann-Whitney test then sees many ties, which
/// it handles; its power is that of the buckets' resolution.
/// </para>
/// <para>
/// The export's counters are cumulative since each served entity was created, so the numbers cover each entity's life,
/// not exactly <c>window</c>: the candidate's entity is new with the release, the baseline's usually older. The window
/// bounds the predictions read and is reported as the observation's window.
/// </para>
/// <para>
/// Without predictions (no source configured, or none for the window) the judge's prediction-drift check is
/// inconclusive, never a pass.
/// </para>
/// </remarks>
public sealed class DatabricksCanaryTelemetry(
    HttpClient http,
    InferencePredictionSource predictions,
    IOptions<CanaryTelemetryOptions> options,
    TimeProvider time,
    ILogger<DatabricksCanaryTelemetry> logger) : ICanaryTelemetry
{
    public async Task<CanaryObservation> ObserveAsync(
        string endpoint, string model, int baselineVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);

        var end = time.GetUtcNow();
        var start = end - window;
        var text = await http.GetTextAsync($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}/metrics", cancellationToken).ConfigureAwait(false);
        var samples = ServedVersionMetrics.Parse(endpoint, text);

        var baseline = await ObserveVersionAsync(samples, endpoint, model, baselineVersion, start, end, cancellationToken).ConfigureAwait(false);
        var candidate = await ObserveVersionAsync(samples, endpoint, model, candidateVersion, start, end, cancellationToken).ConfigureAwait(false);
        return new CanaryObservation(start, end, baseline, candidate);
    }

    private async Task<VersionObservation> ObserveVersionAsync(
        IReadOnlyList<PrometheusSample> samples, string endpoint, string model, int version, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var metrics = ServedVersionMetrics.Of(samples, version);
        var latencies = HistogramSamples.Expand(metrics.LatencyBuckets, options.Value.SampleCap);
        var returned = await predictions.ReadAsync(endpoint, model, version, start, end, cancellationToken).ConfigureAwait(false);
        Log.CanaryVersionObserved(logger, endpoint, version, metrics.Requests, metrics.ServerErrors, latencies.Count, returned.Count);
        return new VersionObservation(new VersionSample(latencies, metrics.Requests, metrics.ServerErrors), returned);
    }
}
