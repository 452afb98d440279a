using System.Collections.Concurrent;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>
/// Baseline and candidate side by side, scripted per endpoint: the answer may depend on how many times the endpoint
/// was observed (so a test can fail the second canary step only). Live canaries and shadow replays share it.
/// </summary>
public sealed class FakeCanaryTelemetry : ICanaryTelemetry, IShadowTraffic
{
    private readonly ConcurrentDictionary<string, Func<int, CanaryObservation>> answers = new();
    private readonly ConcurrentDictionary<string, int> observations = new();
    private readonly ConcurrentDictionary<string, int> replays = new();

    public void Answer(string endpoint, Func<int, CanaryObservation> byObservation) => answers[endpoint] = byObservation;

    public int ObservationsOf(string endpoint) => observations.GetValueOrDefault(endpoint);

    public int ReplaysOf(string endpoint) => replays.GetValueOrDefault(endpoint);

    public Task<CanaryObservation> ObserveAsync(string endpoint, string model, int baselineVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken)
    {
        var n = observations.AddOrUpdate(endpoint, 1, (_, c) => c + 1);
        return Task.FromResult(answers[endpoint](n));
    }

    public Task<CanaryObservation> ReplayAsync(string endpoint, string model, int championVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken)
    {
        var n = replays.AddOrUpdate(endpoint, 1, (_, c) => c + 1);
        return Task.FromResult(answers[endpoint](n));
    }

    /// <summary>Both versions alike: same latency distribution, few errors, same predictions.</summary>
    public static CanaryObservation Alike(int seed = 1) => Observation(Latencies(seed, 120), Latencies(seed + 1, 120), errors: 1, candidateErrors: 1);

    /// <summary>The candidate is clearly slower.</summary>
    public static CanaryObservation Slower() => Observation(Latencies(3, 120), Latencies(4, 220), errors: 1, candidateErrors: 1);

    /// <summary>Too little traffic to judge.</summary>
    public static CanaryObservation Sparse() => new(
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1),
        new VersionObservation(new VersionSample([100, 110, 120], 3, 0), []),
        new VersionObservation(new VersionSample([105], 1, 0), []));

    private static CanaryObservation Observation(double[] baseline, double[] candidate, long errors, long candidateErrors)
    {
        var predictions = Enumerable.Range(0, 400).Select(i => (i * 37 % 400) / 400.0).ToArray();
        return new CanaryObservation(
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddMinutes(1),
            new VersionObservation(new VersionSample(baseline, 1_000, errors), predictions),
            new VersionObservation(new VersionSample(candidate, 1_000, candidateErrors), predictions));
    }

    private static double[] Latencies(int seed, double centre)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 300).Select(_ => centre + (random.NextDouble() * 40) - 20)];
    }
}
