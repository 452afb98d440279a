using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class CategoryCountsTests
{
    [Fact]
    public void FromCounts_NegativeCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => CategoryCounts.FromCounts([new("a", -1)]));

        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCounts_DuplicateCategory_Throws()
    {
        Assert.Throws<ArgumentException>(() => CategoryCounts.FromCounts([new("a", 1), new("a", 2)]));
    }

    [Fact]
    public void FromValues_NullValue_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => CategoryCounts.FromValues(["a", null!]));

        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromValues_CountsAndOrdersOrdinally()
    {
        var counts = CategoryCounts.FromValues(["b", "B", "a", "b"]);

        Assert.Equal(["B", "a", "b"], counts.Categories);
        Assert.Equal(2, counts["b"]);
        Assert.Equal(0, counts["z"]);
        Assert.Equal(4, counts.Total);
    }
}
