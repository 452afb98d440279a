using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

/// <summary>The vectorised bin count must put every value, edges included, where the definition says: bin i is (edge[i−1], edge[i]].</summary>
public sealed class BinCountingTests
{
    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 7)]
    [InlineData(10, 1001)]
    [InlineData(4, 10_000)]
    [InlineData(20, 10_003)]
    [InlineData(100, 10_003)]
    public void Compute_ValuesOnAndAroundEveryEdge_CountsMatchTheDefinition(int binCount, int windowSize)
    {
        var random = new Random(20261126);
        var reference = Enumerable.Range(0, 5000).Select(_ => Math.Round(random.NextDouble() * 50, 1)).ToArray();
        var profile = ReferenceProfile.Create(reference, binCount);
        var edges = profile.Edges.ToArray();
        var current = Enumerable.Range(0, windowSize)
            .Select(i => (i % 3) switch
            {
                0 => edges[i % edges.Length],
                1 => Math.BitDecrement(edges[i % edges.Length]),
                _ => (random.NextDouble() * 70) - 10,
            })
            .ToArray();

        var result = PopulationStabilityIndex.Compute(profile, current);

        var expected = new long[edges.Length + 1];
        foreach (var value in current)
        {
            expected[edges.Count(edge => edge < value)]++;
        }

        Assert.Equal(expected, result.CurrentCounts);
    }

    [Theory]
    [InlineData(0, double.NaN)]
    [InlineData(5, double.PositiveInfinity)]
    [InlineData(998, double.NegativeInfinity)]
    [InlineData(1000, double.NaN)]
    public void Compute_NonFiniteValueInWindow_ThrowsNamingItsIndex(int index, double bad)
    {
        // 1,001 values: index 1000 is past the last whole vector, the others inside one; the check rides on the count.
        var profile = ReferenceProfile.Create([.. Enumerable.Range(0, 100).Select(i => (double)i)]);
        var current = Enumerable.Range(0, 1001).Select(i => i % 97 * 1.0).ToArray();
        current[index] = bad;

        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute(profile, current));

        Assert.Equal("current", error.ParamName);
        Assert.Contains($"at index {index} ", error.Message, StringComparison.Ordinal);
    }
}
