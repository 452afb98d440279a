using MlopsFlows.Domain.Statistics.Sketches;

namespace MlopsFlows.Domain.Tests.Statistics.Sketches;

public class KllSketchTests
{
    private const int Million = 1_000_000;

    public static TheoryData<string> Distributions => ["uniform", "normal", "heavy-ties", "sorted", "reversed"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantile_MillionValues_RankErrorWithinStatedBound(string distribution)
    {
        var data = Generate(distribution, Million, seed: 11);
        var sketch = new KllSketch();
        sketch.AddRange(data);

        var worst = WorstError(sketch, Sorted(data));

        Assert.Equal(Million, sketch.Count);
        Assert.True(worst <= sketch.RankErrorBound, $"{distribution}: worst rank error {worst:P3} exceeds the stated {sketch.RankErrorBound:P3}.");
    }

    [Fact]
    public void NormalizedRankError_DefaultK_IsAboutOnePointSixFivePercent() =>
        Assert.Equal(0.0165, KllSketch.NormalizedRankError(KllSketch.DefaultK), 4);

    [Fact]
    public void Merge_TwoHalvesOfDifferentShape_KeepsTheBound()
    {
        var left = Generate("uniform", Million / 2, seed: 3);
        var right = Generate("normal", Million / 2, seed: 4);
        var a = new KllSketch(seed: 1);
        var b = new KllSketch(seed: 2);
        a.AddRange(left);
        b.AddRange(right);

        a.Merge(b);

        var worst = WorstError(a, Sorted([.. left, .. right]));
        Assert.Equal(Million, a.Count);
        Assert.Equal(Million / 2, b.Count);
        Assert.Equal(Math.Min(left.Min(), right.Min()), a.Min);
        Assert.Equal(Math.Max(left.Max(), right.Max()), a.Max);
        Assert.True(worst <= a.RankErrorBound, $"worst rank error after merge {worst:P3} exceeds {a.RankErrorBound:P3}.");
    }

    [Fact]
    public void Merge_ManySmallSketches_KeepsTheBoundAndMemory()
    {
        var data = Generate("normal", 200_000, seed: 5);
        var merged = new KllSketch();
        for (var part = 0; part < 20; part++)
        {
            var piece = new KllSketch(seed: (ulong)part + 100);
            piece.AddRange(data.AsSpan(part * 10_000, 10_000));
            merged.Merge(piece);
        }

        Assert.Equal(data.Length, merged.Count);
        Assert.True(WorstError(merged, Sorted(data)) <= merged.RankErrorBound);
        Assert.True(merged.RetainedItems <= RetainedCeiling(merged));
    }

    [Fact]
    public void RetainedItems_MillionValues_StaysUnderThreeKPlusEightPerLevel()
    {
        var sketch = new KllSketch();
        sketch.AddRange(Generate("uniform", Million, seed: 9));

        // O(k + log(n/k)): 3k for the geometric capacities, 8 per level at the floor, log2(10^6 / 200) ≈ 12.3 levels.
        Assert.True(sketch.LevelCount <= Math.Ceiling(Math.Log2((double)Million / KllSketch.DefaultK)) + 3, $"{sketch.LevelCount} levels");
        Assert.True(sketch.RetainedItems <= RetainedCeiling(sketch), $"{sketch.RetainedItems} retained");
        Assert.True(sketch.RetainedItems <= 800, $"{sketch.RetainedItems} retained items for 10^6 values at k = 200");
    }

    [Fact]
    public void AddRange_SameSeedAndInput_IdenticalSketches()
    {
        var data = Generate("normal", 100_000, seed: 21);
        var a = new KllSketch(seed: 42);
        var b = new KllSketch(seed: 42);
        a.AddRange(data);
        b.AddRange(data);

        for (var i = 0; i <= 100; i++)
        {
            Assert.Equal(a.Quantile(i / 100.0), b.Quantile(i / 100.0));
        }

        Assert.Equal(a.RetainedItems, b.RetainedItems);
    }

    [Fact]
    public void Quantile_FewerValuesThanCapacity_IsExact()
    {
        var sketch = new KllSketch();
        for (var i = 100; i >= 1; i--)
        {
            sketch.Add(i);
        }

        Assert.Equal(100, sketch.RetainedItems);
        Assert.Equal(1, sketch.Quantile(0));
        Assert.Equal(50, sketch.Quantile(0.5));
        Assert.Equal(91, sketch.Quantile(0.905));
        Assert.Equal(100, sketch.Quantile(1));
        Assert.Equal(0.3, sketch.Rank(30.5), 12);
        Assert.Equal(0, sketch.Rank(0.5));
        Assert.Equal(1, sketch.Rank(100));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Add_NotFinite_ThrowsArgumentException(double value)
    {
        var sketch = new KllSketch();

        var error = Assert.Throws<ArgumentException>(() => sketch.Add(value));

        Assert.Contains("not a finite number", error.Message, StringComparison.Ordinal);
        Assert.True(sketch.IsEmpty);
    }

    [Fact]
    public void AddRange_InfinityInTheMiddle_ThrowsNamingIndexAndAddsNothing()
    {
        var sketch = new KllSketch();

        var error = Assert.Throws<ArgumentException>(() => sketch.AddRange([1, 2, 3, double.PositiveInfinity, 5]));

        Assert.Contains("index 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, sketch.Count);
    }

    [Fact]
    public void Quantile_EmptySketch_ThrowsInvalidOperation()
    {
        var sketch = new KllSketch();

        Assert.Throws<InvalidOperationException>(() => sketch.Quantile(0.5));
        Assert.Throws<InvalidOperationException>(() => sketch.Rank(1));
        Assert.Throws<InvalidOperationException>(() => sketch.Min);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Quantile_RankOutsideUnitInterval_Throws(double q)
    {
        var sketch = new KllSketch();
        sketch.Add(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(q));
    }

    [Fact]
    public void Merge_DifferentK_ThrowsArgumentException()
    {
        var a = new KllSketch(100);
        var b = new KllSketch(200);
        b.Add(1);

        Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Throws<ArgumentException>(() => a.Merge(a));
    }

    [Fact]
    public void Constructor_KBelowMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new KllSketch(KllSketch.MinimumK - 1));

    internal static double[] Generate(string distribution, int n, int seed)
    {
        var random = new Random(seed);
        var data = new double[n];
        switch (distribution)
        {
            case "uniform":
                for (var i = 0; i < n; i++)
                {
                    data[i] = random.NextDouble();
                }

                break;
            case "normal":
                for (var i = 0; i < n; i++)
                {
                    // Box–Muller.
                    var u = 1 - random.NextDouble();
                    data[i] = 10 + (3 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
                }

                break;
            case "heavy-ties":
                for (var i = 0; i < n; i++)
                {
                    // Ten values, skewed: value 0 holds about a third of the mass.
                    data[i] = Math.Min(9, (int)Math.Floor(-Math.Log(1 - random.NextDouble()) * 2.5));
                }

                break;
            case "sorted":
                for (var i = 0; i < n; i++)
                {
                    data[i] = i * 0.5;
                }

                break;
            case "reversed":
                for (var i = 0; i < n; i++)
                {
                    data[i] = (n - i) * 0.5;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null);
        }

        return data;
    }

    /// <summary>
    /// The largest normalized rank error over 1,001 quantile queries (distance from q to the true rank interval of the
    /// returned value, which is wide under ties) and 1,001 rank queries at data points (against the true inclusive rank).
    /// </summary>
    internal static double WorstError(KllSketch sketch, double[] sorted)
    {
        double n = sorted.Length;
        var worst = 0.0;
        for (var j = 0; j <= 1000; j++)
        {
            var q = j / 1000.0;
            var value = sketch.Quantile(q);
            var below = LowerBound(sorted, value) / n;
            var atOrBelow = UpperBound(sorted, value) / n;
            var error = q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
            worst = Math.Max(worst, error);

            var x = sorted[(int)(q * (sorted.Length - 1))];
            worst = Math.Max(worst, Math.Abs(sketch.Rank(x) - (UpperBound(sorted, x) / n)));
        }

        return worst;
    }

    internal static double[] Sorted(double[] data)
    {
        var copy = (double[])data.Clone();
        Array.Sort(copy);
        return copy;
    }

    private static int RetainedCeiling(KllSketch sketch) => (3 * sketch.K) + (8 * sketch.LevelCount);

    private static int LowerBound(double[] sorted, double x)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] < x)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int UpperBound(double[] sorted, double x)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] <= x)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
