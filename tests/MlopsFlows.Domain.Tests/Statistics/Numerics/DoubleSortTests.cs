using MlopsFlows.Domain.Statistics.Numerics;

namespace MlopsFlows.Domain.Tests.Statistics.Numerics;

/// <summary>
/// The radix sort must give what <see cref="Array.Sort(Array)"/> gives, bit for bit, except that it puts −0.0 before
/// +0.0 (which compare equal, so Array.Sort may leave them in either order). Sizes on both sides of the radix threshold.
/// </summary>
public sealed class DoubleSortTests
{
    private const int Small = 100;
    private const int Large = DoubleSort.RadixThreshold * 5;
    private const int Huge = (DoubleSort.BucketLimit * 2) + 5;

    public static TheoryData<int> Sizes => [0, 1, 2, 3, Small, DoubleSort.RadixThreshold - 1, DoubleSort.RadixThreshold, Large, DoubleSort.BucketLimit, DoubleSort.BucketLimit + 1, Huge];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sort_RandomValues_SameAsArraySort(int size)
    {
        var random = new Random(size + 1);
        var values = Enumerable.Range(0, size).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300))).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sort_NormalSample_SameAsArraySort(int size)
    {
        var random = new Random(size + 7);
        var values = Enumerable.Range(0, size).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_ManyDuplicates_SameAsArraySort(int size)
    {
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => random.Next(-3, 4) * 0.25).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_SmallIntegersSharingHighBytes_SameAsArraySort(int size)
    {
        // Integers below 256 as doubles share most key bytes: the passes over those bytes are skipped.
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => (double)random.Next(1, 256)).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_AllEqual_Unchanged(int size)
    {
        var values = Enumerable.Repeat(Math.PI, size).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_AlreadySorted_Unchanged(int size)
    {
        var values = Enumerable.Range(0, size).Select(i => (i - (size / 2)) * 0.1).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_ReverseSorted_Ascending(int size)
    {
        var values = Enumerable.Range(0, size).Select(i => (size / 2) - (i * 0.1)).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_Infinities_FirstAndLast(int size)
    {
        var random = new Random(size);
        var values = Enumerable.Range(0, size)
            .Select(i => (i % 10) switch
            {
                0 => double.NegativeInfinity,
                1 => double.PositiveInfinity,
                2 => double.MaxValue,
                3 => double.MinValue,
                4 => double.Epsilon,
                5 => -double.Epsilon,
                _ => random.NextDouble() - 0.5,
            })
            .ToArray();

        var sorted = AssertSortsLikeArraySort(values);

        Assert.Equal(double.NegativeInfinity, sorted[0]);
        Assert.Equal(double.PositiveInfinity, sorted[^1]);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_SignedZeros_NegativeZeroFirstThenPositiveZero(int size)
    {
        var values = Enumerable.Range(0, size).Select(i => (i % 4) switch { 0 => 0.0, 1 => -0.0, 2 => 1.0, _ => -1.0 }).ToArray();
        var negativeZeros = values.Count(double.IsNegative) - values.Count(v => v == -1.0);

        var sorted = AssertSortsLikeArraySort(values);

        // −0.0 and +0.0 are equal to Array.Sort; here every −0.0 comes before every +0.0.
        var zeros = sorted.SkipWhile(v => v < 0).TakeWhile(v => v == 0).ToArray();
        Assert.Equal(values.Count(v => v == 0), zeros.Length);
        Assert.All(zeros.Take(negativeZeros), zero => Assert.True(double.IsNegative(zero)));
        Assert.All(zeros.Skip(negativeZeros), zero => Assert.False(double.IsNegative(zero)));
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_InPlace_SameAsIntoAnotherSpan(int size)
    {
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var into = new double[size + 3];

        DoubleSort.Sort(values, into);
        DoubleSort.Sort(values);

        Assert.Equal(values, into[..size]);
        Assert.Equal(new double[3], into[size..]);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_IntoAnotherSpan_SourceUnchanged(int size)
    {
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => random.NextDouble()).ToArray();
        var copy = values.ToArray();

        DoubleSort.Sort(values, new double[size]);

        Assert.Equal(copy, values);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_NaN_ThrowsAndKeepsTheValues(int size)
    {
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => random.NextDouble()).ToArray();
        values[size / 3] = double.NaN;
        var copy = values.ToArray();

        var error = Assert.Throws<ArgumentException>(() => DoubleSort.Sort(values));

        Assert.Equal("values", error.ParamName);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Equal(copy, values);
    }

    [Theory]
    [InlineData(Large)]
    [InlineData(Huge)]
    public void Sort_NarrowRange_SameAsArraySort(int size)
    {
        // Prices between 1000 and 1001 share their top 22 key bits: the buckets are cut below that prefix.
        var random = new Random(size);
        var values = Enumerable.Range(0, size).Select(_ => 1000 + random.NextDouble()).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Fact]
    public void Sort_OneValueFillsSeveralBuckets_SameAsArraySort()
    {
        // 150,000 copies of one value land in one range, more than a bucket takes; a few others around them.
        var random = new Random(3);
        var values = Enumerable.Range(0, 160_000).Select(i => i % 16 == 0 ? random.NextDouble() * 4 : 2.0).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Fact]
    public void Sort_Skewed_SameAsArraySort()
    {
        // Lognormal with a heavy tail: most values in a few exponents, a few spread over many.
        var random = new Random(5);
        var values = Enumerable.Range(0, Huge).Select(_ => Math.Exp(3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

        AssertSortsLikeArraySort(values);
    }

    [Fact]
    public void Sort_NegativeNaN_Throws()
    {
        // 0.0 / 0.0 on x64 is a NaN with the sign bit set: it must not pass as a number below −∞.
        var values = Enumerable.Range(0, Large).Select(i => (double)i).ToArray();
        values[7] = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0000));

        var error = Assert.Throws<ArgumentException>(() => DoubleSort.Sort(values, new double[Large]));

        Assert.Equal("source", error.ParamName);
    }

    [Fact]
    public void Sort_DestinationTooShort_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => DoubleSort.Sort([3.0, 2.0, 1.0], new double[2]));

        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void Sort_DestinationOverlapsSourceShifted_Throws()
    {
        var values = new double[Large];

        var error = Assert.Throws<ArgumentException>(() => DoubleSort.Sort(values.AsSpan(0, Large - 1), values.AsSpan(1)));

        Assert.Equal("destination", error.ParamName);
    }

    /// <summary>Sorts into a fresh span and in place; both must equal Array.Sort, bit for bit, once zeros are ordered by sign.</summary>
    private static double[] AssertSortsLikeArraySort(double[] values)
    {
        var expected = values.ToArray();
        Array.Sort(expected);
        OrderZerosBySign(expected);
        var sorted = new double[values.Length];
        var inPlace = values.ToArray();

        DoubleSort.Sort(values, sorted);
        DoubleSort.Sort(inPlace);

        Assert.Equal(Bits(expected), Bits(sorted));
        Assert.Equal(Bits(expected), Bits(inPlace));
        return sorted;
    }

    private static void OrderZerosBySign(double[] sorted)
    {
        var first = Array.FindIndex(sorted, v => v == 0);
        if (first < 0)
        {
            return;
        }

        var last = Array.FindLastIndex(sorted, v => v == 0);
        var negative = sorted[first..(last + 1)].Count(double.IsNegative);
        for (var i = first; i <= last; i++)
        {
            sorted[i] = i - first < negative ? -0.0 : 0.0;
        }
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
