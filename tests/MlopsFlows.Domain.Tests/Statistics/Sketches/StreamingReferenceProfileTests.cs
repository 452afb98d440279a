using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Sketches;

namespace MlopsFlows.Domain.Tests.Statistics.Sketches;

public class StreamingReferenceProfileTests
{
    [Fact]
    public void FromSketch_NormalReference_EdgesWithinRankErrorOfDeciles()
    {
        var reference = KllSketchTests.Generate("normal", 300_000, seed: 7);
        var sketch = new KllSketch();
        sketch.AddRange(reference);

        var profile = Profile(sketch, reference);

        Assert.Equal(10, profile.BinCount);
        var total = (double)reference.Length;
        long cumulative = 0;
        for (var i = 0; i < profile.Edges.Count; i++)
        {
            cumulative += profile.ReferenceCounts[i];
            Assert.InRange(cumulative / total, ((i + 1) / 10.0) - profile.EdgeRankError, ((i + 1) / 10.0) + profile.EdgeRankError);
        }

        Assert.Equal(reference.Length, profile.ReferenceCounts.Sum());
    }

    [Fact]
    public void PopulationStabilityIndex_ShiftedWindow_CloseToExactProfilePsi()
    {
        var reference = KllSketchTests.Generate("normal", 200_000, seed: 8);
        var current = KllSketchTests.Generate("normal", 100_000, seed: 9).Select(x => x + 0.6).ToArray();
        var sketch = new KllSketch();
        sketch.AddRange(reference);
        var profile = Profile(sketch, reference);

        var counter = profile.NewCounter();
        foreach (var chunk in current.Chunk(8_192))
        {
            counter.AddRange(chunk);
        }

        var streaming = profile.PopulationStabilityIndex(counter);
        var exact = PopulationStabilityIndex.Compute(reference, current);

        Assert.Equal(profile.Edges, streaming.Edges);
        Assert.Equal(counter.Counts.ToArray(), streaming.CurrentCounts);
        Assert.True(Math.Abs(streaming.Value - exact.Value) <= 0.05 * exact.Value, $"streaming {streaming.Value} vs exact {exact.Value}");
    }

    [Fact]
    public void FromSketch_HeavyTies_CollapsesEqualEdges()
    {
        var sketch = new KllSketch();
        sketch.AddRange(KllSketchTests.Generate("heavy-ties", 50_000, seed: 3));

        var profile = StreamingReferenceProfile.FromSketch(sketch);

        Assert.True(profile.BinCount < 10);
        Assert.Equal(profile.Edges.Distinct().Count(), profile.Edges.Count);
    }

    [Fact]
    public void WithReferenceCounts_CounterOfAnotherProfile_Throws()
    {
        var sketch = new KllSketch();
        sketch.AddRange([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var a = StreamingReferenceProfile.FromSketch(sketch);
        var b = StreamingReferenceProfile.FromSketch(sketch);
        var counter = b.NewCounter();
        counter.AddRange([1, 2]);

        Assert.Throws<ArgumentException>(() => a.WithReferenceCounts(counter));
    }

    [Fact]
    public void AddRange_NaN_ThrowsAndCountsNothing()
    {
        var sketch = new KllSketch();
        sketch.AddRange([1, 2, 3]);
        var counter = StreamingReferenceProfile.FromSketch(sketch).NewCounter();

        Assert.Throws<ArgumentException>(() => counter.AddRange([1, double.NaN]));
        Assert.Equal(0, counter.Total);
    }

    [Fact]
    public void AddRange_InfinityInALongChunk_ThrowsNamingItAndKeepsEarlierCounts()
    {
        var reference = KllSketchTests.Generate("normal", 10_000, seed: 3);
        var sketch = new KllSketch();
        sketch.AddRange(reference);
        var counter = StreamingReferenceProfile.FromSketch(sketch).NewCounter();
        counter.AddRange(reference);
        var before = counter.Counts.ToArray();
        var chunk = reference.ToArray();
        chunk[4321] = double.NegativeInfinity;

        var error = Assert.Throws<ArgumentException>(() => counter.AddRange(chunk));

        Assert.Contains("at index 4321 ", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, counter.Counts.ToArray());
        Assert.Equal(reference.Length, counter.Total);
    }

    private static StreamingReferenceProfile Profile(KllSketch sketch, double[] reference)
    {
        var profile = StreamingReferenceProfile.FromSketch(sketch);
        var counter = profile.NewCounter();
        foreach (var chunk in reference.Chunk(65_536))
        {
            counter.AddRange(chunk);
        }

        return profile.WithReferenceCounts(counter);
    }
}
