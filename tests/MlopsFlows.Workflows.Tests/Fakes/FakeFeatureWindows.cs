using System.Collections.Concurrent;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>
/// Feature windows in memory. Every model shares one reference (income, age, region); a window is the reference
/// itself unless the test serves another, so an undisturbed model never drifts by chance.
/// </summary>
public sealed class FakeFeatureWindows : IFeatureWindows
{
    private static readonly double[] Income = Sample(seed: 1, count: 600, i => 50 + (10 * Gaussian(i)));
    private static readonly double[] Age = Sample(seed: 2, count: 600, i => 18 + (62 * i.NextDouble()));
    private static readonly string[] Regions = Enumerable.Range(0, 600).Select(i => new[] { "north", "south", "east", "west" }[i % 4]).ToArray();

    private readonly ConcurrentDictionary<(string Model, string Environment), Func<DateTimeOffset, DateTimeOffset, FeatureWindow>> windows = new();
    private readonly ConcurrentDictionary<(string Model, string Environment), int> reads = new();

    public static FeatureReference Reference { get; } = new(
        [new NumericReference("income", ReferenceProfile.Create(Income)), new NumericReference("age", ReferenceProfile.Create(Age))],
        [new CategoricalReference("region", CategoryCounts.FromValues(Regions))]);

    /// <summary>The reference's own values: no drift, no quality problem.</summary>
    public static FeatureWindow Stable(DateTimeOffset from, DateTimeOffset to) => new(
        from,
        to,
        [new NumericWindowColumn("income", Income, 0), new NumericWindowColumn("age", Age, 0)],
        [new CategoricalWindowColumn("region", CategoryCounts.FromValues(Regions), 0)]);

    /// <summary>Every column shifted: incomes up three deviations, ages older, regions all one unseen value.</summary>
    public static FeatureWindow Drifted(DateTimeOffset from, DateTimeOffset to) => new(
        from,
        to,
        [new NumericWindowColumn("income", Income.Select(v => v + 30).ToArray(), 0), new NumericWindowColumn("age", Age.Select(v => v + 25).ToArray(), 0)],
        [new CategoricalWindowColumn("region", CategoryCounts.FromValues(Regions.Select(_ => "mars")), 0)]);

    /// <summary>The reference's values, but four in ten incomes missing.</summary>
    public static FeatureWindow MissingIncomes(DateTimeOffset from, DateTimeOffset to) => Stable(from, to) with
    {
        Numeric = [new NumericWindowColumn("income", Income.AsMemory(0, 360), 240), new NumericWindowColumn("age", Age, 0)],
    };

    public void Serve(string model, string environment, Func<DateTimeOffset, DateTimeOffset, FeatureWindow> window) => windows[(model, environment)] = window;

    public int ReadsOf(string model, string environment) => reads.TryGetValue((model, environment), out var count) ? count : 0;

    public Task<FeatureReference> GetReferenceAsync(string model, CancellationToken cancellationToken) => Task.FromResult(Reference);

    public Task<FeatureWindow> GetWindowAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        reads.AddOrUpdate((model, environment), 1, (_, count) => count + 1);
        var window = windows.TryGetValue((model, environment), out var serve) ? serve : Stable;
        return Task.FromResult(window(windowStart, windowEnd));
    }

    private static double[] Sample(int seed, int count, Func<Random, double> next)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => next(random)).ToArray();
    }

    // Box–Muller: a standard normal from two uniforms.
    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
