using System.Collections.ObjectModel;
using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Statistics.Sketches;

/// <summary>
/// The streaming counterpart of <see cref="ReferenceProfile"/> for PSI on data larger than memory: bin edges at the
/// reference quantiles estimated by a <see cref="KllSketch"/>, and exact reference counts in those bins from a second
/// pass over the reference (<see cref="BinCounter"/>). Current windows are counted in one pass each.
/// </summary>
/// <remarks>
/// Bins follow <see cref="ReferenceProfile"/>: right-closed (edge[i−1], edge[i]], outer bins open, equal edges
/// collapsed. Only the edges are approximate: each sits at a true reference rank within
/// <see cref="EdgeRankError"/> of k/B (with 99% confidence), so a bin's reference share may differ from 1/B by up to
/// twice that. The counts, and therefore the PSI over these bins, are exact for the bins used.
/// </remarks>
public sealed class StreamingReferenceProfile
{
    private readonly double[] edges;
    private readonly long[] referenceCounts;

    private StreamingReferenceProfile(double[] edges, long[] referenceCounts, int requestedBinCount, double edgeRankError)
    {
        this.edges = edges;
        this.referenceCounts = referenceCounts;
        RequestedBinCount = requestedBinCount;
        EdgeRankError = edgeRankError;
        Edges = new ReadOnlyCollection<double>(edges);
        ReferenceCounts = new ReadOnlyCollection<long>(referenceCounts);
    }

    /// <summary>The bin count asked for; <see cref="BinCount"/> is smaller when ties collapsed edges.</summary>
    public int RequestedBinCount { get; }

    /// <summary>The number of bins: one more than the number of distinct inner edges.</summary>
    public int BinCount => edges.Length + 1;

    /// <summary>The distinct inner edges, ascending.</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>The exact number of reference values in each bin.</summary>
    public IReadOnlyList<long> ReferenceCounts { get; }

    /// <summary>How far (as a share of the reference) each edge's rank may sit from its target: the sketch's bound.</summary>
    public double EdgeRankError { get; }

    /// <summary>
    /// The edges from a sketch of the whole reference, with <paramref name="binCount"/> − 1 quantiles at k/B; the
    /// reference counts are then gathered by passing the reference through <see cref="NewCounter"/> once more and
    /// handing that counter to <see cref="WithReferenceCounts"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The sketch is empty.</exception>
    public static StreamingReferenceProfile FromSketch(KllSketch sketch, int binCount = ReferenceProfile.DefaultBinCount)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 2);
        if (sketch.IsEmpty)
        {
            throw new ArgumentException("The sketch is empty; sketch the reference first.", nameof(sketch));
        }

        var quantiles = new double[binCount - 1];
        for (var i = 1; i < binCount; i++)
        {
            quantiles[i - 1] = sketch.Quantile((double)i / binCount);
        }

        // Quantile is monotone in q, so the edges are sorted; drop repeats as ReferenceProfile does.
        var distinct = 0;
        for (var i = 0; i < quantiles.Length; i++)
        {
            if (distinct == 0 || quantiles[i] != quantiles[distinct - 1])
            {
                quantiles[distinct++] = quantiles[i];
            }
        }

        var edges = quantiles[..distinct];
        return new StreamingReferenceProfile(edges, new long[edges.Length + 1], binCount, sketch.RankErrorBound);
    }

    /// <summary>An empty counter over this profile's bins, for the reference's second pass or a current window.</summary>
    public BinCounter NewCounter() => new(edges);

    /// <summary>This profile with the reference counts of a second pass.</summary>
    /// <exception cref="ArgumentException">The counter was made by another profile, or counted nothing.</exception>
    public StreamingReferenceProfile WithReferenceCounts(BinCounter reference)
    {
        RequireOwnCounter(reference, nameof(reference));
        if (reference.Total == 0)
        {
            throw new ArgumentException("The reference counter counted nothing.", nameof(reference));
        }

        return new StreamingReferenceProfile(edges, reference.Counts.ToArray(), RequestedBinCount, EdgeRankError);
    }

    /// <summary>PSI of a current window counted by <paramref name="current"/> against this profile's reference counts.</summary>
    /// <exception cref="ArgumentException">The reference counts are missing, the counter is another profile's, or it counted nothing.</exception>
    public PsiResult PopulationStabilityIndex(BinCounter current, double epsilon = Drift.PopulationStabilityIndex.DefaultEpsilon)
    {
        RequireOwnCounter(current, nameof(current));
        var result = Drift.PopulationStabilityIndex.FromCounts(referenceCounts, current.Counts, epsilon);
        return result with { Edges = Edges };
    }

    private void RequireOwnCounter(BinCounter counter, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(counter, parameterName);
        if (!ReferenceEquals(counter.EdgeArray, edges))
        {
            throw new ArgumentException("The counter was made by another profile; its bins differ.", parameterName);
        }
    }
}

/// <summary>Counts values into fixed bins, chunk by chunk: one pass, memory of one count per bin.</summary>
public sealed class BinCounter
{
    private const int StackBins = 256;

    private readonly long[] counts;

    internal BinCounter(double[] edges)
    {
        EdgeArray = edges;
        counts = new long[edges.Length + 1];
    }

    /// <summary>The count in each bin so far.</summary>
    public ReadOnlySpan<long> Counts => counts;

    /// <summary>The values counted so far.</summary>
    public long Total { get; private set; }

    internal double[] EdgeArray { get; }

    /// <summary>Counts a chunk of values; either all or, when one is not finite, none.</summary>
    /// <exception cref="ArgumentException">A value is NaN or ±infinity.</exception>
    public void AddRange(ReadOnlySpan<double> values)
    {
        // Bin i is (edge[i−1], edge[i]]: the number of edges strictly below the value, counted as the in-memory profile
        // counts. The chunk is counted on the side and checked in the same pass, so that a bad one changes nothing.
        var chunkCounts = counts.Length <= StackBins ? stackalloc long[counts.Length] : new long[counts.Length];
        chunkCounts.Clear();
        if (!ReferenceProfile.AddBinCounts(EdgeArray, values, chunkCounts))
        {
            var i = DriftArguments.IndexOfNonFinite(values);
            throw new ArgumentException(
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"Value {values[i]} at index {i} is not a finite number; drift statistics reject NaN and ±infinity."),
                nameof(values));
        }

        for (var b = 0; b < counts.Length; b++)
        {
            counts[b] += chunkCounts[b];
        }

        Total += values.Length;
    }
}
