using MlopsFlows.Domain.Gates;

namespace MlopsFlows.Domain.Tests.Gates;

public class DatasetProfilerTests
{
    private static readonly DatasetSchema Schema = new(
    [
        new DeclaredColumn("income", ColumnKind.Numeric, Min: 0, Max: 1_000_000),
        new DeclaredColumn("region", ColumnKind.Categorical, AllowedCategories: ["north", "south"]),
    ]);

    [Fact]
    public void ProfileNumeric_NaNAndOutOfRange_CountedSeparately()
    {
        double[] values = [10, double.NaN, -1, 2_000_000, 1_000_000, 0];

        var profile = DatasetProfiler.ProfileNumeric("income", values, Schema.Columns[0]);

        Assert.Equal(("income", ColumnKind.Numeric, 6L, 1L, 2L), (profile.Name, profile.Kind, profile.Rows, profile.Nulls, profile.OutOfRange));
        Assert.Empty(profile.NewCategories);
        Assert.Equal(5, profile.NonNull);
    }

    [Fact]
    public void ProfileNumeric_Infinity_IsOutOfRangeEvenWithoutBounds()
    {
        double[] values = [double.PositiveInfinity, double.NegativeInfinity, 1e308];

        var profile = DatasetProfiler.ProfileNumeric("x", values, new DeclaredColumn("x", ColumnKind.Numeric));

        Assert.Equal(2, profile.OutOfRange);
        Assert.Equal(0, profile.Nulls);
    }

    [Fact]
    public void ProfileNumeric_Undeclared_OnlyInfinityIsOutOfRange()
    {
        var profile = DatasetProfiler.ProfileNumeric("x", [-1e9, double.PositiveInfinity], declared: null);

        Assert.Equal(1, profile.OutOfRange);
    }

    [Theory]
    [InlineData(5.0, 1.0)]
    [InlineData(double.NaN, 1.0)]
    public void ProfileNumeric_InvalidDeclaredRange_Throws(double min, double max)
    {
        Assert.Throws<ArgumentException>(() => DatasetProfiler.ProfileNumeric("x", [1.0], new DeclaredColumn("x", ColumnKind.Numeric, Min: min, Max: max)));
    }

    [Fact]
    public void ProfileCategorical_NewCategories_CountedMostFrequentFirst()
    {
        string?[] values = ["north", null, "east", "west", "east", "south", "East"];

        var profile = DatasetProfiler.ProfileCategorical("region", values, Schema.Columns[1]);

        Assert.Equal(1, profile.Nulls);
        Assert.Equal(4, profile.OutOfRange);
        Assert.Equal(3, profile.DistinctNewCategories);
        Assert.Equal([new CategoryCount("east", 2), new CategoryCount("East", 1), new CategoryCount("west", 1)], profile.NewCategories);
    }

    [Fact]
    public void ProfileCategorical_ManyNewCategories_ListIsCapped()
    {
        var values = Enumerable.Range(0, 50).Select(i => (string?)$"c{i}").ToArray();

        var profile = DatasetProfiler.ProfileCategorical("region", values, Schema.Columns[1]);

        Assert.Equal(DatasetProfiler.MaxListedCategories, profile.NewCategories.Count);
        Assert.Equal(50, profile.DistinctNewCategories);
    }

    [Fact]
    public void ProfileCategorical_NoDeclaredCategories_NothingIsNew()
    {
        var profile = DatasetProfiler.ProfileCategorical("free_text", ["a", "b"], new DeclaredColumn("free_text", ColumnKind.Categorical));

        Assert.Equal(0, profile.OutOfRange);
        Assert.Empty(profile.NewCategories);
    }

    [Fact]
    public void Profile_DeclaredColumnsFirstThenUndeclaredInOrdinalOrder()
    {
        var profile = DatasetProfiler.Profile(
            "training",
            Schema,
            new Dictionary<string, double[]> { ["zeta"] = [1, 2], ["income"] = [1, 2] },
            new Dictionary<string, string?[]> { ["alpha"] = ["a", "b"], ["region"] = ["north", "south"] });

        Assert.Equal(["income", "region", "alpha", "zeta"], profile.Columns.Select(c => c.Name));
        Assert.Equal(2, profile.Rows);
        Assert.Equal("training", profile.Dataset);
    }

    [Fact]
    public void Profile_DeclaredColumnAbsent_IsLeftOut()
    {
        var profile = DatasetProfiler.Profile("d", Schema, new Dictionary<string, double[]> { ["income"] = [1] }, new Dictionary<string, string?[]>());

        Assert.Equal(["income"], profile.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Profile_KindDiffersFromDeclaration_ProfilesTheObservedKindWithoutRange()
    {
        var profile = DatasetProfiler.Profile("d", Schema, new Dictionary<string, double[]>(), new Dictionary<string, string?[]> { ["income"] = ["high", "low"] });

        var income = Assert.Single(profile.Columns);
        Assert.Equal(ColumnKind.Categorical, income.Kind);
        Assert.Equal(0, income.OutOfRange);
    }

    [Fact]
    public void Profile_NoColumns_HasNoRows()
    {
        var profile = DatasetProfiler.Profile("d", Schema, new Dictionary<string, double[]>(), new Dictionary<string, string?[]>());

        Assert.Equal(0, profile.Rows);
        Assert.Empty(profile.Columns);
    }

    [Fact]
    public void Profile_ColumnsOfDifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => DatasetProfiler.Profile(
            "d", Schema, new Dictionary<string, double[]> { ["income"] = [1, 2] }, new Dictionary<string, string?[]> { ["region"] = ["north"] }));
    }

    [Fact]
    public void Profile_SameNameNumericAndCategorical_Throws()
    {
        Assert.Throws<ArgumentException>(() => DatasetProfiler.Profile(
            "d", Schema, new Dictionary<string, double[]> { ["income"] = [1] }, new Dictionary<string, string?[]> { ["income"] = ["1"] }));
    }
}
