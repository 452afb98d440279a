using System.Globalization;

namespace MlopsFlows.Domain.Statistics.Judge;

/// <summary>The judge's three-way answer. Inconclusive is never a pass: it holds the step and asks a human.</summary>
public enum JudgeOutcome
{
    Pass,
    Fail,
    Inconclusive,
}

/// <summary>What one served version did over the comparison window.</summary>
/// <param name="LatenciesMs">Per-request latencies (or a sample of them), in milliseconds.</param>
/// <param name="Requests">Requests answered in the window.</param>
/// <param name="Errors">Of those, the ones answered with a server error.</param>
public sealed record VersionSample(IReadOnlyList<double> LatenciesMs, long Requests, long Errors);

/// <summary>Baseline and canary over the same window, plus optional prediction drift between them.</summary>
/// <param name="PredictionPsi">
/// PSI of the canary's predictions against the baseline's, computed by the drift statistics; null when not computed.
/// </param>
public sealed record CanaryComparison(
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    VersionSample Baseline,
    VersionSample Canary,
    double? PredictionPsi = null);

/// <summary>The judge's thresholds. Defaults suit a canary taking a few percent of a busy endpoint; policies override them.</summary>
public sealed record CanaryJudgeCriteria
{
    /// <summary>Significance level of the Mann-Whitney and two-proportion tests (two-sided). Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Fewer latency values than this on either side makes the latency checks inconclusive. Default 50.</summary>
    public int MinimumLatencySamples { get; init; } = 50;

    /// <summary>Fewer requests than this on either side makes the error-rate checks inconclusive. Default 100.</summary>
    public long MinimumRequests { get; init; } = 100;

    /// <summary>
    /// Kayenta-style allowed effect size: the largest common-language effect P(canary latency &gt; baseline latency)
    /// tolerated even when the difference is significant. 0.5 allows no slowdown at all. Default 0.6.
    /// </summary>
    public double MaxLatencyEffect { get; init; } = 0.6;

    /// <summary>Absolute increase in error rate (canary − baseline) tolerated even when significant. Default 0.</summary>
    public double AllowedErrorRateIncrease { get; init; }

    /// <summary>Absolute SLO on the canary's 95th percentile latency (numpy's linear quantile); null skips it. Default null.</summary>
    public double? MaxP95LatencyMs { get; init; }

    /// <summary>Absolute SLO on the canary's error rate; null skips it. Default null.</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>
    /// Largest prediction PSI (canary vs baseline) that passes; 0.2 is the usual "significant shift" line. Null skips the
    /// drift check; when set, a comparison without a PSI is inconclusive. Default null.
    /// </summary>
    public double? MaxPredictionPsi { get; init; }
}

/// <summary>One metric's verdict with the numbers behind it, ready to be written as evidence.</summary>
/// <param name="PValue">The test's p-value, for the statistical checks.</param>
/// <param name="Effect">The effect measured: CLES for latency, canary − baseline error rate for errors.</param>
/// <param name="Observed">The canary's value, for the absolute checks (p95, error rate, PSI).</param>
/// <param name="Threshold">The limit the effect or the observed value was compared with.</param>
public sealed record MetricJudgement(
    string Metric,
    JudgeOutcome Outcome,
    string Reason,
    double? PValue = null,
    double? Effect = null,
    double? Observed = null,
    double? Threshold = null);

/// <summary>The overall verdict: fail if any metric fails, else inconclusive if any is inconclusive, else pass.</summary>
public sealed record CanaryJudgement(JudgeOutcome Outcome, IReadOnlyList<MetricJudgement> Metrics);

/// <summary>
/// Compares a canary with its baseline over the same window: latency distributions by Mann-Whitney U with an allowed
/// effect size, error rates by the pooled two-proportion z-test, absolute SLO thresholds on the canary, and prediction
/// drift (PSI) between the two. Too little data is inconclusive, never a pass.
/// </summary>
/// <remarks>
/// Only a worse canary fails (slower, more errors); a significantly better one passes. Both tests are two-sided at
/// <see cref="CanaryJudgeCriteria.Alpha"/>, and the direction of the effect decides. When every latency is equal on both
/// sides (zero variance) there is no evidence of a difference: the check passes once the sample minimum is met.
/// </remarks>
public static class CanaryJudge
{
    public const string LatencyMetric = "latency";
    public const string ErrorRateMetric = "error-rate";
    public const string LatencySloMetric = "latency-p95-slo";
    public const string ErrorRateSloMetric = "error-rate-slo";
    public const string PredictionDriftMetric = "prediction-drift";

    public static CanaryJudgement Judge(CanaryComparison comparison, CanaryJudgeCriteria criteria)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(comparison.WindowStart, comparison.WindowEnd, nameof(comparison));
        var metrics = new List<MetricJudgement>
        {
            JudgeLatency(comparison.Baseline.LatenciesMs, comparison.Canary.LatenciesMs, criteria),
            JudgeErrorRate(comparison.Baseline, comparison.Canary, criteria),
        };

        if (criteria.MaxP95LatencyMs is { } maxP95)
        {
            metrics.Add(JudgeLatencySlo(comparison.Canary.LatenciesMs, maxP95, criteria.MinimumLatencySamples));
        }

        if (criteria.MaxErrorRate is { } maxErrorRate)
        {
            metrics.Add(JudgeErrorRateSlo(comparison.Canary, maxErrorRate, criteria.MinimumRequests));
        }

        if (criteria.MaxPredictionPsi is { } maxPsi)
        {
            metrics.Add(JudgeDrift(comparison.PredictionPsi, maxPsi));
        }

        return new CanaryJudgement(Combine(metrics), metrics);
    }

    /// <summary>Fail if any metric fails; otherwise inconclusive if any is (or if there is none); otherwise pass.</summary>
    public static JudgeOutcome Combine(IReadOnlyCollection<MetricJudgement> metrics)
    {
        if (metrics.Any(m => m.Outcome == JudgeOutcome.Fail))
        {
            return JudgeOutcome.Fail;
        }

        return metrics.Count == 0 || metrics.Any(m => m.Outcome == JudgeOutcome.Inconclusive)
            ? JudgeOutcome.Inconclusive
            : JudgeOutcome.Pass;
    }

    /// <summary>
    /// Mann-Whitney U of canary against baseline (scipy's default: two-sided, continuity correction, automatic method).
    /// Fails when the difference is significant and the canary is slower by more than the allowed effect.
    /// </summary>
    public static MetricJudgement JudgeLatency(IReadOnlyList<double> baseline, IReadOnlyList<double> canary, CanaryJudgeCriteria criteria)
    {
        if (Shortfall(baseline.Count, canary.Count, criteria.MinimumLatencySamples) is { } shortfall)
        {
            return new MetricJudgement(LatencyMetric, JudgeOutcome.Inconclusive, $"too few latency samples: {shortfall}");
        }

        if (HasNaN(baseline) || HasNaN(canary))
        {
            // A telemetry defect proves nothing about the model; a human looks at it.
            return new MetricJudgement(LatencyMetric, JudgeOutcome.Inconclusive, "latency samples contain NaN");
        }

        var test = MannWhitneyU.Test([.. canary], [.. baseline]);
        var effect = test.CommonLanguageEffect;
        var significant = test.PValue < criteria.Alpha;
        var (outcome, verdict) = (significant, effect > criteria.MaxLatencyEffect) switch
        {
            (false, _) => (JudgeOutcome.Pass, "no significant difference"),
            (true, true) => (JudgeOutcome.Fail, "canary significantly slower beyond the allowed effect"),
            (true, false) when effect > 0.5 => (JudgeOutcome.Pass, "canary significantly slower but within the allowed effect"),
            _ => (JudgeOutcome.Pass, "canary significantly faster"),
        };

        var reason = Invariant($"{verdict}: P(canary > baseline) = {effect:F3} (allowed {criteria.MaxLatencyEffect:F3}), Mann-Whitney p = {test.PValue:G4} (alpha {criteria.Alpha:G3}, {test.Method}, n = {canary.Count} vs {baseline.Count})");
        return new MetricJudgement(LatencyMetric, outcome, reason, test.PValue, effect, Threshold: criteria.MaxLatencyEffect);
    }

    /// <summary>
    /// Pooled two-proportion z-test of the canary's error rate against the baseline's. Fails when the difference is
    /// significant and the canary's rate exceeds the baseline's by more than the allowed increase.
    /// </summary>
    public static MetricJudgement JudgeErrorRate(VersionSample baseline, VersionSample canary, CanaryJudgeCriteria criteria)
    {
        if (Shortfall(baseline.Requests, canary.Requests, criteria.MinimumRequests) is { } shortfall)
        {
            return new MetricJudgement(ErrorRateMetric, JudgeOutcome.Inconclusive, $"too few requests: {shortfall}");
        }

        var test = TwoProportionZTest.Test(canary.Errors, canary.Requests, baseline.Errors, baseline.Requests);
        var increase = test.Difference;
        var fails = test.PValue < criteria.Alpha && increase > criteria.AllowedErrorRateIncrease;
        var verdict = fails ? "canary error rate significantly higher" : test.PValue < criteria.Alpha && increase > 0
            ? "canary error rate significantly higher but within the allowed increase"
            : test.PValue < criteria.Alpha ? "canary error rate significantly lower" : "no significant difference";
        var reason = Invariant($"{verdict}: canary {test.Proportion1:P3} vs baseline {test.Proportion2:P3} (allowed increase {criteria.AllowedErrorRateIncrease:P3}), z = {test.Z:F3}, p = {test.PValue:G4} (alpha {criteria.Alpha:G3})");
        return new MetricJudgement(ErrorRateMetric, fails ? JudgeOutcome.Fail : JudgeOutcome.Pass, reason, test.PValue, increase, test.Proportion1, criteria.AllowedErrorRateIncrease);
    }

    /// <summary>The canary's own p95 latency against an absolute ceiling.</summary>
    public static MetricJudgement JudgeLatencySlo(IReadOnlyList<double> canary, double maxP95LatencyMs, int minimumSamples)
    {
        if (canary.Count < Math.Max(1, minimumSamples))
        {
            return new MetricJudgement(LatencySloMetric, JudgeOutcome.Inconclusive, Invariant($"too few latency samples: canary {canary.Count} < {minimumSamples}"), Threshold: maxP95LatencyMs);
        }

        if (HasNaN(canary))
        {
            return new MetricJudgement(LatencySloMetric, JudgeOutcome.Inconclusive, "latency samples contain NaN", Threshold: maxP95LatencyMs);
        }

        var p95 = SampleQuantile.Linear([.. canary], 0.95);
        var met = p95 <= maxP95LatencyMs;
        var reason = Invariant($"canary p95 latency {p95:F1} ms {(met ? "within" : "exceeds")} {maxP95LatencyMs:F1} ms");
        return new MetricJudgement(LatencySloMetric, met ? JudgeOutcome.Pass : JudgeOutcome.Fail, reason, Observed: p95, Threshold: maxP95LatencyMs);
    }

    /// <summary>The canary's own error rate against an absolute ceiling.</summary>
    public static MetricJudgement JudgeErrorRateSlo(VersionSample canary, double maxErrorRate, long minimumRequests)
    {
        if (canary.Requests < Math.Max(1, minimumRequests))
        {
            return new MetricJudgement(ErrorRateSloMetric, JudgeOutcome.Inconclusive, Invariant($"too few requests: canary {canary.Requests} < {minimumRequests}"), Threshold: maxErrorRate);
        }

        var rate = (double)canary.Errors / canary.Requests;
        var met = rate <= maxErrorRate;
        var reason = Invariant($"canary error rate {rate:P3} {(met ? "within" : "exceeds")} {maxErrorRate:P3}");
        return new MetricJudgement(ErrorRateSloMetric, met ? JudgeOutcome.Pass : JudgeOutcome.Fail, reason, Observed: rate, Threshold: maxErrorRate);
    }

    /// <summary>Prediction drift between canary and baseline: the PSI (computed by the drift statistics) against a ceiling.</summary>
    public static MetricJudgement JudgeDrift(double? predictionPsi, double maxPsi)
    {
        if (predictionPsi is not { } psi || !double.IsFinite(psi))
        {
            return new MetricJudgement(PredictionDriftMetric, JudgeOutcome.Inconclusive, "no prediction PSI was computed for this window", Threshold: maxPsi);
        }

        var met = psi <= maxPsi;
        var reason = Invariant($"prediction PSI {psi:F4} {(met ? "within" : "exceeds")} {maxPsi:F4}");
        return new MetricJudgement(PredictionDriftMetric, met ? JudgeOutcome.Pass : JudgeOutcome.Fail, reason, Observed: psi, Threshold: maxPsi);
    }

    // Null when both sides have enough; otherwise what is missing, for the reason. Zero is never enough.
    private static string? Shortfall(long baseline, long canary, long minimum)
    {
        var required = Math.Max(1, minimum);
        return baseline >= required && canary >= required
            ? null
            : Invariant($"baseline {baseline}, canary {canary}, minimum {required} each");
    }

    private static bool HasNaN(IReadOnlyList<double> values) => values.Any(double.IsNaN);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
