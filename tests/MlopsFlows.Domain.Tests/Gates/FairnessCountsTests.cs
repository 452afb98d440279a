using MlopsFlows.Domain.Gates;

namespace MlopsFlows.Domain.Tests.Gates;

public class FairnessCountsTests
{
    [Fact]
    public void Count_OneAttribute_CountsEveryGroup()
    {
        int[] labels = [1, 1, 0, 0, 1, 0];
        int[] predictions = [1, 0, 1, 0, 1, 1];
        string?[] sex = ["F", "F", "F", "M", "M", "M"];

        var counts = FairnessCounter.Count(labels, predictions, [new ProtectedColumn("sex", sex)], intersections: true);

        Assert.Equal(6, counts.Rows);
        var set = Assert.Single(counts.Sets);
        Assert.Equal(["sex"], set.Attributes);
        Assert.Equal(
            [new GroupCounts("sex=F", 3, 2, 2, 1, 1), new GroupCounts("sex=M", 3, 2, 1, 1, 1)],
            set.Groups);
        Assert.Equal(1, set.Groups[0].Negatives);
    }

    [Fact]
    public void Count_NullValue_IsItsOwnGroup()
    {
        var counts = FairnessCounter.Count([1, 0, 1], [1, 1, 0], [new ProtectedColumn("sex", new string?[] { null, "F", null })], intersections: false);

        var missing = Assert.Single(counts.Sets[0].Groups, g => g.Group == $"sex={FairnessCounter.Missing}");
        Assert.Equal(new GroupCounts("sex=(missing)", 2, 1, 2, 1, 0), missing);
    }

    [Fact]
    public void Count_ThreeAttributes_CountsSinglesThenPairsThenTheTriple()
    {
        var counts = FairnessCounter.Count(
            [0, 1],
            [1, 1],
            [new ProtectedColumn("a", new string?[] { "x", "y" }), new ProtectedColumn("b", new string?[] { "x", "y" }), new ProtectedColumn("c", new string?[] { "x", "y" })],
            intersections: true);

        Assert.Equal(
            ["a", "b", "c", "a,b", "a,c", "b,c", "a,b,c"],
            counts.Sets.Select(s => string.Join(',', s.Attributes)));
        Assert.Equal(["a=x, b=x, c=x", "a=y, b=y, c=y"], counts.Sets[^1].Groups.Select(g => g.Group));
    }

    [Fact]
    public void Count_IntersectionsOff_CountsOnlySingleAttributes()
    {
        var counts = FairnessCounter.Count(
            [0, 1],
            [1, 1],
            [new ProtectedColumn("a", new string?[] { "x", "y" }), new ProtectedColumn("b", new string?[] { "x", "y" })],
            intersections: false);

        Assert.Equal(["a", "b"], counts.Sets.Select(s => string.Join(',', s.Attributes)));
    }

    [Fact]
    public void Count_RandomRows_IntersectionsAgreeWithGroupingEveryRow()
    {
        var random = new Random(7);
        const int rows = 5000;
        var labels = new int[rows];
        var predictions = new int[rows];
        var a = new string?[rows];
        var b = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            labels[i] = random.Next(2);
            predictions[i] = random.Next(2);
            a[i] = random.Next(5) == 0 ? null : $"a{random.Next(4)}";
            b[i] = $"b{random.Next(3)}";
        }

        var counts = FairnessCounter.Count(labels, predictions, [new ProtectedColumn("a", a), new ProtectedColumn("b", b)], intersections: true);

        // The slow, obvious way, for comparison only.
        var expected = Enumerable.Range(0, rows)
            .GroupBy(i => $"a={a[i] ?? FairnessCounter.Missing}, b={b[i]}")
            .Select(g => new GroupCounts(
                g.Key,
                g.Count(),
                g.Count(i => predictions[i] == 1),
                g.Count(i => labels[i] == 1),
                g.Count(i => labels[i] == 1 && predictions[i] == 1),
                g.Count(i => labels[i] == 0 && predictions[i] == 1)))
            .OrderBy(g => g.Group, StringComparer.Ordinal);
        Assert.Equal(expected, counts.Sets[2].Groups);
        Assert.All(counts.Sets, s => Assert.Equal(rows, s.Groups.Sum(g => g.Size)));
    }

    [Fact]
    public void Count_NoRows_HasSetsWithoutGroups()
    {
        var counts = FairnessCounter.Count([], [], [new ProtectedColumn("a", Array.Empty<string?>())], intersections: true);

        Assert.Equal(0, counts.Rows);
        Assert.Empty(Assert.Single(counts.Sets).Groups);
    }

    [Fact]
    public void Count_NoAttributes_HasNoSets()
    {
        var counts = FairnessCounter.Count([1, 0], [0, 1], [], intersections: true);

        Assert.Equal(2, counts.Rows);
        Assert.Empty(counts.Sets);
    }

    [Fact]
    public void Count_LengthsDiffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => FairnessCounter.Count([1, 0], [1], [], intersections: true));
        Assert.Throws<ArgumentException>(() => FairnessCounter.Count([1, 0], [1, 0], [new ProtectedColumn("a", new string?[] { "x" })], intersections: true));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, -1)]
    public void Count_LabelOrDecisionNotBinary_ThrowsNamingTheRow(int label, int prediction)
    {
        var error = Assert.Throws<ArgumentException>(() => FairnessCounter.Count([0, label], [0, prediction], [], intersections: true));

        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_RepeatedAttributeName_Throws()
    {
        string?[] values = ["x"];

        Assert.Throws<ArgumentException>(() => FairnessCounter.Count([1], [1], [new ProtectedColumn("a", values), new ProtectedColumn("a", values)], intersections: true));
    }
}
