using System.Globalization;
using System.Text.Json;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

/// <summary>Reads the scipy golden files written by tests/golden/drift/generate.py and compares against them.</summary>
internal static class GoldenData
{
    /// <summary>Statistics must agree with scipy to this relative error.</summary>
    public const double StatisticTolerance = 1e-9;

    /// <summary>p-values must agree to this relative error...</summary>
    public const double PValueTolerance = 1e-6;

    /// <summary>...or to this absolute error when tiny.</summary>
    public const double TinyPValue = 1e-12;

    private static readonly Dictionary<string, JsonElement> Files = [];
    private static readonly Lock Gate = new();

    public static JsonElement File(string name)
    {
        lock (Gate)
        {
            if (!Files.TryGetValue(name, out var root))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "golden", "drift", name);
                using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
                root = document.RootElement.Clone();
                Files[name] = root;
            }

            return root;
        }
    }

    public static IEnumerable<JsonElement> Cases(string file) => File(file).GetProperty("cases").EnumerateArray();

    public static TheoryData<string> CaseNames(string file)
    {
        var names = new TheoryData<string>();
        foreach (var item in Cases(file))
        {
            names.Add(item.GetProperty("name").GetString()!);
        }

        return names;
    }

    public static JsonElement Case(string file, string name) =>
        Cases(file).Single(item => item.GetProperty("name").GetString() == name);

    /// <summary>A sample stored as a list, or as the Weyl generator the script documents (rebuilt with the same IEEE operations).</summary>
    public static double[] Sample(JsonElement sample)
    {
        if (sample.ValueKind == JsonValueKind.Array)
        {
            return [.. sample.EnumerateArray().Select(Number)];
        }

        var weyl = sample.GetProperty("weyl");
        var n = weyl.GetProperty("n").GetInt32();
        var alpha = weyl.GetProperty("alpha").GetDouble();
        var offset = weyl.GetProperty("offset").GetDouble();
        var scale = weyl.GetProperty("scale").GetDouble();
        var squared = weyl.GetProperty("squared").GetBoolean();
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var u = ((i + 1) * alpha) % 1.0;
            var v = squared ? u * u : u;
            values[i] = offset + (scale * v);
        }

        return values;
    }

    public static double Number(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
        : value.GetDouble();

    public static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(Number)];

    public static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetInt64())];

    /// <summary>The error scipy's answer allows: relative, with an absolute floor for values at or near zero.</summary>
    public static double Disagreement(double expected, double actual, double absoluteFloor)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            return expected.Equals(actual) ? 0 : double.PositiveInfinity;
        }

        var difference = Math.Abs(actual - expected);
        return difference <= absoluteFloor ? 0 : difference / Math.Abs(expected);
    }

    public static void AssertStatistic(double expected, double actual, string what) =>
        AssertWithin(expected, actual, StatisticTolerance, 1e-15, what);

    public static void AssertPValue(double expected, double actual, string what) =>
        AssertWithin(expected, actual, PValueTolerance, TinyPValue, what);

    private static void AssertWithin(double expected, double actual, double relative, double absolute, string what)
    {
        var disagreement = Disagreement(expected, actual, absolute);
        Assert.True(
            disagreement <= relative,
            string.Create(CultureInfo.InvariantCulture, $"{what}: scipy {expected:R}, ours {actual:R} (relative disagreement {disagreement:G3})"));
    }
}
