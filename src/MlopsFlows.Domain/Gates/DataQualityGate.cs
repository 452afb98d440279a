using System.Globalization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>
/// Data quality of one dataset against the schema the model card declares:
/// <list type="bullet">
/// <item>schema match: declared columns missing, undeclared columns present, kinds that differ (each a failure when the
/// policy requires a match, otherwise reported as passing with that said);</item>
/// <item>null rate per column (nulls / rows): at most 0 for a column declared not nullable, else the column's own limit or
/// the policy's <see cref="DataQualityGatePolicy.MaxNullRate"/>;</item>
/// <item>out-of-range rate per numeric column (out of range / non-null values) at most
/// <see cref="DataQualityGatePolicy.MaxOutOfRangeRate"/>; ±∞ is always out of range;</item>
/// <item>new categories per categorical column with declared categories: any fails, the categories listed.</item>
/// </list>
/// No rows, or a column without a single non-null value to range-check, is insufficient data.
/// </summary>
public static class DataQualityGate
{
    public const string Name = "data_quality";

    /// <summary>New categories named in a finding's reason; the profile lists more.</summary>
    public const int CategoriesInReason = 10;

    public static GateReport Evaluate(DataQualityGatePolicy policy, DatasetSchema schema, DatasetProfile observed)
    {
        var declared = schema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var inputs = new Dictionary<string, string>
        {
            ["dataset"] = observed.Dataset,
            ["rows"] = observed.Rows.ToString(CultureInfo.InvariantCulture),
            ["declared_columns"] = string.Join(", ", schema.Columns.Select(c => c.Name)),
            ["observed_columns"] = string.Join(", ", observed.Columns.Select(c => c.Name)),
            ["max_null_rate"] = GateNumbers.Format(policy.MaxNullRate),
            ["max_out_of_range_rate"] = GateNumbers.Format(policy.MaxOutOfRangeRate),
            ["require_schema_match"] = policy.RequireSchemaMatch ? "true" : "false",
        };

        var findings = new List<GateFinding>();
        findings.AddRange(Schema(policy, schema, observed));
        if (observed.Rows == 0)
        {
            findings.Add(new GateFinding("rows", observed.Dataset, GateOutcome.InsufficientData, $"{observed.Dataset} has no rows: its quality cannot be judged.") { Value = 0, SampleSize = 0 });
            return GateReport.From(Name, findings, inputs);
        }

        foreach (var column in observed.Columns)
        {
            var declaration = declared.GetValueOrDefault(column.Name);
            findings.Add(NullRate(policy, column, declaration));
            if (declaration is not null && declaration.Kind != column.Kind)
            {
                continue; // Range and categories mean nothing against a declaration of the other kind; the schema finding says why.
            }

            if (column.Kind == ColumnKind.Numeric)
            {
                findings.Add(OutOfRange(policy, column));
            }
            else if (declaration?.AllowedCategories is not null)
            {
                findings.Add(NewCategories(column));
            }
        }

        return GateReport.From(Name, findings, inputs);
    }

    private static IEnumerable<GateFinding> Schema(DataQualityGatePolicy policy, DatasetSchema schema, DatasetProfile observed)
    {
        var seen = observed.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var declaredNames = schema.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<(string Column, string Reason)>();
        foreach (var column in schema.Columns)
        {
            if (!seen.TryGetValue(column.Name, out var profile))
            {
                problems.Add((column.Name, $"Declared column '{column.Name}' ({Kind(column.Kind)}) is missing from {observed.Dataset}."));
            }
            else if (profile.Kind != column.Kind)
            {
                problems.Add((column.Name, $"Column '{column.Name}' is declared {Kind(column.Kind)} but is {Kind(profile.Kind)} in {observed.Dataset}."));
            }
        }

        foreach (var column in observed.Columns.Where(c => !declaredNames.Contains(c.Name)))
        {
            problems.Add((column.Name, $"Column '{column.Name}' ({Kind(column.Kind)}) in {observed.Dataset} is not declared in the schema."));
        }

        if (problems.Count == 0)
        {
            return [new GateFinding("schema", observed.Dataset, GateOutcome.Pass, $"{observed.Dataset} matches the declared schema ({schema.Columns.Count} columns).") { Value = schema.Columns.Count }];
        }

        return problems.Select(p => policy.RequireSchemaMatch
            ? new GateFinding("schema", p.Column, GateOutcome.Fail, p.Reason)
            : new GateFinding("schema", p.Column, GateOutcome.Pass, p.Reason + " (the policy does not require a schema match)"));
    }

    private static GateFinding NullRate(DataQualityGatePolicy policy, ColumnProfile column, DeclaredColumn? declaration)
    {
        var limit = declaration is { Nullable: false } ? 0 : declaration?.MaxNullRate ?? policy.MaxNullRate;
        var rate = (double)column.Nulls / column.Rows;
        var passed = rate <= limit;
        var why = declaration is { Nullable: false } ? " (declared not nullable)" : string.Empty;
        return new GateFinding(
            "null_rate",
            column.Name,
            passed ? GateOutcome.Pass : GateOutcome.Fail,
            $"Column '{column.Name}': {column.Nulls} nulls in {column.Rows} rows = {GateNumbers.Format(rate)}, {(passed ? "within" : "above")} the limit {GateNumbers.Format(limit)}{why}.")
        {
            Value = rate,
            Comparison = Comparison.AtMost,
            Threshold = limit,
            SampleSize = column.Rows,
            Measures = [new("nulls", column.Nulls)],
        };
    }

    private static GateFinding OutOfRange(DataQualityGatePolicy policy, ColumnProfile column)
    {
        if (column.NonNull == 0)
        {
            return new GateFinding("out_of_range_rate", column.Name, GateOutcome.InsufficientData, $"Column '{column.Name}' has no non-null value whose range could be checked.")
            {
                Comparison = Comparison.AtMost,
                Threshold = policy.MaxOutOfRangeRate,
                SampleSize = 0,
            };
        }

        var rate = (double)column.OutOfRange / column.NonNull;
        var passed = rate <= policy.MaxOutOfRangeRate;
        return new GateFinding(
            "out_of_range_rate",
            column.Name,
            passed ? GateOutcome.Pass : GateOutcome.Fail,
            $"Column '{column.Name}': {column.OutOfRange} of {column.NonNull} values out of range = {GateNumbers.Format(rate)}, {(passed ? "within" : "above")} the limit {GateNumbers.Format(policy.MaxOutOfRangeRate)}.")
        {
            Value = rate,
            Comparison = Comparison.AtMost,
            Threshold = policy.MaxOutOfRangeRate,
            SampleSize = column.NonNull,
            Measures = [new("out_of_range", column.OutOfRange)],
        };
    }

    private static GateFinding NewCategories(ColumnProfile column)
    {
        var measures = column.NewCategories.Select(c => new GateMeasure($"count:{c.Category}", c.Count)).Prepend(new GateMeasure("rows_with_new_categories", column.OutOfRange)).ToArray();
        if (column.DistinctNewCategories == 0)
        {
            return new GateFinding("new_categories", column.Name, GateOutcome.Pass, $"Column '{column.Name}' holds only declared categories.")
            {
                Value = 0,
                Comparison = Comparison.AtMost,
                Threshold = 0,
                SampleSize = column.NonNull,
                Measures = measures,
            };
        }

        var named = string.Join(", ", column.NewCategories.Take(CategoriesInReason).Select(c => $"'{c.Category}' ({c.Count})"));
        var more = column.DistinctNewCategories > Math.Min(column.NewCategories.Count, CategoriesInReason)
            ? $" and {column.DistinctNewCategories - Math.Min(column.NewCategories.Count, CategoriesInReason)} more"
            : string.Empty;
        return new GateFinding(
            "new_categories",
            column.Name,
            GateOutcome.Fail,
            $"Column '{column.Name}' holds {column.DistinctNewCategories} undeclared categories in {column.OutOfRange} rows: {named}{more}.")
        {
            Value = column.DistinctNewCategories,
            Comparison = Comparison.AtMost,
            Threshold = 0,
            SampleSize = column.NonNull,
            Measures = measures,
        };
    }

    private static string Kind(ColumnKind kind) => kind == ColumnKind.Numeric ? "numeric" : "categorical";
}
