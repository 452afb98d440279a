using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Gates;

/// <summary>One metric checked against one threshold. A missing metric fails: absence of evidence is not a pass.</summary>
public sealed record GateCheck(string Metric, Comparison Comparison, double Threshold, double? Value, bool Passed, string Reason);

/// <param name="Problem">Why the gates could not be evaluated at all (e.g. the model version does not exist); never a pass.</param>
public sealed record GateVerdict(bool Passed, IReadOnlyList<GateCheck> Checks, string? Problem = null)
{
    public IEnumerable<string> FailureReasons =>
        Problem is null ? Checks.Where(c => !c.Passed).Select(c => c.Reason) : Checks.Where(c => !c.Passed).Select(c => c.Reason).Prepend(Problem);

    public static GateVerdict CannotEvaluate(string problem) => new(false, [], problem);

    /// <summary>The same verdict in the common report shape; a problem that stopped evaluation is insufficient data.</summary>
    public GateReport ToReport()
    {
        var findings = Checks.Select(c => new GateFinding("threshold", c.Metric, c.Passed ? GateOutcome.Pass : GateOutcome.Fail, c.Reason)
        {
            Value = c.Value,
            Comparison = c.Comparison,
            Threshold = c.Threshold,
        });
        return GateReport.From(
            GateEvaluation.Name,
            Problem is null ? [.. findings] : [new GateFinding("evaluation", "model version", GateOutcome.InsufficientData, Problem), .. findings]);
    }
}

public static class GateEvaluation
{
    /// <summary>The name of the absolute metric thresholds gate in its <see cref="GateReport"/>.</summary>
    public const string Name = "metrics";

    public static GateVerdict Evaluate(IReadOnlyDictionary<string, double> metrics, IReadOnlyList<MetricThreshold> gates)
    {
        var checks = gates.Select(gate => Check(metrics, gate)).ToArray();
        return new GateVerdict(checks.All(c => c.Passed), checks);
    }

    private static GateCheck Check(IReadOnlyDictionary<string, double> metrics, MetricThreshold gate)
    {
        if (!metrics.TryGetValue(gate.Metric, out var value))
        {
            return new GateCheck(gate.Metric, gate.Comparison, gate.Threshold, null, false, $"{gate.Metric} was not recorded for this model version");
        }

        var passed = gate.IsMetBy(value);
        var relation = gate.Comparison == Comparison.AtLeast ? ">=" : "<=";
        var reason = passed
            ? $"{gate.Metric} = {value:G6} meets {relation} {gate.Threshold:G6}"
            : $"{gate.Metric} = {value:G6} does not meet {relation} {gate.Threshold:G6}";
        return new GateCheck(gate.Metric, gate.Comparison, gate.Threshold, value, passed, reason);
    }
}
