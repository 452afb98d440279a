using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Domain.Tests.Serving;

public class TrafficSplitTests
{
    [Fact]
    public void Canary_CurrentAndCandidate_GivesCandidateItsShareAndCurrentTheRest()
    {
        var split = TrafficSplit.Canary(current: 11, candidate: 12, canaryPercent: 10);

        Assert.Equal(90, split.PercentTo(11));
        Assert.Equal(10, split.PercentTo(12));
        Assert.True(split.IsValid);
        Assert.Equal(11, split.PrimaryVersion);
        Assert.Equal("v11 90% / v12 10%", split.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(99)]
    public void Canary_PercentAtBounds_IsAccepted(int percent)
    {
        var split = TrafficSplit.Canary(11, 12, percent);

        Assert.Equal(percent, split.PercentTo(12));
        Assert.True(split.IsValid);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-5)]
    [InlineData(150)]
    public void Canary_PercentOutOfBounds_Throws(int percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrafficSplit.Canary(11, 12, percent));
    }

    [Fact]
    public void AllTo_Version_SendsEverythingThere()
    {
        var split = TrafficSplit.AllTo(12);

        Assert.Equal(100, split.PercentTo(12));
        Assert.Equal(0, split.PercentTo(11));
        Assert.Equal(12, split.PrimaryVersion);
        Assert.True(split.IsValid);
    }

    [Fact]
    public void PrimaryVersion_LargestShare_Wins()
    {
        var split = new TrafficSplit([new TrafficRoute(10, 20), new TrafficRoute(11, 70), new TrafficRoute(12, 10)]);

        Assert.Equal(11, split.PrimaryVersion);
    }

    [Fact]
    public void PrimaryVersion_NoRoutes_IsNull()
    {
        Assert.Null(new TrafficSplit([]).PrimaryVersion);
    }

    [Fact]
    public void Equals_SameRoutesInAnotherOrder_AreEqualWithEqualHashCodes()
    {
        var a = new TrafficSplit([new TrafficRoute(11, 90), new TrafficRoute(12, 10)]);
        var b = new TrafficSplit([new TrafficRoute(12, 10), new TrafficRoute(11, 90)]);

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Single(new HashSet<TrafficSplit> { a, b });
    }

    [Fact]
    public void Equals_DifferentPercentOrVersion_AreNotEqual()
    {
        var split = TrafficSplit.Canary(11, 12, 10);

        Assert.NotEqual(split, TrafficSplit.Canary(11, 12, 20));
        Assert.NotEqual(split, TrafficSplit.Canary(11, 13, 10));
        Assert.NotEqual(split, TrafficSplit.AllTo(11));
        Assert.False(split.Equals(null));
    }

    [Fact]
    public void Equals_ListInstancesDiffer_ComparesByValue()
    {
        Assert.Equal(TrafficSplit.AllTo(12), new TrafficSplit(new List<TrafficRoute> { new(12, 100) }));
    }

    [Theory]
    [MemberData(nameof(InvalidSplits))]
    public void IsValid_BrokenSplit_IsFalse(TrafficRoute[] routes)
    {
        Assert.False(new TrafficSplit(routes).IsValid);
    }

    public static TheoryData<TrafficRoute[]> InvalidSplits() => new()
    {
        Array.Empty<TrafficRoute>(),
        new[] { new TrafficRoute(11, 90) },
        new[] { new TrafficRoute(11, 90), new TrafficRoute(12, 20) },
        new[] { new TrafficRoute(11, 50), new TrafficRoute(11, 50) },
        new[] { new TrafficRoute(11, 110), new TrafficRoute(12, -10) },
    };

    [Fact]
    public void IsValid_ZeroPercentRoute_IsAllowed()
    {
        // Shadow deployments serve the candidate at 0%.
        Assert.True(new TrafficSplit([new TrafficRoute(11, 100), new TrafficRoute(12, 0)]).IsValid);
    }
}
