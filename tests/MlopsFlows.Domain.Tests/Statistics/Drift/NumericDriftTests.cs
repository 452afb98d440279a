using MlopsFlows.Domain.Statistics.Drift;

namespace MlopsFlows.Domain.Tests.Statistics.Drift;

public class NumericDriftTests
{
    public static TheoryData<string> GoldenCases => GoldenData.CaseNames("numeric.json");

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Compare_GoldenCase_EqualsEachStatisticComputedAlone(string name)
    {
        var golden = GoldenData.Case("numeric.json", name);
        var reference = GoldenData.Sample(golden.GetProperty("reference"));
        var current = GoldenData.Sample(golden.GetProperty("current"));
        var profile = ReferenceProfile.Create(reference, golden.GetProperty("bins").GetInt32());
        var epsilon = golden.GetProperty("epsilon").GetDouble();

        var statistics = NumericDrift.Compare(profile, current, epsilon);

        // The one-sort path must give the very same numbers as the standalone entry points.
        var psi = PopulationStabilityIndex.Compute(profile, current, epsilon);
        Assert.Equal(psi.Value, statistics.Psi.Value);
        Assert.Equal(psi.CurrentCounts, statistics.Psi.CurrentCounts);
        Assert.Equal(psi.Edges, statistics.Psi.Edges);
        Assert.Equal(KolmogorovSmirnov.TwoSample(reference, current), statistics.KolmogorovSmirnov);
        Assert.Equal(Wasserstein.Compare(profile, current), statistics.Wasserstein);
        GoldenData.AssertStatistic(golden.GetProperty("jensenshannon").GetDouble(), statistics.JensenShannonDistance, "JS");
    }

    [Fact]
    public void Compare_WithoutWasserstein_LeavesItNull()
    {
        var statistics = NumericDrift.Compare(ReferenceProfile.Create([1.0, 2.0, 3.0]), [2.0], includeWasserstein: false);

        Assert.Null(statistics.Wasserstein);
    }

    [Fact]
    public void Compare_InfinityInCurrent_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            NumericDrift.Compare(ReferenceProfile.Create([1.0, 2.0, 3.0]), [2.0, double.PositiveInfinity]));

        Assert.Equal("current", error.ParamName);
    }
}
