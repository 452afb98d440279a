using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class WassersteinTests
{
    private const string File = "numeric.json";

    public static TheoryData<string> GoldenCases => GoldenData.CaseNames(File);

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Compare_GoldenCase_MatchesScipy(string name)
    {
        var golden = GoldenData.Case(File, name);
        var reference = GoldenData.Sample(golden.GetProperty("reference"));
        var current = GoldenData.Sample(golden.GetProperty("current"));

        var result = Wasserstein.Compare(reference, current);

        GoldenData.AssertStatistic(golden.GetProperty("wasserstein").GetDouble(), result.Distance, "W1");
        GoldenData.AssertStatistic(golden.GetProperty("wasserstein").GetDouble(), Wasserstein.Distance(reference, current), "W1 (raw)");
        GoldenData.AssertStatistic(GoldenData.Number(golden.GetProperty("wasserstein_normalized")), result.NormalizedDistance, "W1 / std");
    }

    [Fact]
    public void Distance_IsSymmetric()
    {
        double[] u = [0, 1, 3];
        double[] v = [5, 6, 8, 9];

        Assert.Equal(Wasserstein.Distance(u, v), Wasserstein.Distance(v, u), 15);
    }

    [Fact]
    public void Distance_PointMasses_IsTheGap()
    {
        Assert.Equal(2.5, Wasserstein.Distance([1.0], [3.5]));
    }

    [Fact]
    public void Compare_ConstantReferenceUnchanged_NormalizedIsZero()
    {
        var result = Wasserstein.Compare([2.0, 2.0, 2.0], [2.0]);

        Assert.Equal(0, result.NormalizedDistance);
    }

    [Fact]
    public void Compare_ConstantReferenceMoved_NormalizedIsInfinite()
    {
        var result = Wasserstein.Compare([2.0, 2.0, 2.0], [3.0]);

        Assert.Equal(1, result.Distance);
        Assert.Equal(double.PositiveInfinity, result.NormalizedDistance);
    }

    [Fact]
    public void Distance_EmptySample_Throws()
    {
        Assert.Throws<ArgumentException>(() => Wasserstein.Distance([1.0], []));
    }

    [Fact]
    public void Distance_NegativeInfinity_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Wasserstein.Distance([double.NegativeInfinity], [1.0]));

        Assert.Equal("u", error.ParamName);
    }
}
