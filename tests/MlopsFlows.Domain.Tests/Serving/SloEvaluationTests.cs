using System.Text.Json;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Serving;

namespace MlopsFlows.Domain.Tests.Serving;

public class SloEvaluationTests
{
    private static readonly ServiceLevelObjectives Slo = new(MaxP95LatencyMs: 250, MaxErrorRate: 0.01);

    [Fact]
    public void Evaluate_LatencyAndErrorsWithinObjectives_IsMet()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 1000, ErrorCount: 5, P95LatencyMs: 120), Slo);

        Assert.Equal(SloStatus.Met, verdict.Status);
        Assert.Single(verdict.Reasons);
    }

    [Fact]
    public void Evaluate_ExactlyAtBothObjectives_IsMet()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 1000, ErrorCount: 10, P95LatencyMs: 250), Slo);

        Assert.Equal(SloStatus.Met, verdict.Status);
    }

    [Fact]
    public void Evaluate_P95OverCeiling_IsBreachedWithLatencyReason()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 1000, ErrorCount: 0, P95LatencyMs: 250.1), Slo);

        Assert.Equal(SloStatus.Breached, verdict.Status);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Contains("p95 latency", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NaNLatency_IsBreached()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 1000, ErrorCount: 0, P95LatencyMs: double.NaN), Slo);

        Assert.Equal(SloStatus.Breached, verdict.Status);
    }

    [Fact]
    public void Evaluate_ErrorRateOverCeiling_IsBreachedWithErrorReason()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 1000, ErrorCount: 11, P95LatencyMs: 100), Slo);

        Assert.Equal(SloStatus.Breached, verdict.Status);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Contains("error rate", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LatencyAndErrorsBothOver_ListsBothBreaches()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 100, ErrorCount: 50, P95LatencyMs: 900), Slo);

        Assert.Equal(SloStatus.Breached, verdict.Status);
        Assert.Equal(2, verdict.Reasons.Count);
    }

    [Fact]
    public void Evaluate_NoRequests_IsNoDataEvenWithBadLatency()
    {
        var verdict = SloEvaluation.Evaluate(new ServingMetrics(12, RequestCount: 0, ErrorCount: 0, P95LatencyMs: double.NaN), Slo);

        Assert.Equal(SloStatus.NoData, verdict.Status);
        Assert.Contains("version 12", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1000, 0, 0.0)]
    [InlineData(1000, 10, 0.01)]
    [InlineData(4, 1, 0.25)]
    public void ErrorRate_Counts_IsErrorsOverRequests(long requests, long errors, double expected)
    {
        Assert.Equal(expected, new ServingMetrics(1, requests, errors, 1).ErrorRate, precision: 12);
    }

    [Fact]
    public void ServingMetrics_NaNLatency_RoundTripsThroughJson()
    {
        // Telemetry without latency must survive the task hub's JSON to be judged, not crash the activity.
        var metrics = new ServingMetrics(12, RequestCount: 10, ErrorCount: 0, P95LatencyMs: double.NaN);

        var copy = JsonSerializer.Deserialize<ServingMetrics>(JsonSerializer.Serialize(metrics));

        Assert.NotNull(copy);
        Assert.True(double.IsNaN(copy.P95LatencyMs));
        Assert.Equal(SloStatus.Breached, SloEvaluation.Evaluate(copy, Slo).Status);
    }
}
