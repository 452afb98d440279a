using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class CategoricalDriftTests
{
    private const string File = "categorical.json";

    public static TheoryData<string> GoldenCases => GoldenData.CaseNames(File);

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Compare_GoldenCase_MatchesScipy(string name)
    {
        var golden = GoldenData.Case(File, name);
        var reference = Counts(golden.GetProperty("reference"));
        var current = Counts(golden.GetProperty("current"));

        var result = CategoricalDrift.Compare(reference, current, golden.GetProperty("epsilon").GetDouble());

        Assert.Equal(golden.GetProperty("categories").EnumerateArray().Select(item => item.GetString()), result.Categories);
        Assert.Equal(GoldenData.Longs(golden.GetProperty("reference_counts")), result.ReferenceCounts);
        Assert.Equal(GoldenData.Longs(golden.GetProperty("current_counts")), result.CurrentCounts);
        Assert.Equal(golden.GetProperty("unseen").EnumerateArray().Select(item => item.GetString()), result.UnseenCategories.Select(unseen => unseen.Category));
        Assert.Equal(golden.GetProperty("missing").EnumerateArray().Select(item => item.GetString()), result.MissingCategories);
        GoldenData.AssertStatistic(golden.GetProperty("chi2_statistic").GetDouble(), result.ChiSquare.Statistic, "chi-square");
        GoldenData.AssertPValue(golden.GetProperty("chi2_pvalue").GetDouble(), result.ChiSquare.PValue, "chi-square p-value");
        Assert.Equal(golden.GetProperty("chi2_dof").GetInt32(), result.ChiSquare.DegreesOfFreedom);
        GoldenData.AssertStatistic(golden.GetProperty("jensenshannon").GetDouble(), result.JensenShannonDistance, "JS");
        GoldenData.AssertStatistic(golden.GetProperty("psi").GetDouble(), result.Psi.Value, "PSI");
    }

    [Fact]
    public void Compare_UnseenCategory_IsReportedWithItsCountAndKeptInTheTable()
    {
        var reference = CategoryCounts.FromValues(["a", "a", "b"]);
        var current = CategoryCounts.FromValues(["a", "c", "c", "c"]);

        var result = CategoricalDrift.Compare(reference, current);

        var unseen = Assert.Single(result.UnseenCategories);
        Assert.Equal(new UnseenCategory("c", 3), unseen);
        Assert.Equal(["a", "b", "c"], result.Categories);
        Assert.Equal(["b"], result.MissingCategories);
        Assert.Equal(2, result.ChiSquare.DegreesOfFreedom);
    }

    [Fact]
    public void Compare_CategoryWithZeroCountOnBothSides_IsLeftOutOfTheTable()
    {
        var reference = CategoryCounts.FromCounts([new("a", 5), new("b", 0)]);
        var current = CategoryCounts.FromCounts([new("a", 3), new("b", 0), new("c", 2)]);

        var result = CategoricalDrift.Compare(reference, current);

        Assert.Equal(["a", "c"], result.Categories);
    }

    [Fact]
    public void Compare_EmptyCurrent_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            CategoricalDrift.Compare(CategoryCounts.FromValues(["a"]), CategoryCounts.FromValues([])));

        Assert.Equal("current", error.ParamName);
    }

    private static CategoryCounts Counts(System.Text.Json.JsonElement counts) =>
        CategoryCounts.FromCounts(counts.EnumerateObject().Select(item => new KeyValuePair<string, long>(item.Name, item.Value.GetInt64())));
}
