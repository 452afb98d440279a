using System.Collections.ObjectModel;

namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>A category of the current window that the reference never saw, and how often it occurred.</summary>
public sealed record UnseenCategory(string Category, long Count);

/// <summary>How a categorical column's current window compares with its reference.</summary>
/// <param name="Categories">The union of both windows' categories that occur at least once, in ordinal order; the vectors below follow it.</param>
/// <param name="UnseenCategories">Categories present now and absent from the reference: reported, and counted in every statistic (never dropped).</param>
/// <param name="MissingCategories">Reference categories that do not occur in the current window.</param>
/// <param name="ChiSquare">The chi-square test of independence on the 2 × k table (reference row, current row); Yates-corrected when k = 2.</param>
/// <param name="JensenShannonDistance">The base-2 Jensen–Shannon distance between the two category distributions.</param>
/// <param name="Psi">PSI over the categories (an unseen category is an empty reference bin, so the epsilon applies).</param>
public sealed record CategoricalDriftResult(
    IReadOnlyList<string> Categories,
    IReadOnlyList<long> ReferenceCounts,
    IReadOnlyList<long> CurrentCounts,
    IReadOnlyList<UnseenCategory> UnseenCategories,
    IReadOnlyList<string> MissingCategories,
    ContingencyResult ChiSquare,
    double JensenShannonDistance,
    PsiResult Psi);

/// <summary>Compares the category distribution of a current window with the reference's.</summary>
public static class CategoricalDrift
{
    /// <summary>Aligns both windows on the union of their categories and computes chi-square, Jensen–Shannon and PSI.</summary>
    /// <exception cref="ArgumentException">Either window has no observations.</exception>
    public static CategoricalDriftResult Compare(
        CategoryCounts reference,
        CategoryCounts current,
        double psiEpsilon = PopulationStabilityIndex.DefaultEpsilon)
    {
        if (reference.Total == 0)
        {
            throw new ArgumentException("The reference has no observations; categorical drift needs at least one on each side.", nameof(reference));
        }

        if (current.Total == 0)
        {
            throw new ArgumentException("The current window has no observations; categorical drift needs at least one on each side.", nameof(current));
        }

        // A category with no observation on either side is neither evidence nor a table column (its expectation is 0).
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var category in reference.Categories)
        {
            if (reference[category] > 0)
            {
                union.Add(category);
            }
        }

        foreach (var category in current.Categories)
        {
            if (current[category] > 0)
            {
                union.Add(category);
            }
        }

        var categories = union.ToArray();
        var k = categories.Length;
        var referenceCounts = new long[k];
        var currentCounts = new long[k];
        var table = new double[2 * k];
        var unseen = new List<UnseenCategory>();
        var missing = new List<string>();
        for (var i = 0; i < k; i++)
        {
            referenceCounts[i] = reference[categories[i]];
            currentCounts[i] = current[categories[i]];
            table[i] = referenceCounts[i];
            table[k + i] = currentCounts[i];
            if (referenceCounts[i] == 0)
            {
                unseen.Add(new UnseenCategory(categories[i], currentCounts[i]));
            }
            else if (currentCounts[i] == 0)
            {
                missing.Add(categories[i]);
            }
        }

        return new CategoricalDriftResult(
            new ReadOnlyCollection<string>(categories),
            new ReadOnlyCollection<long>(referenceCounts),
            new ReadOnlyCollection<long>(currentCounts),
            unseen.AsReadOnly(),
            missing.AsReadOnly(),
            ChiSquareTest.Contingency(table, k),
            JensenShannon.Distance(referenceCounts, currentCounts),
            PopulationStabilityIndex.FromCounts(referenceCounts, currentCounts, psiEpsilon));
    }
}
