using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Tests.Gates;

public class DataQualityGateTests
{
    private static readonly DataQualityGatePolicy Policy = new(MaxNullRate: 0.1, MaxOutOfRangeRate: 0.01);

    private static readonly DatasetSchema Schema = new(
    [
        new DeclaredColumn("income", ColumnKind.Numeric, Min: 0),
        new DeclaredColumn("age", ColumnKind.Numeric, Nullable: false, Min: 18, Max: 120),
        new DeclaredColumn("region", ColumnKind.Categorical, AllowedCategories: ["north", "south"], MaxNullRate: 0.5),
    ]);

    [Fact]
    public void Evaluate_CleanData_Passes()
    {
        var report = Evaluate(Clean());

        Assert.True(report.Passed, string.Join('\n', report.Reasons));
        Assert.Equal(DataQualityGate.Name, report.Gate);
        Assert.Contains(report.Findings, f => f.Check == "schema" && f.Outcome == GateOutcome.Pass);
        Assert.Equal(3, report.Findings.Count(f => f.Check == "null_rate"));
        Assert.Equal(2, report.Findings.Count(f => f.Check == "out_of_range_rate"));
        Assert.Single(report.Findings, f => f.Check == "new_categories");
        Assert.Equal("10", report.Inputs["rows"]);
        Assert.Equal("training", report.Inputs["dataset"]);
    }

    [Fact]
    public void Evaluate_DeclaredColumnMissing_FailsNamingIt()
    {
        var (numeric, categorical) = Clean();
        numeric.Remove("age");

        var report = Evaluate((numeric, categorical));

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        var missing = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("schema", "age"), (missing.Check, missing.Subject));
        Assert.Contains("missing", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UndeclaredColumn_FailsButIsStillProfiled()
    {
        var (numeric, categorical) = Clean();
        numeric["debt"] = [.. Enumerable.Repeat(1.0, 10)];

        var report = Evaluate((numeric, categorical));

        var unexpected = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("schema", "debt"), (unexpected.Check, unexpected.Subject));
        Assert.Contains(report.Findings, f => f.Check == "null_rate" && f.Subject == "debt");
    }

    [Fact]
    public void Evaluate_KindMismatch_FailsAndSkipsTheRangeCheck()
    {
        var (numeric, categorical) = Clean();
        numeric.Remove("income");
        categorical["income"] = [.. Enumerable.Repeat((string?)"high", 10)];

        var report = Evaluate((numeric, categorical));

        var mismatch = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Contains("declared numeric but is categorical", mismatch.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Check == "out_of_range_rate" && f.Subject == "income");
    }

    [Fact]
    public void Evaluate_SchemaMismatchNotRequired_ReportedButPasses()
    {
        var (numeric, categorical) = Clean();
        numeric["debt"] = [.. Enumerable.Repeat(1.0, 10)];

        var report = DataQualityGate.Evaluate(Policy with { RequireSchemaMatch = false }, Schema, Profile(numeric, categorical));

        Assert.True(report.Passed);
        Assert.Contains(report.Findings, f => f.Check == "schema" && f.Subject == "debt" && f.Reason.Contains("not require", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_NullRateAbovePolicyLimit_Fails()
    {
        var (numeric, categorical) = Clean();
        numeric["income"][0] = double.NaN;
        numeric["income"][1] = double.NaN;

        var report = Evaluate((numeric, categorical));

        var nulls = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("null_rate", "income", 0.2, 0.1), (nulls.Check, nulls.Subject, nulls.Value!.Value, nulls.Threshold!.Value));
        Assert.Equal(10, nulls.SampleSize);
        Assert.Equal(Comparison.AtMost, nulls.Comparison);
    }

    [Fact]
    public void Evaluate_NullRateAtPolicyLimit_Passes()
    {
        var (numeric, categorical) = Clean();
        numeric["income"][0] = double.NaN;

        Assert.True(Evaluate((numeric, categorical)).Passed);
    }

    [Fact]
    public void Evaluate_OneNullInNonNullableColumn_Fails()
    {
        var (numeric, categorical) = Clean();
        numeric["age"][3] = double.NaN;

        var report = Evaluate((numeric, categorical));

        var nulls = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("age", 0.0), (nulls.Subject, nulls.Threshold!.Value));
        Assert.Contains("not nullable", nulls.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ColumnsOwnNullLimit_OverridesThePolicy()
    {
        var (numeric, categorical) = Clean();
        for (var i = 0; i < 4; i++)
        {
            categorical["region"][i] = null;
        }

        var report = Evaluate((numeric, categorical));

        Assert.True(report.Passed);
        Assert.Equal(0.5, Assert.Single(report.Findings, f => f.Check == "null_rate" && f.Subject == "region").Threshold);
    }

    [Fact]
    public void Evaluate_OutOfRangeAboveLimit_Fails()
    {
        var (numeric, categorical) = Clean();
        numeric["age"][0] = 7;

        var report = Evaluate((numeric, categorical));

        var range = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("out_of_range_rate", "age", 0.1), (range.Check, range.Subject, range.Value!.Value));
        Assert.Contains(range.Measures, m => m.Name == "out_of_range" && m.Value == 1);
    }

    [Fact]
    public void Evaluate_InfinityInNumericColumn_CountsAsOutOfRangeNotACrash()
    {
        var (numeric, categorical) = Clean();
        numeric["income"][4] = double.PositiveInfinity;

        var report = Evaluate((numeric, categorical));

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.Equal("income", Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail && f.Check == "out_of_range_rate").Subject);
        _ = System.Text.Json.JsonSerializer.Serialize(report);
    }

    [Fact]
    public void Evaluate_NewCategories_FailsListingThemCapped()
    {
        var (numeric, categorical) = Clean();
        var values = categorical["region"];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = $"r{i}";
        }

        var report = Evaluate((numeric, categorical));

        var fresh = Assert.Single(report.Findings, f => f.Outcome == GateOutcome.Fail);
        Assert.Equal(("new_categories", "region", 10.0), (fresh.Check, fresh.Subject, fresh.Value!.Value));
        Assert.Contains("'r0' (1)", fresh.Reason, StringComparison.Ordinal);
        Assert.Contains("10 undeclared categories", fresh.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("more", fresh.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MoreNewCategoriesThanTheReasonNames_SaysHowManyMore()
    {
        var region = Enumerable.Range(0, 30).Select(i => (string?)$"r{i:D2}").ToArray();
        var profile = DatasetProfiler.Profile(
            "training",
            Schema,
            new Dictionary<string, double[]> { ["income"] = [.. Enumerable.Repeat(1.0, 30)], ["age"] = [.. Enumerable.Repeat(30.0, 30)] },
            new Dictionary<string, string?[]> { ["region"] = region });

        var report = DataQualityGate.Evaluate(Policy, Schema, profile);

        var fresh = Assert.Single(report.Findings, f => f.Check == "new_categories");
        Assert.Contains("and 20 more", fresh.Reason, StringComparison.Ordinal);
        Assert.Equal(DatasetProfiler.MaxListedCategories + 1, fresh.Measures.Count);
    }

    [Fact]
    public void Evaluate_NoRows_InsufficientData()
    {
        var profile = DatasetProfiler.Profile("training", Schema, new Dictionary<string, double[]> { ["income"] = [], ["age"] = [] }, new Dictionary<string, string?[]> { ["region"] = [] });

        var report = DataQualityGate.Evaluate(Policy, Schema, profile);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.Contains(report.Findings, f => f.Check == "rows" && f.Outcome == GateOutcome.InsufficientData);
        Assert.DoesNotContain(report.Findings, f => f.Check == "null_rate");
    }

    [Fact]
    public void Evaluate_EmptyDataset_FailsSchemaAndHasNoRows()
    {
        var profile = DatasetProfiler.Profile("training", Schema, new Dictionary<string, double[]>(), new Dictionary<string, string?[]>());

        var report = DataQualityGate.Evaluate(Policy, Schema, profile);

        Assert.Equal(GateOutcome.Fail, report.Outcome);
        Assert.Equal(3, report.Findings.Count(f => f.Check == "schema" && f.Outcome == GateOutcome.Fail));
        Assert.Contains(report.Findings, f => f.Check == "rows");
    }

    [Fact]
    public void Evaluate_AllNullNullableColumn_RangeInsufficientData()
    {
        var schema = new DatasetSchema([new DeclaredColumn("x", ColumnKind.Numeric, MaxNullRate: 1)]);
        var profile = DatasetProfiler.Profile("d", schema, new Dictionary<string, double[]> { ["x"] = [double.NaN, double.NaN] }, new Dictionary<string, string?[]>());

        var report = DataQualityGate.Evaluate(Policy, schema, profile);

        Assert.Equal(GateOutcome.InsufficientData, report.Outcome);
        Assert.Equal(GateOutcome.InsufficientData, Assert.Single(report.Findings, f => f.Check == "out_of_range_rate").Outcome);
    }

    private static GateReport Evaluate((Dictionary<string, double[]> Numeric, Dictionary<string, string?[]> Categorical) data) =>
        DataQualityGate.Evaluate(Policy, Schema, Profile(data.Numeric, data.Categorical));

    private static DatasetProfile Profile(Dictionary<string, double[]> numeric, Dictionary<string, string?[]> categorical) =>
        DatasetProfiler.Profile("training", Schema, numeric, categorical);

    private static (Dictionary<string, double[]> Numeric, Dictionary<string, string?[]> Categorical) Clean() =>
    (
        new Dictionary<string, double[]>
        {
            ["income"] = [1000, 2500, 0, 40000, 12, 8000, 100, 52000, 3300, 760],
            ["age"] = [18, 25, 33, 47, 52, 61, 70, 80, 95, 120],
        },
        new Dictionary<string, string?[]>
        {
            ["region"] = ["north", "south", "north", "south", "north", "north", "south", null, "south", "north"],
        });
}
