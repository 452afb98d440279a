using System.Globalization;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Domain.Tests.Statistics.Numerics;
using Xunit.Abstractions;

namespace MlopsFlows.Domain.Tests.Statistics.Judge;

public class SampleQuantileTests(ITestOutputHelper output)
{
    [Fact]
    public void Linear_NumpyGoldens_Agree()
    {
        var agreement = new Agreement("np.quantile (linear)", relative: 1e-9, absolute: 1e-12);
        foreach (var c in Golden.Load("judge/quantile.json").GetProperty("cases").EnumerateArray())
        {
            var values = c.Numbers("values");
            var qs = c.Numbers("q");
            var expected = c.Numbers("expected");
            for (var i = 0; i < qs.Length; i++)
            {
                var label = string.Create(CultureInfo.InvariantCulture, $"{c.GetProperty("name").GetString()} q={qs[i]:R}");
                agreement.Check(label, expected[i], SampleQuantile.Linear(values, qs[i]));
            }
        }

        agreement.AssertAll(output);
    }

    [Fact]
    public void Linear_EmptyOrNaN_Throws()
    {
        Assert.Throws<ArgumentException>(() => SampleQuantile.Linear([], 0.5));
        Assert.Throws<ArgumentException>(() => SampleQuantile.Linear([1, double.NaN], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleQuantile.Linear([1, 2], 1.5));
    }
}
