using System.Globalization;
using System.Text.Json;
using MlopsFlows.Domain.Statistics.Drift;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

/// <summary>Measures, per statistic, the largest disagreement with scipy over every golden value, and prints the table.</summary>
public class GoldenAgreementReportTests(ITestOutputHelper output)
{
    private readonly Dictionary<string, (double Relative, double TinyAbsolute, int Count, string Where)> worst = [];

    [Fact]
    public void AllGoldenValues_LargestDisagreementPerStatistic_WithinTolerance()
    {
        foreach (var golden in GoldenData.Cases("ks.json"))
        {
            var name = golden.GetProperty("name").GetString()!;
            var alternative = golden.GetProperty("alternative").GetString() switch
            {
                "less" => KsAlternative.Less,
                "greater" => KsAlternative.Greater,
                _ => KsAlternative.TwoSided,
            };
            var method = golden.GetProperty("method").GetString() switch
            {
                "exact" => KsMethod.Exact,
                "asymp" => KsMethod.Asymptotic,
                _ => KsMethod.Auto,
            };
            var result = KolmogorovSmirnov.TwoSample(
                GoldenData.Sample(golden.GetProperty("first")), GoldenData.Sample(golden.GetProperty("second")), alternative, method);
            Record("KS D", Number(golden, "statistic"), result.Statistic, name);
            Record($"KS p ({(result.Method == KsMethod.Exact ? "exact" : "asymptotic")}, {(alternative == KsAlternative.TwoSided ? "two-sided" : "one-sided")})", Number(golden, "pvalue"), result.PValue, name);
        }

        var kolmogorov = GoldenData.Cases("kolmogorov.json").Single();
        foreach (var point in kolmogorov.GetProperty("kstwo_sf").EnumerateArray())
        {
            var n = point.GetProperty("n").GetInt64();
            var x = point.GetProperty("x").GetDouble();
            Record($"kstwo.sf [{point.GetProperty("branch").GetString()}]", Number(point, "sf"), KolmogorovDistribution.TwoSidedSf(n, x), $"n={n} x={x:R}");
        }

        foreach (var point in kolmogorov.GetProperty("smirnov").EnumerateArray())
        {
            var n = point.GetProperty("n").GetInt64();
            var x = point.GetProperty("x").GetDouble();
            Record("smirnov (one-sided tail)", Number(point, "sf"), KolmogorovDistribution.SmirnovSf(n, x), $"n={n} x={x:R}");
        }

        foreach (var golden in GoldenData.Cases("numeric.json"))
        {
            var name = golden.GetProperty("name").GetString()!;
            var reference = GoldenData.Sample(golden.GetProperty("reference"));
            var current = GoldenData.Sample(golden.GetProperty("current"));
            var profile = ReferenceProfile.Create(reference, golden.GetProperty("bins").GetInt32());
            var statistics = NumericDrift.Compare(profile, current, golden.GetProperty("epsilon").GetDouble());
            Record("PSI", Number(golden, "psi"), statistics.Psi.Value, name);
            Record("JS distance (PSI bins)", Number(golden, "jensenshannon"), statistics.JensenShannonDistance, name);
            Record("Wasserstein", Number(golden, "wasserstein"), statistics.Wasserstein!.Distance, name);
            Record("Wasserstein / std", Number(golden, "wasserstein_normalized"), statistics.Wasserstein.NormalizedDistance, name);
            Record("reference mean", Number(golden, "reference_mean"), profile.Mean, name);
            Record("reference std (ddof 0)", Number(golden, "reference_std"), profile.StandardDeviation, name);
        }

        var chiSquare = GoldenData.Cases("chisquare.json").Single();
        foreach (var golden in chiSquare.GetProperty("goodness_of_fit").EnumerateArray())
        {
            var observed = GoldenData.Numbers(golden.GetProperty("observed"));
            var expected = golden.GetProperty("expected");
            var result = expected.ValueKind == JsonValueKind.Null
                ? ChiSquareTest.GoodnessOfFit(observed)
                : ChiSquareTest.GoodnessOfFit(observed, GoldenData.Numbers(expected), golden.GetProperty("ddof").GetInt32());
            Record("chi-square GOF statistic", Number(golden, "statistic"), result.Statistic, golden.GetProperty("name").GetString()!);
            Record("chi-square GOF p", Number(golden, "pvalue"), result.PValue, golden.GetProperty("name").GetString()!);
        }

        foreach (var golden in chiSquare.GetProperty("contingency").EnumerateArray())
        {
            var rows = golden.GetProperty("table").EnumerateArray().Select(GoldenData.Numbers).ToArray();
            var result = ChiSquareTest.Contingency(rows.SelectMany(row => row).ToArray(), rows[0].Length, golden.GetProperty("correction").GetBoolean());
            Record("chi-square contingency statistic", Number(golden, "statistic"), result.Statistic, golden.GetProperty("name").GetString()!);
            Record("chi-square contingency p", Number(golden, "pvalue"), result.PValue, golden.GetProperty("name").GetString()!);
        }

        foreach (var golden in GoldenData.Cases("categorical.json"))
        {
            var name = golden.GetProperty("name").GetString()!;
            var result = CategoricalDrift.Compare(Counts(golden.GetProperty("reference")), Counts(golden.GetProperty("current")));
            Record("categorical chi-square statistic", Number(golden, "chi2_statistic"), result.ChiSquare.Statistic, name);
            Record("categorical chi-square p", Number(golden, "chi2_pvalue"), result.ChiSquare.PValue, name);
            Record("JS distance (categories)", Number(golden, "jensenshannon"), result.JensenShannonDistance, name);
            Record("PSI (categories)", Number(golden, "psi"), result.Psi.Value, name);
        }

        output.WriteLine($"{"statistic",-42} {"values",6} {"max relative",13} {"max abs (<1e-12)",16}  where");
        foreach (var (statistic, (relative, tiny, count, where)) in worst.OrderBy(item => item.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{statistic,-42} {count,6} {relative,13:G3} {tiny,16:G3}  {where}"));
        }

        foreach (var (statistic, (relative, tiny, _, where)) in worst)
        {
            var isPValue = statistic.Contains(" p", StringComparison.Ordinal) || statistic.StartsWith("kstwo", StringComparison.Ordinal)
                || statistic.StartsWith("smirnov", StringComparison.Ordinal);
            Assert.True(relative <= (isPValue ? GoldenData.PValueTolerance : GoldenData.StatisticTolerance), $"{statistic}: {relative:G3} at {where}");
            Assert.True(tiny <= GoldenData.TinyPValue, $"{statistic}: tiny values differ by {tiny:G3} at {where}");
        }
    }

    private static double Number(JsonElement element, string property) => GoldenData.Number(element.GetProperty(property));

    private static CategoryCounts Counts(JsonElement counts) =>
        CategoryCounts.FromCounts(counts.EnumerateObject().Select(item => new KeyValuePair<string, long>(item.Name, item.Value.GetInt64())));

    /// <summary>Relative disagreement where scipy's value is at least 1e-12, absolute below it (the p-value rule).</summary>
    private void Record(string statistic, double expected, double actual, string where)
    {
        var (relative, tiny, count, worstWhere) = worst.GetValueOrDefault(statistic, (0, 0, 0, "-"));
        double caseRelative = 0, caseTiny = 0;
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            caseRelative = expected.Equals(actual) ? 0 : double.PositiveInfinity;
        }
        else if (Math.Abs(expected) < GoldenData.TinyPValue)
        {
            caseTiny = Math.Abs(actual - expected);
        }
        else
        {
            caseRelative = Math.Abs(actual - expected) / Math.Abs(expected);
        }

        if (caseRelative > relative || (caseRelative == relative && caseTiny > tiny && worstWhere == "-"))
        {
            worstWhere = where;
        }

        worst[statistic] = (Math.Max(relative, caseRelative), Math.Max(tiny, caseTiny), count + 1, worstWhere);
    }
}
