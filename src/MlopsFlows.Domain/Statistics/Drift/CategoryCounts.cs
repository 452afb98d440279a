using System.Collections.ObjectModel;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>
/// How often each category occurs in a categorical column: the reference profile of a categorical column, and the
/// summary of a current window. Categories are kept in ordinal order so that tables and evidence come out the same
/// on every run.
/// </summary>
public sealed class CategoryCounts
{
    private readonly Dictionary<string, long> counts;
    private readonly string[] categories;

    private CategoryCounts(Dictionary<string, long> counts)
    {
        this.counts = counts;
        categories = [.. counts.Keys];
        Array.Sort(categories, StringComparer.Ordinal);
        Categories = new ReadOnlyCollection<string>(categories);
        long total = 0;
        foreach (var count in counts.Values)
        {
            total = checked(total + count);
        }

        Total = total;
    }

    /// <summary>Counts the values of a column; null values are missing data, not a category, and are rejected.</summary>
    /// <exception cref="ArgumentException">A value is null.</exception>
    public static CategoryCounts FromValues(IEnumerable<string> values)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var index = 0;
        foreach (var value in values)
        {
            if (value is null)
            {
                throw new ArgumentException(
                    $"Value at index {index} is null; count missing values as data quality, not as a category.",
                    nameof(values));
            }

            counts[value] = counts.GetValueOrDefault(value) + 1;
            index++;
        }

        return new CategoryCounts(counts);
    }

    /// <summary>Takes counts already aggregated (for example by a query); zero counts are kept as known categories.</summary>
    /// <exception cref="ArgumentException">A count is negative, or a category is null or listed twice.</exception>
    public static CategoryCounts FromCounts(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var copy = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (category, count) in counts)
        {
            if (category is null)
            {
                throw new ArgumentException("A category is null; count missing values as data quality, not as a category.", nameof(counts));
            }

            if (count < 0)
            {
                throw new ArgumentException($"Category '{category}' has a negative count ({count}).", nameof(counts));
            }

            if (!copy.TryAdd(category, count))
            {
                throw new ArgumentException($"Category '{category}' is listed twice.", nameof(counts));
            }
        }

        return new CategoryCounts(copy);
    }

    /// <summary>The categories, in ordinal order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The number of observations.</summary>
    public long Total { get; }

    /// <summary>The count of <paramref name="category"/>; zero when it never occurred.</summary>
    public long this[string category] => counts.GetValueOrDefault(category);

    /// <summary>Whether <paramref name="category"/> is known to this profile (listed, even with a zero count).</summary>
    public bool Contains(string category) => counts.ContainsKey(category);
}
