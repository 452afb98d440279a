using System.Runtime.InteropServices;

namespace MlopsFlows.Domain.Gates;

public enum ColumnKind
{
    Numeric,
    Categorical,
}

/// <summary>One column as the model card's schema declares it.</summary>
/// <param name="Nullable">False: any null fails. True: nulls are allowed up to <paramref name="MaxNullRate"/>.</param>
/// <param name="Min">Smallest valid value (inclusive) of a numeric column; null for no lower bound.</param>
/// <param name="Max">Largest valid value (inclusive) of a numeric column; null for no upper bound.</param>
/// <param name="AllowedCategories">The categories a categorical column may hold (ordinal); null accepts any.</param>
/// <param name="MaxNullRate">This column's own null-rate limit; null uses the policy's.</param>
public sealed record DeclaredColumn(
    string Name,
    ColumnKind Kind,
    bool Nullable = true,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? AllowedCategories = null,
    double? MaxNullRate = null);

public sealed record DatasetSchema(IReadOnlyList<DeclaredColumn> Columns);

/// <summary>A category seen in the data but not declared, and how many rows hold it.</summary>
public sealed record CategoryCount(string Category, long Count);

/// <summary>What one observed column holds, measured against its declaration (if any).</summary>
/// <param name="Kind">The observed kind (which may differ from the declared one).</param>
/// <param name="OutOfRange">
/// Non-null values outside the declared range: numeric values below Min or above Max, and ±∞ always (a declared range
/// is finite); for a categorical column, rows holding an undeclared category. Zero when the kinds differ.
/// </param>
/// <param name="NewCategories">The most frequent undeclared categories, at most <see cref="DatasetProfiler.MaxListedCategories"/>.</param>
/// <param name="DistinctNewCategories">How many distinct undeclared categories there were in all.</param>
public sealed record ColumnProfile(
    string Name,
    ColumnKind Kind,
    long Rows,
    long Nulls,
    long OutOfRange,
    IReadOnlyList<CategoryCount> NewCategories,
    long DistinctNewCategories)
{
    public long NonNull => Rows - Nulls;
}

/// <summary>The observed profile of a dataset, the data quality gate's input.</summary>
/// <param name="Dataset">Which data it describes, e.g. <c>training</c> or a dataset id and version.</param>
public sealed record DatasetProfile(string Dataset, long Rows, IReadOnlyList<ColumnProfile> Columns);

/// <summary>Builds a <see cref="DatasetProfile"/> from in-memory columns in one pass per column.</summary>
public static class DatasetProfiler
{
    /// <summary>Undeclared categories listed per column (the most frequent); the rest are only counted.</summary>
    public const int MaxListedCategories = 20;

    /// <summary>
    /// Profiles the columns against the schema: declared columns first in the schema's order, then undeclared ones in
    /// ordinal order. Numeric NaN and categorical null are nulls. Declared columns that are absent are simply not in the
    /// profile (the gate reports them).
    /// </summary>
    /// <exception cref="ArgumentException">Columns differ in length, or a name is both numeric and categorical.</exception>
    public static DatasetProfile Profile(
        string dataset,
        DatasetSchema schema,
        IReadOnlyDictionary<string, double[]> numeric,
        IReadOnlyDictionary<string, string?[]> categorical)
    {
        var lengths = numeric.Values.Select(v => v.Length).Concat(categorical.Values.Select(v => v.Length)).Distinct().ToArray();
        if (lengths.Length > 1)
        {
            throw new ArgumentException($"Columns differ in length ({string.Join(", ", lengths)}).", nameof(numeric));
        }

        if (numeric.Keys.FirstOrDefault(categorical.ContainsKey) is { } both)
        {
            throw new ArgumentException($"Column '{both}' is given both as numeric and as categorical.", nameof(categorical));
        }

        var declared = schema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = schema.Columns.Select(c => c.Name)
            .Concat(numeric.Keys.Concat(categorical.Keys).Where(n => !declared.ContainsKey(n)).Order(StringComparer.Ordinal));
        var columns = new List<ColumnProfile>();
        foreach (var name in names)
        {
            var declaration = declared.GetValueOrDefault(name);
            if (numeric.TryGetValue(name, out var numbers))
            {
                columns.Add(ProfileNumeric(name, numbers, declaration));
            }
            else if (categorical.TryGetValue(name, out var categories))
            {
                columns.Add(ProfileCategorical(name, categories, declaration));
            }
        }

        return new DatasetProfile(dataset, lengths.Length == 0 ? 0 : lengths[0], columns);
    }

    /// <summary>Profiles a numeric column: NaN is null; values outside the declared range and ±∞ are out of range.</summary>
    public static ColumnProfile ProfileNumeric(string name, ReadOnlySpan<double> values, DeclaredColumn? declared)
    {
        var checkRange = declared?.Kind == ColumnKind.Numeric;
        var min = checkRange ? declared!.Min ?? double.NegativeInfinity : double.NegativeInfinity;
        var max = checkRange ? declared!.Max ?? double.PositiveInfinity : double.PositiveInfinity;
        if (double.IsNaN(min) || double.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"Column '{name}' declares an invalid range [{min}, {max}].", nameof(declared));
        }

        long nulls = 0;
        long outOfRange = 0;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                nulls++;
            }
            else if (!double.IsFinite(value) || value < min || value > max)
            {
                outOfRange++;
            }
        }

        return new ColumnProfile(name, ColumnKind.Numeric, values.Length, nulls, outOfRange, [], 0);
    }

    /// <summary>Profiles a categorical column: null is null; values outside the declared categories are new.</summary>
    public static ColumnProfile ProfileCategorical(string name, ReadOnlySpan<string?> values, DeclaredColumn? declared)
    {
        var allowed = declared is { Kind: ColumnKind.Categorical, AllowedCategories: { } list } ? list.ToHashSet(StringComparer.Ordinal) : null;
        var unseen = new Dictionary<string, long>(StringComparer.Ordinal);
        long nulls = 0;
        long outOfRange = 0;
        foreach (var value in values)
        {
            if (value is null)
            {
                nulls++;
            }
            else if (allowed is not null && !allowed.Contains(value))
            {
                outOfRange++;
                CollectionsMarshal.GetValueRefOrAddDefault(unseen, value, out _)++;
            }
        }

        var listed = unseen
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(MaxListedCategories)
            .Select(c => new CategoryCount(c.Key, c.Value))
            .ToArray();
        return new ColumnProfile(name, ColumnKind.Categorical, values.Length, nulls, outOfRange, listed, unseen.Count);
    }
}
