using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlopsFlows.Domain.Statistics.Numerics;

/// <summary>
/// Sorts doubles ascending, several times faster than <see cref="Array.Sort(Array)"/> on large samples: a radix sort of
/// the IEEE-754 bits mapped to unsigned keys that order as the numbers do.
/// </summary>
/// <remarks>
/// <para>
/// The map flips every bit of a negative number and only the sign bit of a positive one, so the keys order as the
/// numbers do, with −∞ first and +∞ last; it also orders −0.0 before +0.0, which compare equal and which
/// <see cref="Array.Sort(Array)"/> leaves in no particular order. The result is the same whatever the sample's size.
/// </para>
/// <para>
/// Two levels, so that the passes that scatter values run in the core's own cache: one pass splits the keys into
/// buckets of consecutive key ranges, each small enough for that cache, by the 16 bits that follow the prefix shared by
/// the smallest and the largest key (a histogram of those bits says where to cut); then each bucket is sorted by a
/// least significant digit radix sort, a byte per pass, skipping the bytes that are the same throughout the bucket.
/// (A single-level radix sort of a large sample scatters every pass across main memory, where each write waits for its
/// cache line: at ten million values that made it hardly faster than introsort.) Very small buckets are sorted by
/// introsort. An already sorted sample is copied, nothing more. The scratch space is rented from
/// <see cref="ArrayPool{T}.Shared"/>.
/// </para>
/// <para>NaN has no place in an order and is rejected; the drift statistics reject it, with its position, before sorting.</para>
/// </remarks>
public static class DoubleSort
{
    /// <summary>The sample size from which the radix sort is used; below it, introsort on the keys is quicker.</summary>
    public const int RadixThreshold = 2048;

    /// <summary>The most values a first-level bucket takes (unless one 16-bit range alone holds more): 1 MB with its scratch.</summary>
    public const int BucketLimit = 1 << 16;

    private const int SmallBucket = 256;
    private const int DigitBits = 8;
    private const int DigitCount = sizeof(ulong) * 8 / DigitBits;
    private const int DigitValues = 1 << DigitBits;
    private const ulong DigitMask = DigitValues - 1;
    private const int SplitBits = 16;
    private const int SplitValues = 1 << SplitBits;
    private const ulong SignBit = 1UL << 63;
    private const ulong MagnitudeMask = ~SignBit;
    private const ulong PositiveInfinityBits = 0x7FF0_0000_0000_0000;

    /// <summary>Sorts <paramref name="values"/> in place.</summary>
    /// <exception cref="ArgumentException">A value is NaN; the span is then left as it was.</exception>
    public static void Sort(Span<double> values) => Sort(values, values, nameof(values));

    /// <summary>Writes the values of <paramref name="source"/> to <paramref name="destination"/> in ascending order.</summary>
    /// <param name="source">The values; left unchanged unless it is <paramref name="destination"/> itself.</param>
    /// <param name="destination">At least as long as the source; the first <c>source.Length</c> places are written.</param>
    /// <exception cref="ArgumentException">
    /// The destination is too short or overlaps the source other than exactly, or a value is NaN (the destination then
    /// holds a copy of the source).
    /// </exception>
    public static void Sort(ReadOnlySpan<double> source, Span<double> destination) => Sort(source, destination, nameof(source));

    /// <summary>Maps the bits of a double to a key that orders as the number does (−0.0 just below +0.0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ToKey(ulong bits) => bits ^ ((ulong)((long)bits >> 63) | SignBit);

    /// <summary>The inverse of <see cref="ToKey"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong FromKey(ulong key) => key ^ (((ulong)((long)~key >> 63)) | SignBit);

    private static void Sort(ReadOnlySpan<double> source, Span<double> destination, string sourceName)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the source has {source.Length}.", nameof(destination));
        }

        destination = destination[..source.Length];
        if (source.Overlaps(destination, out var offset) && offset != 0)
        {
            throw new ArgumentException("The destination overlaps the source without being the same span.", nameof(destination));
        }

        var sourceBits = MemoryMarshal.Cast<double, ulong>(source);
        var output = MemoryMarshal.Cast<double, ulong>(destination);
        if (source.Length < RadixThreshold)
        {
            SortSmall(sourceBits, output, sourceName);
            return;
        }

        var (sorted, hasNaN, minKey, maxKey) = Survey(sourceBits);
        if (hasNaN || sorted)
        {
            sourceBits.CopyTo(output);
            if (hasNaN)
            {
                throw NaNError(sourceName);
            }

            return;
        }

        // The keys go to the scratch first (split into buckets, or just mapped), so the source may be the output.
        var rented = ArrayPool<ulong>.Shared.Rent(source.Length);
        try
        {
            var keys = rented.AsSpan(0, source.Length);
            if (source.Length <= BucketLimit)
            {
                MapToKeys(sourceBits, keys);
                SortBucket(keys, output);
            }
            else
            {
                SplitAndSort(sourceBits, keys, output, minKey, maxKey);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    private static void SortSmall(ReadOnlySpan<ulong> sourceBits, Span<ulong> output, string sourceName)
    {
        var hasNaN = false;
        for (var i = 0; i < sourceBits.Length; i++)
        {
            var bits = sourceBits[i];
            hasNaN |= IsNaN(bits);
            output[i] = ToKey(bits);
        }

        if (!hasNaN)
        {
            output.Sort();
        }

        FromKeys(output, output);
        if (hasNaN)
        {
            throw NaNError(sourceName);
        }
    }

    /// <summary>One pass over the sample: is it sorted already, is there a NaN, and the smallest and largest keys.</summary>
    private static (bool Sorted, bool HasNaN, ulong MinKey, ulong MaxKey) Survey(ReadOnlySpan<ulong> sourceBits)
    {
        ulong previous = 0, nan = 0, min = ulong.MaxValue, max = 0;
        var descents = 0;
        foreach (var bits in sourceBits)
        {
            var key = ToKey(bits);
            nan |= IsNaN(bits) ? 1UL : 0UL;
            descents |= key < previous ? 1 : 0;
            min = Math.Min(min, key);
            max = Math.Max(max, key);
            previous = key;
        }

        return (descents == 0, nan != 0, min, max);
    }

    /// <summary>
    /// The first level: buckets of consecutive key ranges cut from a histogram of the 16 bits after the shared prefix,
    /// each at most <see cref="BucketLimit"/> values unless one range alone holds more; the keys are scattered into their
    /// buckets in the scratch, then each bucket is sorted into its place in the output.
    /// </summary>
    private static void SplitAndSort(ReadOnlySpan<ulong> sourceBits, Span<ulong> keys, Span<ulong> output, ulong minKey, ulong maxKey)
    {
        var shift = Math.Max(0, 64 - SplitBits - BitOperations.LeadingZeroCount(minKey ^ maxKey));
        var rangeCounts = ArrayPool<int>.Shared.Rent(SplitValues);
        var bucketOf = ArrayPool<int>.Shared.Rent(SplitValues);
        var starts = ArrayPool<int>.Shared.Rent(SplitValues + 1);
        try
        {
            rangeCounts.AsSpan(0, SplitValues).Clear();
            ref var countRef = ref rangeCounts[0];
            foreach (var bits in sourceBits)
            {
                Unsafe.Add(ref countRef, (int)((ToKey(bits) >> shift) & (SplitValues - 1)))++;
            }

            // Consecutive ranges make a bucket until the next one would overflow it.
            var bucketCount = 0;
            var bucketSize = 0;
            starts[0] = 0;
            for (var range = 0; range < SplitValues; range++)
            {
                var count = rangeCounts[range];
                if (bucketSize > 0 && bucketSize + count > BucketLimit)
                {
                    starts[bucketCount + 1] = starts[bucketCount] + bucketSize;
                    bucketCount++;
                    bucketSize = 0;
                }

                bucketOf[range] = bucketCount;
                bucketSize += count;
            }

            starts[bucketCount + 1] = starts[bucketCount] + bucketSize;
            bucketCount++;

            // Scatter into the buckets; the range counts are no longer needed and hold each bucket's next free place.
            var next = rangeCounts.AsSpan(0, bucketCount);
            starts.AsSpan(0, bucketCount).CopyTo(next);
            ref var nextRef = ref MemoryMarshal.GetReference(next);
            ref var bucketRef = ref bucketOf[0];
            ref var keyRef = ref MemoryMarshal.GetReference(keys);
            foreach (var bits in sourceBits)
            {
                var key = ToKey(bits);
                ref var slot = ref Unsafe.Add(ref nextRef, Unsafe.Add(ref bucketRef, (int)((key >> shift) & (SplitValues - 1))));
                Unsafe.Add(ref keyRef, slot) = key;
                slot++;
            }

            for (var b = 0; b < bucketCount; b++)
            {
                SortBucket(keys[starts[b]..starts[b + 1]], output[starts[b]..starts[b + 1]]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rangeCounts);
            ArrayPool<int>.Shared.Return(bucketOf);
            ArrayPool<int>.Shared.Return(starts);
        }
    }

    /// <summary>Sorts one bucket of keys (its contents are then scratch) into the output as doubles' bits.</summary>
    private static void SortBucket(Span<ulong> keys, Span<ulong> output)
    {
        if (keys.Length <= SmallBucket)
        {
            keys.Sort();
            FromKeys(keys, output);
            return;
        }

        Span<int> histograms = stackalloc int[DigitCount * DigitValues];
        ref var h = ref MemoryMarshal.GetReference(histograms);
        foreach (var key in keys)
        {
            Unsafe.Add(ref h, (int)(key & DigitMask))++;
            Unsafe.Add(ref h, (1 * DigitValues) + (int)((key >> 8) & DigitMask))++;
            Unsafe.Add(ref h, (2 * DigitValues) + (int)((key >> 16) & DigitMask))++;
            Unsafe.Add(ref h, (3 * DigitValues) + (int)((key >> 24) & DigitMask))++;
            Unsafe.Add(ref h, (4 * DigitValues) + (int)((key >> 32) & DigitMask))++;
            Unsafe.Add(ref h, (5 * DigitValues) + (int)((key >> 40) & DigitMask))++;
            Unsafe.Add(ref h, (6 * DigitValues) + (int)((key >> 48) & DigitMask))++;
            Unsafe.Add(ref h, (7 * DigitValues) + (int)(key >> 56))++;
        }

        // A byte shared by every key of the bucket leaves the order as it is: skip it.
        Span<int> passes = stackalloc int[DigitCount];
        var passCount = 0;
        for (var digit = 0; digit < DigitCount; digit++)
        {
            if (histograms[(digit * DigitValues) + (int)((keys[0] >> (digit * DigitBits)) & DigitMask)] != keys.Length)
            {
                passes[passCount++] = digit;
            }
        }

        // The passes alternate between the two spans, the last one mapping keys back to bits as it writes; an even
        // number of passes leaves the bits in the scratch, to be copied over.
        Span<ulong> from = keys, to = output;
        for (var p = 0; p < passCount; p++)
        {
            if (p == passCount - 1)
            {
                Scatter<FromKeyMap>(from, to, histograms, passes[p]);
            }
            else
            {
                Scatter<IdentityMap>(from, to, histograms, passes[p]);
            }

            var written = to;
            to = from;
            from = written;
        }

        if (passCount == 0)
        {
            FromKeys(keys, output);
        }
        else if (from == keys)
        {
            keys.CopyTo(output);
        }
    }

    /// <summary>One stable pass: each key to the next free place of its digit's bucket.</summary>
    private static void Scatter<TOut>(ReadOnlySpan<ulong> from, Span<ulong> to, ReadOnlySpan<int> histograms, int digit)
        where TOut : struct, IKeyMap
    {
        Span<int> next = stackalloc int[DigitValues];
        var counts = histograms.Slice(digit * DigitValues, DigitValues);
        var position = 0;
        for (var b = 0; b < DigitValues; b++)
        {
            next[b] = position;
            position += counts[b];
        }

        var shift = digit * DigitBits;
        ref var nextRef = ref MemoryMarshal.GetReference(next);
        ref var toRef = ref MemoryMarshal.GetReference(to);
        foreach (var key in from)
        {
            ref var slot = ref Unsafe.Add(ref nextRef, (int)((key >> shift) & DigitMask));
            Unsafe.Add(ref toRef, slot) = TOut.Map(key);
            slot++;
        }
    }

    private static void MapToKeys(ReadOnlySpan<ulong> bits, Span<ulong> keys)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            keys[i] = ToKey(bits[i]);
        }
    }

    private static void FromKeys(ReadOnlySpan<ulong> keys, Span<ulong> bits)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            bits[i] = FromKey(keys[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNaN(ulong bits) => (bits & MagnitudeMask) > PositiveInfinityBits;

    private static ArgumentException NaNError(string parameterName) =>
        new("NaN has no place in an ascending order; remove or impute it before sorting.", parameterName);

    private interface IKeyMap
    {
        static abstract ulong Map(ulong value);
    }

    private readonly struct IdentityMap : IKeyMap
    {
        public static ulong Map(ulong value) => value;
    }

    private readonly struct FromKeyMap : IKeyMap
    {
        public static ulong Map(ulong value) => FromKey(value);
    }
}
