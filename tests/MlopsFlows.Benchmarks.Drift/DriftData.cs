using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlopsFlows.Benchmarks.Drift;

/// <summary>The shape of a generated column: how the reference is drawn and how the current window departs from it.</summary>
internal enum ColumnShape
{
    /// <summary>Normal(0, 1) in both windows: no drift.</summary>
    Normal,

    /// <summary>Normal(0, 1) against Normal(0.02, 1): drift too small for PSI, visible to KS at this size.</summary>
    NormalSlightShift,

    /// <summary>Lognormal(0, 0.5) against Lognormal(0.05, 0.55): skewed, scale and location drift.</summary>
    Lognormal,

    /// <summary>Normal(5, 2) against Normal(5.5, 2): a clear shift.</summary>
    Shifted,

    /// <summary>Normal rounded to quarters, shifted by a quarter in 1 of 4 draws: heavy ties on a grid.</summary>
    TiedGrid,

    /// <summary>floor(Lognormal(0, 1)) against floor(Lognormal(0.1, 1)): a few small integers, PSI edges collapse.</summary>
    TiedIntegers,

    /// <summary>Integer codes 0..k−1 with Zipf-like weights; the current window perturbs them and may add a new code.</summary>
    Categorical,
}

internal sealed record ColumnSpec(string Name, ColumnShape Shape, int Cardinality)
{
    public bool IsCategorical => Shape == ColumnShape.Categorical;
}

/// <summary>
/// Generates the two windows deterministically and writes each as one file of raw little-endian float64, column-major,
/// beside a small JSON manifest that the scipy script reads.
/// </summary>
internal static class DriftData
{
    public const string ReferenceFile = "reference.f64";
    public const string CurrentFile = "current.f64";
    public const string ManifestFile = "manifest.json";

    private static readonly ColumnShape[] NumericShapes =
    [
        ColumnShape.Normal, ColumnShape.NormalSlightShift, ColumnShape.Lognormal,
        ColumnShape.Shifted, ColumnShape.TiedGrid, ColumnShape.TiedIntegers,
    ];

    private static readonly int[] Cardinalities = [2, 5, 12, 20];

    public static IReadOnlyList<ColumnSpec> Columns(int numeric, int categorical)
    {
        var columns = new List<ColumnSpec>();
        for (var j = 0; j < numeric; j++)
        {
            var shape = NumericShapes[j % NumericShapes.Length];
            columns.Add(new ColumnSpec($"n{j:D3}_{shape}", shape, 0));
        }

        for (var j = 0; j < categorical; j++)
        {
            columns.Add(new ColumnSpec($"c{j:D3}_k{Cardinalities[j % Cardinalities.Length]}", ColumnShape.Categorical, Cardinalities[j % Cardinalities.Length]));
        }

        return columns;
    }

    /// <summary>Writes both windows and the manifest; generates two columns at a time so memory stays small.</summary>
    public static void Write(string folder, int rows, IReadOnlyList<ColumnSpec> columns, int seed, int binCount, double epsilon)
    {
        Directory.CreateDirectory(folder);
        var parallelism = Environment.ProcessorCount;
        var buffers = new double[2 * parallelism][];
        for (var b = 0; b < buffers.Length; b++)
        {
            buffers[b] = new double[rows];
        }

        using (var reference = new FileStream(Path.Combine(folder, ReferenceFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var current = new FileStream(Path.Combine(folder, CurrentFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            for (var start = 0; start < columns.Count; start += parallelism)
            {
                var count = Math.Min(parallelism, columns.Count - start);
                Parallel.For(0, count, k =>
                {
                    var column = start + k;
                    Fill(buffers[2 * k], columns[column], seed, column, isCurrent: false);
                    Fill(buffers[(2 * k) + 1], columns[column], seed, column, isCurrent: true);
                });
                for (var k = 0; k < count; k++)
                {
                    reference.Write(MemoryMarshal.AsBytes(buffers[2 * k].AsSpan()));
                    current.Write(MemoryMarshal.AsBytes(buffers[(2 * k) + 1].AsSpan()));
                }
            }
        }

        var manifest = new
        {
            rows,
            columns = columns.Select(c => new { name = c.Name, kind = c.IsCategorical ? "categorical" : "numeric" }),
            reference = ReferenceFile,
            current = CurrentFile,
            layout = "raw little-endian float64, column-major: column j is rows values from byte j * rows * 8",
            binCount,
            epsilon,
            seed,
        };
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest));
    }

    /// <summary>
    /// The plain read: every column of a window file into a fresh buffer, which touches every page. When
    /// <paramref name="into"/> is given the same bytes are read into those buffers instead (no page faults).
    /// </summary>
    public static double[][] Read(string path, int rows, int columnCount, double[][]? into = null)
    {
        var columns = into ?? new double[columnCount][];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long offset = 0;
        for (var j = 0; j < columnCount; j++)
        {
            columns[j] ??= GC.AllocateUninitializedArray<double>(rows);
            var bytes = MemoryMarshal.AsBytes(columns[j].AsSpan());
            while (!bytes.IsEmpty)
            {
                var read = RandomAccess.Read(handle, bytes, offset);
                if (read == 0)
                {
                    throw new EndOfStreamException($"{path} ends before column {j} is complete.");
                }

                offset += read;
                bytes = bytes[read..];
            }
        }

        return columns;
    }

    private static void Fill(double[] values, ColumnSpec column, int seed, int columnIndex, bool isCurrent)
    {
        var random = new Xoshiro256((ulong)seed, (ulong)((2 * columnIndex) + (isCurrent ? 1 : 0)));
        switch (column.Shape)
        {
            case ColumnShape.Normal:
                FillNormal(values, random, 0, 1);
                break;
            case ColumnShape.NormalSlightShift:
                FillNormal(values, random, isCurrent ? 0.02 : 0, 1);
                break;
            case ColumnShape.Lognormal:
                FillNormal(values, random, isCurrent ? 0.05 : 0, isCurrent ? 0.55 : 0.5);
                Exp(values);
                break;
            case ColumnShape.Shifted:
                FillNormal(values, random, isCurrent ? 5.5 : 5, 2);
                break;
            case ColumnShape.TiedGrid:
                FillNormal(values, random, 0, 1);
                for (var i = 0; i < values.Length; i++)
                {
                    var shift = isCurrent && (i & 3) == 0 ? 0.25 : 0;
                    values[i] = (Math.Round(values[i] * 4) / 4) + shift;
                }

                break;
            case ColumnShape.TiedIntegers:
                FillNormal(values, random, isCurrent ? 0.1 : 0, 1);
                Exp(values);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Floor(values[i]);
                }

                break;
            case ColumnShape.Categorical:
                FillCategorical(values, random, column.Cardinality, columnIndex, isCurrent);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(column), column.Shape, "Unknown shape.");
        }
    }

    private static void FillNormal(double[] values, Xoshiro256 random, double mean, double deviation)
    {
        // Box–Muller, both outputs used.
        for (var i = 0; i < values.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1)) * deviation;
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            values[i] = mean + (radius * cos);
            if (i + 1 < values.Length)
            {
                values[i + 1] = mean + (radius * sin);
            }
        }
    }

    private static void Exp(double[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Exp(values[i]);
        }
    }

    private static void FillCategorical(double[] values, Xoshiro256 random, int cardinality, int columnIndex, bool isCurrent)
    {
        // The current window of every other categorical column drifts (weights tilted) and sees one new code (0.1%).
        var drifts = isCurrent && columnIndex % 2 == 0;
        var codes = cardinality + (drifts ? 1 : 0);
        var cumulative = new double[codes];
        var total = 0.0;
        for (var k = 0; k < codes; k++)
        {
            var weight = k < cardinality ? 1.0 / (k + 1) : 0;
            if (drifts)
            {
                weight = k < cardinality ? weight * (1 + (0.05 * k / cardinality)) : 0.001 * total;
            }

            total += weight;
            cumulative[k] = total;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var u = random.NextDouble() * total;
            var k = 0;
            while (k < codes - 1 && cumulative[k] <= u)
            {
                k++;
            }

            values[i] = k;
        }
    }
}

/// <summary>xoshiro256** seeded by SplitMix64: fast, and the same numbers on every runtime.</summary>
internal sealed class Xoshiro256
{
    private ulong s0, s1, s2, s3;

    public Xoshiro256(ulong seed, ulong stream)
    {
        var x = seed ^ (stream * 0x9E3779B97F4A7C15UL);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private ulong Next()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
