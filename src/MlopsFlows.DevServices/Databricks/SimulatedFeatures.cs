using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>What <see cref="SimulatedFeatures.Write"/> wrote: the reference and the batches of production features.</summary>
/// <param name="Reference">The model's reference file (written only when the model had none).</param>
/// <param name="Batches">How many batch files were written, stamped from <paramref name="From"/> (inclusive) to <paramref name="To"/> (exclusive).</param>
public sealed record WrittenFeatures(string Folder, string Reference, int Batches, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// The features a served model receives, as files in the layout the monitor's file adapter reads
/// (<c>MlopsFlows.Integrations.Monitoring.FileFeatureWindows</c>):
/// <code>
/// &lt;root&gt;/&lt;model&gt;/reference.csv                             training features: income, age, utilisation, region
/// &lt;root&gt;/&lt;model&gt;/&lt;environment&gt;/windows/20260314091500.csv  one batch of production features, named by its UTC start second
/// </code>
/// A shift of 0 draws production features from the reference's distributions; a shift of s moves each numeric feature's
/// mean by s of its standard deviations and moves s × 20% of the regions to <c>west</c> (at most all of them): drift.
/// Values come from a generator seeded by model, environment and stamp, so writing the same batch again gives the same file.
/// </summary>
public sealed class SimulatedFeatures(string root)
{
    /// <summary>Rows of a reference, enough for every drift statistic to speak.</summary>
    public const int ReferenceRows = 2_000;

    private const string Header = "income,age,utilisation,region";
    private const string StampFormat = "yyyyMMddHHmmss";
    private static readonly string[] Regions = ["north", "south", "east", "west"];
    private static readonly double[] RegionShares = [0.3, 0.3, 0.25, 0.15];

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Why these arguments cannot be written, or null when they can.</summary>
    public static string? Problem(string? model, string? environment, double shift, int rowsPerBatch, TimeSpan duration, TimeSpan batch) =>
        SimulatedWorkspace.ProblemWithModelName(model) is { } badModel ? badModel
        : string.IsNullOrEmpty(environment) || environment.Length > 32 || !char.IsAsciiLetter(environment[0]) || !environment.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? $"'{environment}' is not an environment name (a letter, then letters, digits and '-', at most 32)."
        : !double.IsFinite(shift) || Math.Abs(shift) > 10 ? "shift must be between -10 and 10 standard deviations."
        : rowsPerBatch is < 1 or > 100_000 ? "rows must be from 1 to 100000 per batch."
        : batch < TimeSpan.FromSeconds(1) || batch > TimeSpan.FromHours(1) || batch.Ticks % TimeSpan.TicksPerSecond != 0 ? "batchSeconds must be whole seconds from 1 to 3600."
        : duration < batch || duration > TimeSpan.FromDays(1) ? "seconds must be at least one batch and at most a day."
        : null;

    /// <summary>
    /// Writes the model's reference (unless it has one) and one batch of <paramref name="rowsPerBatch"/> rows per
    /// <paramref name="batch"/> from <paramref name="from"/> (truncated to the second) for <paramref name="duration"/>.
    /// Batches stamped in the future stand for traffic still to come: a monitor reads each once its window covers the stamp.
    /// </summary>
    public WrittenFeatures Write(string model, string environment, DateTimeOffset from, TimeSpan duration, TimeSpan batch, int rowsPerBatch, double shift)
    {
        if (Problem(model, environment, shift, rowsPerBatch, duration, batch) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        (model, environment) = (model.ToLowerInvariant(), environment.ToLowerInvariant());
        var start = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var modelFolder = Path.Combine(Root, model);
        var reference = Path.Combine(modelFolder, "reference.csv");
        Directory.CreateDirectory(modelFolder);
        if (!File.Exists(reference))
        {
            WriteAtomically(reference, Rows(new Random(Seed($"reference/{model}")), ReferenceRows, shift: 0));
        }

        var windows = Path.Combine(modelFolder, environment, "windows");
        Directory.CreateDirectory(windows);
        var count = (int)(duration.Ticks / batch.Ticks);
        for (var i = 0; i < count; i++)
        {
            var stamp = start + (batch * i);
            var name = stamp.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
            WriteAtomically(Path.Combine(windows, name + ".csv"), Rows(new Random(Seed($"window/{model}/{environment}/{name}")), rowsPerBatch, shift));
        }

        return new WrittenFeatures(modelFolder, reference, count, start, start + (batch * count));
    }

    private static string Rows(Random random, int rows, double shift)
    {
        var text = new StringBuilder(Header).Append('\n');
        var toWest = Math.Clamp(shift * 0.2, 0, 1);
        for (var i = 0; i < rows; i++)
        {
            var income = Normal(random, 52_000 + (shift * 12_000), 12_000);
            var age = Normal(random, 41 + (shift * 11), 11);

            // Uniform on [0, 1]: its standard deviation is 1/√12.
            var utilisation = random.NextDouble() + (shift / Math.Sqrt(12));
            var region = random.NextDouble() < toWest ? "west" : Region(random.NextDouble());
            text.Append(CultureInfo.InvariantCulture, $"{income:F2},{age:F1},{utilisation:F4},{region}\n");
        }

        return text.ToString();
    }

    private static string Region(double u)
    {
        for (var i = 0; i < Regions.Length; i++)
        {
            u -= RegionShares[i];
            if (u < 0)
            {
                return Regions[i];
            }
        }

        return Regions[^1];
    }

    // Box–Muller: two uniforms make one normal draw (the second is not kept, for simplicity).
    private static double Normal(Random random, double mean, double standardDeviation) =>
        mean + (standardDeviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    // A reader never sees half a batch: the file appears whole under its name (the temporary name is the writer's own).
    private static void WriteAtomically(string path, string content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    // Random's seeded sequence is fixed per runtime version; stable enough for a simulator.
    private static int Seed(string label) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(label)), 0);
}
