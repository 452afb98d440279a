using System.Runtime.InteropServices;

namespace MlopsFlows.Domain.Gates;

/// <summary>One protected attribute's value per row of the evaluation set; null is a missing value, kept as its own group.</summary>
public sealed record ProtectedColumn(string Name, ReadOnlyMemory<string?> Values);

/// <summary>The decision counts of one group: everything the fairness figures are computed from.</summary>
/// <param name="Group">The group's label, e.g. <c>sex=F</c> or <c>sex=F, age_band=18-25</c>.</param>
/// <param name="Size">Rows in the group.</param>
/// <param name="Selected">Rows with the favourable decision (prediction 1).</param>
/// <param name="Positives">Rows whose label is 1.</param>
/// <param name="TruePositives">Rows with label 1 and prediction 1.</param>
/// <param name="FalsePositives">Rows with label 0 and prediction 1.</param>
public sealed record GroupCounts(string Group, long Size, long Selected, long Positives, long TruePositives, long FalsePositives)
{
    public long Negatives => Size - Positives;
}

/// <summary>The groups of one protected attribute, or of one intersection of attributes (in the order they were given).</summary>
public sealed record AttributeGroups(IReadOnlyList<string> Attributes, IReadOnlyList<GroupCounts> Groups);

/// <summary>
/// Group counts of an evaluation set, per protected attribute and per intersection. Small and serialisable, so that they
/// can be counted where the data lives and judged elsewhere.
/// </summary>
public sealed record FairnessCounts(long Rows, IReadOnlyList<AttributeGroups> Sets);

/// <summary>Counts labels and decisions per group in one pass over the rows.</summary>
public static class FairnessCounter
{
    /// <summary>The label of a missing (null) attribute value (a literal value spelt the same is counted in the same group).</summary>
    public const string Missing = "(missing)";

    /// <summary>
    /// Counts every group of every attribute and, when <paramref name="intersections"/> is set, of every intersection of
    /// two or more attributes. Each row is read once: its attribute values are coded to small integers, the codes combine
    /// into one cell of the full intersection, and the attributes' and smaller intersections' groups are then summed from
    /// those cells, of which there are at most as many as rows.
    /// </summary>
    /// <param name="labels">The true outcome per row, 0 or 1.</param>
    /// <param name="predictions">The decision per row, 0 or 1, 1 the favourable one (e.g. approve).</param>
    /// <exception cref="ArgumentException">Lengths differ, a label or decision is not 0 or 1, or attribute names repeat.</exception>
    public static FairnessCounts Count(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions, IReadOnlyList<ProtectedColumn> columns, bool intersections)
    {
        var rows = labels.Length;
        if (predictions.Length != rows)
        {
            throw new ArgumentException($"There are {rows} labels but {predictions.Length} predictions.", nameof(predictions));
        }

        if (columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new ArgumentException("Protected attribute names must be distinct.", nameof(columns));
        }

        var coded = new CodedColumn[columns.Count];
        long cellSpace = 1;
        for (var j = 0; j < columns.Count; j++)
        {
            if (columns[j].Values.Length != rows)
            {
                throw new ArgumentException($"Attribute '{columns[j].Name}' has {columns[j].Values.Length} values for {rows} rows.", nameof(columns));
            }

            coded[j] = CodedColumn.Encode(columns[j].Values.Span);
            var distinct = Math.Max(coded[j].Labels.Count, 1);
            if (cellSpace > long.MaxValue / distinct)
            {
                throw new ArgumentException("The protected attributes have too many distinct combinations of values to count.", nameof(columns));
            }

            cellSpace *= distinct;
        }

        var cells = CountCells(labels, predictions, coded);
        return new FairnessCounts(rows, Subsets(columns.Count, intersections).Select(subset => Sum(cells, subset, columns, coded)).ToArray());
    }

    private static Dictionary<long, Cell> CountCells(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions, CodedColumn[] coded)
    {
        var cells = new Dictionary<long, Cell>();
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            var prediction = predictions[i];
            if ((uint)label > 1 || (uint)prediction > 1)
            {
                throw new ArgumentException($"Row {i}: label {label} and prediction {prediction} must each be 0 or 1.", nameof(labels));
            }

            // Mixed-radix key of the row's codes: unique per combination of values, and it cannot overflow (checked above).
            long key = 0;
            foreach (var column in coded)
            {
                key = (key * column.Labels.Count) + column.Codes[i];
            }

            ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(cells, key, out _);
            cell.Size++;
            cell.Selected += prediction;
            cell.Positives += label;
            cell.TruePositives += label & prediction;
            cell.FalsePositives += (1 - label) & prediction;
        }

        return cells;
    }

    private static AttributeGroups Sum(Dictionary<long, Cell> cells, int[] subset, IReadOnlyList<ProtectedColumn> columns, CodedColumn[] coded)
    {
        var groups = new Dictionary<string, Cell>(StringComparer.Ordinal);
        var codes = new int[coded.Length];
        foreach (var (key, cell) in cells)
        {
            var rest = key;
            for (var j = coded.Length - 1; j >= 0; j--)
            {
                codes[j] = (int)(rest % coded[j].Labels.Count);
                rest /= coded[j].Labels.Count;
            }

            var label = string.Join(", ", subset.Select(j => $"{columns[j].Name}={coded[j].Labels[codes[j]]}"));
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, label, out _);
            group.Add(cell);
        }

        var ordered = groups
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new GroupCounts(g.Key, g.Value.Size, g.Value.Selected, g.Value.Positives, g.Value.TruePositives, g.Value.FalsePositives))
            .ToArray();
        return new AttributeGroups([.. subset.Select(j => columns[j].Name)], ordered);
    }

    // Single attributes first, then pairs, triples...; each in the order the columns were given.
    private static IEnumerable<int[]> Subsets(int count, bool intersections)
    {
        var largest = intersections ? count : Math.Min(count, 1);
        for (var size = 1; size <= largest; size++)
        {
            for (var mask = 1; mask < 1 << count; mask++)
            {
                if (int.PopCount(mask) == size)
                {
                    yield return [.. Enumerable.Range(0, count).Where(j => (mask & (1 << j)) != 0)];
                }
            }
        }
    }

    private struct Cell
    {
        public long Size;
        public long Selected;
        public long Positives;
        public long TruePositives;
        public long FalsePositives;

        public void Add(Cell other)
        {
            Size += other.Size;
            Selected += other.Selected;
            Positives += other.Positives;
            TruePositives += other.TruePositives;
            FalsePositives += other.FalsePositives;
        }
    }

    private sealed record CodedColumn(int[] Codes, List<string> Labels)
    {
        public static CodedColumn Encode(ReadOnlySpan<string?> values)
        {
            var codesByValue = new Dictionary<string, int>(StringComparer.Ordinal);
            var labels = new List<string>();
            var missingCode = -1;
            var codes = new int[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                if (value is null)
                {
                    if (missingCode < 0)
                    {
                        missingCode = labels.Count;
                        labels.Add(Missing);
                    }

                    codes[i] = missingCode;
                    continue;
                }

                ref var code = ref CollectionsMarshal.GetValueRefOrAddDefault(codesByValue, value, out var exists);
                if (!exists)
                {
                    code = labels.Count;
                    labels.Add(value);
                }

                codes[i] = code;
            }

            return new CodedColumn(codes, labels);
        }
    }
}
