using MlopsFlows.Domain.Statistics.Judge;

namespace MlopsFlows.Domain.Tests.Statistics.Judge;

public class CanaryJudgeTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CanaryJudgeCriteria Criteria = new();

    [Fact]
    public void Judge_NoData_IsInconclusiveNeverPass()
    {
        var judgement = CanaryJudge.Judge(Comparison(new VersionSample([], 0, 0), new VersionSample([], 0, 0)), Criteria);

        Assert.Equal(JudgeOutcome.Inconclusive, judgement.Outcome);
        Assert.All(judgement.Metrics, m => Assert.Equal(JudgeOutcome.Inconclusive, m.Outcome));
    }

    [Fact]
    public void Judge_CanaryBelowMinimumSamples_IsInconclusive()
    {
        var baseline = Sample(Latencies(200, offset: 100), requests: 5000, errors: 5);
        var canary = Sample(Latencies(30, offset: 100), requests: 80, errors: 0);

        var judgement = CanaryJudge.Judge(Comparison(baseline, canary), Criteria);

        Assert.Equal(JudgeOutcome.Inconclusive, judgement.Outcome);
        Assert.Contains("minimum 50", Metric(judgement, CanaryJudge.LatencyMetric).Reason, StringComparison.Ordinal);
        Assert.Contains("minimum 100", Metric(judgement, CanaryJudge.ErrorRateMetric).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_MinimumIsConfigurable_SmallSamplesJudgedWhenAllowed()
    {
        var baseline = Sample(Latencies(30, offset: 100), requests: 80, errors: 0);
        var canary = Sample(Latencies(30, offset: 100), requests: 80, errors: 0);

        var judgement = CanaryJudge.Judge(Comparison(baseline, canary), Criteria with { MinimumLatencySamples = 20, MinimumRequests = 50 });

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
    }

    [Fact]
    public void Judge_SameLatencyDistributionAndErrorRate_Passes()
    {
        var judgement = CanaryJudge.Judge(
            Comparison(Sample(Latencies(300, offset: 100), 10_000, 20), Sample(Latencies(200, offset: 100, phase: 7), 2_000, 4)),
            Criteria);

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
        Assert.Equal(2, judgement.Metrics.Count);
    }

    [Fact]
    public void Judge_AllLatenciesEqualOnBothSides_PassesOnceMinimumIsMet()
    {
        // Zero variance: no evidence of a difference, so the sample-size minimum is what stands between this and a pass.
        var flat = Enumerable.Repeat(120.0, 60).ToArray();

        var enough = CanaryJudge.JudgeLatency(flat, flat, Criteria);
        var tooFew = CanaryJudge.JudgeLatency(flat, flat, Criteria with { MinimumLatencySamples = 61 });

        Assert.Equal(JudgeOutcome.Pass, enough.Outcome);
        Assert.Equal(1.0, enough.PValue);
        Assert.Equal(0.5, enough.Effect);
        Assert.Equal(JudgeOutcome.Inconclusive, tooFew.Outcome);
    }

    [Fact]
    public void JudgeLatency_ConstantButSlowerCanary_Fails()
    {
        var judgement = CanaryJudge.JudgeLatency(Enumerable.Repeat(100.0, 60).ToArray(), Enumerable.Repeat(130.0, 60).ToArray(), Criteria);

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
        Assert.Equal(1.0, judgement.Effect);
    }

    [Fact]
    public void JudgeLatency_CanarySlowerBeyondAllowedEffect_Fails()
    {
        var judgement = CanaryJudge.JudgeLatency(Latencies(200, offset: 100), Latencies(200, offset: 130), Criteria);

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
        Assert.True(judgement.PValue < 0.05);
        Assert.True(judgement.Effect > Criteria.MaxLatencyEffect);
    }

    [Fact]
    public void JudgeLatency_SignificantButWithinAllowedEffect_Passes()
    {
        // 5,000 requests each: a 3 ms shift on a 100 ms spread is significant, but P(canary > baseline) is only about 0.53.
        var judgement = CanaryJudge.JudgeLatency(Latencies(5000, offset: 100), Latencies(5000, offset: 103), Criteria);

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
        Assert.True(judgement.PValue < 0.05);
        Assert.InRange(judgement.Effect!.Value, 0.5, Criteria.MaxLatencyEffect);
        Assert.StartsWith("canary significantly slower but within the allowed effect", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void JudgeLatency_TighterAllowedEffect_FailsTheSameShift()
    {
        var judgement = CanaryJudge.JudgeLatency(Latencies(5000, offset: 100), Latencies(5000, offset: 103), Criteria with { MaxLatencyEffect = 0.52 });

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
    }

    [Fact]
    public void JudgeLatency_CanaryFaster_Passes()
    {
        var judgement = CanaryJudge.JudgeLatency(Latencies(200, offset: 130), Latencies(200, offset: 100), Criteria);

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
        Assert.True(judgement.Effect < 0.5);
    }

    [Fact]
    public void JudgeLatency_NaNInTelemetry_IsInconclusive()
    {
        var canary = Latencies(100, offset: 100);
        canary[3] = double.NaN;

        Assert.Equal(JudgeOutcome.Inconclusive, CanaryJudge.JudgeLatency(Latencies(100, offset: 100), canary, Criteria).Outcome);
    }

    [Fact]
    public void JudgeErrorRate_CanarySignificantlyWorse_Fails()
    {
        var judgement = CanaryJudge.JudgeErrorRate(Sample([], 10_000, 20), Sample([], 2_000, 30), Criteria);

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
        Assert.Equal(0.015 - 0.002, judgement.Effect!.Value, 1e-15);
        Assert.Equal(0.015, judgement.Observed);
    }

    [Fact]
    public void JudgeErrorRate_WorseButWithinAllowedIncrease_Passes()
    {
        var judgement = CanaryJudge.JudgeErrorRate(Sample([], 10_000, 20), Sample([], 2_000, 30), Criteria with { AllowedErrorRateIncrease = 0.02 });

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
    }

    [Fact]
    public void JudgeErrorRate_NoErrorsAnywhere_Passes()
    {
        var judgement = CanaryJudge.JudgeErrorRate(Sample([], 10_000, 0), Sample([], 500, 0), Criteria);

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
        Assert.Equal(1.0, judgement.PValue);
    }

    [Fact]
    public void JudgeErrorRate_CanaryBetter_Passes()
    {
        var judgement = CanaryJudge.JudgeErrorRate(Sample([], 10_000, 300), Sample([], 2_000, 5), Criteria);

        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
        Assert.StartsWith("canary error rate significantly lower", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_AbsoluteSloBreached_FailsEvenWithoutDifferenceFromBaseline()
    {
        var baseline = Sample(Latencies(300, offset: 100), 10_000, 200);
        var canary = Sample(Latencies(300, offset: 100, phase: 11), 10_000, 200);

        var judgement = CanaryJudge.Judge(Comparison(baseline, canary), Criteria with { MaxP95LatencyMs = 150, MaxErrorRate = 0.01 });

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
        Assert.Equal(JudgeOutcome.Pass, Metric(judgement, CanaryJudge.LatencyMetric).Outcome);
        Assert.Equal(JudgeOutcome.Fail, Metric(judgement, CanaryJudge.LatencySloMetric).Outcome);
        Assert.Equal(JudgeOutcome.Fail, Metric(judgement, CanaryJudge.ErrorRateSloMetric).Outcome);
    }

    [Fact]
    public void JudgeLatencySlo_P95_IsNumpysLinearQuantile()
    {
        // 1..100: h = 99 · 0.95 = 94.05, so p95 = 95 + 0.05 · (96 − 95) = 95.05.
        double[] latencies = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        var judgement = CanaryJudge.JudgeLatencySlo(latencies, 95.05, minimumSamples: 50);

        Assert.Equal(95.05, judgement.Observed!.Value, 1e-12);
        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
    }

    [Theory]
    [InlineData(0.05, JudgeOutcome.Pass)]
    [InlineData(0.2, JudgeOutcome.Pass)]
    [InlineData(0.31, JudgeOutcome.Fail)]
    public void JudgeDrift_PsiAgainstCeiling_PassesAtOrBelow(double psi, JudgeOutcome expected)
    {
        Assert.Equal(expected, CanaryJudge.JudgeDrift(psi, 0.2).Outcome);
    }

    [Fact]
    public void Judge_DriftConfiguredButNoPsi_IsInconclusive()
    {
        var comparison = Comparison(Sample(Latencies(300, offset: 100), 10_000, 20), Sample(Latencies(300, offset: 100), 10_000, 20));

        var judgement = CanaryJudge.Judge(comparison, Criteria with { MaxPredictionPsi = 0.2 });

        Assert.Equal(JudgeOutcome.Inconclusive, judgement.Outcome);
        Assert.Equal(JudgeOutcome.Inconclusive, Metric(judgement, CanaryJudge.PredictionDriftMetric).Outcome);
    }

    [Fact]
    public void Judge_DriftNotConfigured_IsNotJudged()
    {
        var comparison = Comparison(Sample(Latencies(300, offset: 100), 10_000, 20), Sample(Latencies(300, offset: 100), 10_000, 20)) with { PredictionPsi = 5 };

        var judgement = CanaryJudge.Judge(comparison, Criteria);

        Assert.DoesNotContain(judgement.Metrics, m => m.Metric == CanaryJudge.PredictionDriftMetric);
        Assert.Equal(JudgeOutcome.Pass, judgement.Outcome);
    }

    [Fact]
    public void Judge_PredictionDriftAboveCeiling_Fails()
    {
        var comparison = Comparison(Sample(Latencies(300, offset: 100), 10_000, 20), Sample(Latencies(300, offset: 100), 10_000, 20)) with { PredictionPsi = 0.35 };

        var judgement = CanaryJudge.Judge(comparison, Criteria with { MaxPredictionPsi = 0.2 });

        Assert.Equal(JudgeOutcome.Fail, judgement.Outcome);
    }

    [Fact]
    public void Combine_FailBeatsInconclusiveBeatsPass()
    {
        var pass = new MetricJudgement("a", JudgeOutcome.Pass, "");
        var fail = new MetricJudgement("b", JudgeOutcome.Fail, "");
        var inconclusive = new MetricJudgement("c", JudgeOutcome.Inconclusive, "");

        Assert.Equal(JudgeOutcome.Fail, CanaryJudge.Combine([pass, inconclusive, fail]));
        Assert.Equal(JudgeOutcome.Inconclusive, CanaryJudge.Combine([pass, inconclusive]));
        Assert.Equal(JudgeOutcome.Pass, CanaryJudge.Combine([pass, pass]));
        Assert.Equal(JudgeOutcome.Inconclusive, CanaryJudge.Combine([]));
    }

    [Fact]
    public void Judge_WindowEndBeforeStart_Throws()
    {
        var sample = Sample([], 0, 0);

        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryJudge.Judge(new CanaryComparison(Start, Start.AddMinutes(-1), sample, sample), Criteria));
    }

    private static MetricJudgement Metric(CanaryJudgement judgement, string name) => Assert.Single(judgement.Metrics, m => m.Metric == name);

    private static CanaryComparison Comparison(VersionSample baseline, VersionSample canary) => new(Start, Start.AddMinutes(10), baseline, canary);

    private static VersionSample Sample(double[] latencies, long requests, long errors) => new(latencies, requests, errors);

    // A deterministic spread of latencies over [offset, offset + 100): a permutation of 0..99 repeated, so two series
    // with the same offset share one distribution whatever their lengths and phases.
    private static double[] Latencies(int count, double offset, int phase = 0) =>
        [.. Enumerable.Range(phase, count).Select(i => offset + ((i * 37) % 100) + 0.5)];
}
