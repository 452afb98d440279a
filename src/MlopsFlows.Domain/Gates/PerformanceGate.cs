using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>A model version's evaluation metrics and the evaluation set they were measured on.</summary>
/// <param name="Model">Which model version, for the report, e.g. <c>credit-risk v7</c>.</param>
/// <param name="EvaluationSet">
/// Identifies the evaluation data exactly, e.g. <c>credit-eval@2026-10-01</c> or its content hash; compared ordinally.
/// </param>
public sealed record ModelEvaluation(string Model, string EvaluationSet, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// The candidate against the current champion on the same evaluation set. Per metric, regression = champion − candidate
/// when higher is better, candidate − champion otherwise; it fails when the regression exceeds the tolerance, or when
/// either side's metric is missing or not a number. Different (or unnamed) evaluation sets cannot be compared:
/// insufficient data. No champion (a first release) passes, saying so.
/// </summary>
public static class PerformanceGate
{
    public const string Name = "performance";

    public const string FirstRelease = "first release: no champion to compare";

    public static GateReport Evaluate(PerformanceGatePolicy policy, ModelEvaluation candidate, ModelEvaluation? champion)
    {
        var inputs = new Dictionary<string, string>
        {
            ["candidate"] = candidate.Model,
            ["candidate_evaluation_set"] = candidate.EvaluationSet,
            ["metrics"] = string.Join(", ", policy.Metrics.Select(m => m.Metric)),
        };
        if (champion is null)
        {
            inputs["champion"] = "none";
            return GateReport.From(Name, [new GateFinding("champion", candidate.Model, GateOutcome.Pass, FirstRelease)], inputs);
        }

        inputs["champion"] = champion.Model;
        inputs["champion_evaluation_set"] = champion.EvaluationSet;
        if (string.IsNullOrWhiteSpace(candidate.EvaluationSet) || string.IsNullOrWhiteSpace(champion.EvaluationSet))
        {
            return GateReport.From(Name, [new GateFinding("evaluation_set", candidate.Model, GateOutcome.InsufficientData, "The candidate's or the champion's evaluation set is not identified, so they cannot be compared.")], inputs);
        }

        if (!string.Equals(candidate.EvaluationSet, champion.EvaluationSet, StringComparison.Ordinal))
        {
            return GateReport.From(
                Name,
                [new GateFinding("evaluation_set", candidate.Model, GateOutcome.InsufficientData, $"The candidate was evaluated on '{candidate.EvaluationSet}' but the champion on '{champion.EvaluationSet}': metrics from different evaluation sets cannot be compared.")],
                inputs);
        }

        if (policy.Metrics.Count == 0)
        {
            return GateReport.From(Name, [new GateFinding("regression", candidate.Model, GateOutcome.InsufficientData, "The policy names no metric to compare with the champion.")], inputs);
        }

        return GateReport.From(Name, [.. policy.Metrics.Select(m => Compare(m, candidate, champion))], inputs);
    }

    private static GateFinding Compare(ChampionComparison comparison, ModelEvaluation candidate, ModelEvaluation champion)
    {
        var metric = comparison.Metric;
        var ours = Value(candidate, metric);
        var theirs = Value(champion, metric);
        var measures = new GateMeasure[] { new("candidate", ours), new("champion", theirs) };
        var problem = (ours, theirs) switch
        {
            (null, _) => $"{metric} was not recorded for the candidate {candidate.Model}.",
            (_, null) => $"{metric} was not recorded for the champion {champion.Model}, so the candidate cannot be compared with it.",
            (double.NaN, _) => $"{metric} of the candidate {candidate.Model} is not a number.",
            (_, double.NaN) => $"{metric} of the champion {champion.Model} is not a number, so the candidate cannot be compared with it.",
            _ => null,
        };
        if (problem is not null)
        {
            return Finding(comparison, GateOutcome.Fail, problem, null, measures);
        }

        var regression = comparison.HigherIsBetter ? theirs!.Value - ours!.Value : ours!.Value - theirs!.Value;
        var direction = comparison.HigherIsBetter ? "higher" : "lower";
        if (double.IsNaN(regression))
        {
            return Finding(comparison, GateOutcome.Fail, $"{metric}: candidate {GateNumbers.Format(ours)} and champion {GateNumbers.Format(theirs)} cannot be compared.", null, measures);
        }

        var passed = regression <= comparison.Tolerance;
        var reason = $"{metric} ({direction} is better): candidate {GateNumbers.Format(ours)} vs champion {GateNumbers.Format(theirs)}, regression {GateNumbers.Format(regression)} "
            + (passed ? $"within the tolerance {GateNumbers.Format(comparison.Tolerance)}." : $"exceeds the tolerance {GateNumbers.Format(comparison.Tolerance)}.");
        return Finding(comparison, passed ? GateOutcome.Pass : GateOutcome.Fail, reason, regression, measures);
    }

    private static GateFinding Finding(ChampionComparison comparison, GateOutcome outcome, string reason, double? regression, GateMeasure[] measures) =>
        new("regression", comparison.Metric, outcome, reason)
        {
            Value = regression,
            Comparison = Comparison.AtMost,
            Threshold = comparison.Tolerance,
            Measures = measures,
        };

    private static double? Value(ModelEvaluation evaluation, string metric) =>
        evaluation.Metrics.TryGetValue(metric, out var value) ? value : null;
}
