using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Numerics;

/// <summary>Reads the scipy golden files copied beside the test assembly (tests/golden/**).</summary>
internal static class Golden
{
    public static JsonElement Load(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "golden", relativePath);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static double Number(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    public static double[] Numbers(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetDouble())];
}

/// <summary>
/// Compares many values with their goldens and reports every miss at once, plus the largest disagreement, so that a
/// regression shows its full extent and the test log records how close we are.
/// </summary>
/// <param name="relative">Allowed |actual − expected| / |expected|.</param>
/// <param name="absolute">Allowed |actual − expected| regardless of size (for values that are tiny or zero).</param>
internal sealed class Agreement(string quantity, double relative, double absolute)
{
    private readonly List<string> misses = [];
    private double worstRelative;
    private string worstCase = "none";
    private double worstAbsolute;
    private int count;

    public void Check(string label, double expected, double actual)
    {
        count++;
        if (expected == actual || (double.IsNaN(expected) && double.IsNaN(actual)))
        {
            return;
        }

        var difference = Math.Abs(actual - expected);
        var relativeError = expected == 0 ? double.PositiveInfinity : difference / Math.Abs(expected);
        worstAbsolute = Math.Max(worstAbsolute, difference);
        if (expected != 0 && relativeError > worstRelative)
        {
            worstRelative = relativeError;
            worstCase = label;
        }

        if (!(relativeError <= relative || difference <= absolute))
        {
            misses.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: expected {expected:R}, got {actual:R} (relative {relativeError:E2})"));
        }
    }

    public void AssertAll(ITestOutputHelper output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{quantity}: {count} values, largest relative disagreement {worstRelative:E2} at {worstCase}, largest absolute {worstAbsolute:E2}"));
        Assert.True(count > 0, $"{quantity}: no golden values were checked");
        Assert.True(misses.Count == 0, $"{quantity}: {misses.Count} of {count} outside tolerance:\n" + string.Join('\n', misses));
    }
}
