using Microsoft.DurableTask;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

/// <summary>What every gate activity is asked: the candidate as read at the start, the champion's version if any, and the gate's rules.</summary>
public sealed record GateQuery(ModelVersionDetails Candidate, int? ChampionVersion, GatePolicy Gates);

/// <summary>Where the gates find things on a model version: tag names shared by the registry, the example job and the docs.</summary>
public static class ModelVersionTags
{
    /// <summary>Prefix of the model card's fields, e.g. <c>model_card.intended_use</c>.</summary>
    public const string ModelCardPrefix = "model_card.";

    /// <summary>The evaluation data the metrics were computed on (a path or URI) and its version.</summary>
    public const string EvaluationSet = "evaluation_set";
    public const string EvaluationSetVersion = "evaluation_set_version";

    /// <summary>The training data, checked by the data-quality gate as well when named.</summary>
    public const string TrainingSet = "training_set";
    public const string TrainingSetVersion = "training_set_version";

    /// <summary>Columns of the evaluation set holding the true label and the model's decision (both 0/1); default <c>label</c> and <c>prediction</c>.</summary>
    public const string LabelColumn = "evaluation_label_column";
    public const string PredictionColumn = "evaluation_prediction_column";

    /// <summary>SHA-256 of the model artefacts, set by the release job (Unity Catalog keeps no content hash).</summary>
    public const string ArtefactSha256 = "artifact_sha256";

    /// <summary>The model's input features, comma-separated; without it they come from the training dataset's schema.</summary>
    public const string Features = "features";

    /// <summary>The target column(s), comma-separated: left out when features are read from the training dataset's schema.</summary>
    public const string Target = "target";

    /// <summary>Prefix of the environment the run recorded, e.g. <c>environment.python</c> (also read from run tags).</summary>
    public const string EnvironmentPrefix = "environment.";

    public static EvaluationSetRef? Evaluation(ModelVersionDetails version) => Ref(version, EvaluationSet, EvaluationSetVersion);

    public static EvaluationSetRef? Training(ModelVersionDetails version) => Ref(version, TrainingSet, TrainingSetVersion);

    public static string Label(ModelVersionDetails version) => version.Tags.GetValueOrDefault(LabelColumn) ?? "label";

    public static string Prediction(ModelVersionDetails version) => version.Tags.GetValueOrDefault(PredictionColumn) ?? "prediction";

    private static EvaluationSetRef? Ref(ModelVersionDetails version, string uriTag, string versionTag) =>
        version.Tags.GetValueOrDefault(uriTag) is { Length: > 0 } uri ? new EvaluationSetRef(uri, version.Tags.GetValueOrDefault(versionTag) ?? "unversioned") : null;
}

/// <summary>Absolute thresholds on the candidate's logged metrics.</summary>
public sealed class EvaluateMetricGate : TaskActivity<GateQuery, GateReport>
{
    public const string Name = "metrics";

    public override Task<GateReport> RunAsync(TaskActivityContext context, GateQuery input)
    {
        var verdict = GateEvaluation.Evaluate(input.Candidate.Metrics, input.Gates.Metrics);
        GateFinding[] findings =
        [
            .. verdict.Checks.Select(c => new GateFinding("threshold", c.Metric, c.Passed ? GateOutcome.Pass : GateOutcome.Fail, c.Reason)
            {
                Value = c.Value,
                Comparison = c.Comparison,
                Threshold = c.Threshold,
            }),
        ];
        return Task.FromResult(GateReport.From(Name, findings, [new("training_run", input.Candidate.RunId ?? "unknown")]));
    }
}

/// <summary>No regression against the champion on the same evaluation set.</summary>
public sealed class EvaluatePerformanceGate(IModelRegistry registry) : TaskActivity<GateQuery, GateReport>
{
    public override async Task<GateReport> RunAsync(TaskActivityContext context, GateQuery input)
    {
        var candidate = input.Candidate;
        ModelEvaluation? champion = null;
        if (input.ChampionVersion is { } version && version != candidate.Version)
        {
            var details = await registry.GetModelVersionAsync(candidate.Model, version, CancellationToken.None);
            champion = Evaluation(details);
        }

        return PerformanceGate.Evaluate(input.Gates.Performance!, Evaluation(candidate), champion);
    }

    private static ModelEvaluation Evaluation(ModelVersionDetails version) =>
        new($"{version.Model} v{version.Version}", ModelVersionTags.Evaluation(version) is { } set ? $"{set.Uri}@{set.Version}" : string.Empty, version.Metrics);
}

/// <summary>Required model card fields and artefacts for the tier.</summary>
public sealed class EvaluateArtefactGate : TaskActivity<GateQuery, GateReport>
{
    public override Task<GateReport> RunAsync(TaskActivityContext context, GateQuery input)
    {
        var card = input.Candidate.Tags
            .Where(tag => tag.Key.StartsWith(ModelVersionTags.ModelCardPrefix, StringComparison.Ordinal))
            .ToDictionary(tag => tag.Key[ModelVersionTags.ModelCardPrefix.Length..], tag => (string?)tag.Value, StringComparer.Ordinal);
        var artefacts = input.Candidate.Artefacts.Select(path => new LoggedArtefact(path)).ToArray();
        return Task.FromResult(ArtefactGate.Evaluate(input.Gates.Artefacts!, card, artefacts));
    }
}

/// <summary>Schema, null rates, ranges and categories of the evaluation (and training) data against its declared schema.</summary>
public sealed class EvaluateDataQualityGate(IEvaluationData data) : TaskActivity<GateQuery, GateReport>
{
    public override async Task<GateReport> RunAsync(TaskActivityContext context, GateQuery input)
    {
        var sets = new[] { ("evaluation", ModelVersionTags.Evaluation(input.Candidate)), ("training", ModelVersionTags.Training(input.Candidate)) };
        var reports = new List<GateReport>();
        foreach (var (role, set) in sets)
        {
            if (set is null)
            {
                if (role == "evaluation")
                {
                    reports.Add(GateReport.From(DataQualityGate.Name, [new GateFinding("dataset", role, GateOutcome.InsufficientData, $"the model version names no {role} set (tag '{ModelVersionTags.EvaluationSet}')")]));
                }

                continue;
            }

            var schema = await data.ReadDeclaredSchemaAsync(set, CancellationToken.None);
            if (schema is null)
            {
                reports.Add(GateReport.From(DataQualityGate.Name, [new GateFinding("schema", $"{role} {set.Uri}", GateOutcome.InsufficientData, $"the {role} set {set.Uri} declares no schema")]));
                continue;
            }

            var columns = await data.ReadColumnsAsync(set, null, CancellationToken.None);
            var profile = DatasetProfiler.Profile($"{role}: {set.Uri}@{set.Version}", schema, columns.Numeric, columns.Categorical);
            reports.Add(DataQualityGate.Evaluate(input.Gates.DataQuality!, schema, profile));
        }

        // One report for the gate: every data set's findings and inputs, each named after its set.
        var findings = reports.SelectMany(r => r.Findings.Select(f => f with { Subject = $"{Role(r)}{f.Subject}" })).ToArray();
        var inputs = reports.SelectMany(r => r.Inputs.Select(kv => new KeyValuePair<string, string>($"{Role(r)}{kv.Key}", kv.Value)));
        return GateReport.From(DataQualityGate.Name, findings, inputs);

        static string Role(GateReport report) => report.Inputs.GetValueOrDefault("dataset") is { } name ? name[..name.IndexOf(':', StringComparison.Ordinal)] + "." : string.Empty;
    }
}

/// <summary>Disparate impact, demographic parity and equalized odds per protected group and intersection, on the evaluation set.</summary>
public sealed class EvaluateFairnessGate(IEvaluationData data) : TaskActivity<GateQuery, GateReport>
{
    public override async Task<GateReport> RunAsync(TaskActivityContext context, GateQuery input)
    {
        var policy = input.Gates.Fairness!;
        if (ModelVersionTags.Evaluation(input.Candidate) is not { } set)
        {
            return GateReport.From(FairnessGate.Name, [new GateFinding("dataset", "evaluation", GateOutcome.InsufficientData, $"the model version names no evaluation set (tag '{ModelVersionTags.EvaluationSet}')")]);
        }

        var label = ModelVersionTags.Label(input.Candidate);
        var prediction = ModelVersionTags.Prediction(input.Candidate);
        var columns = await data.ReadColumnsAsync(set, [label, prediction, .. policy.ProtectedAttributes], CancellationToken.None);
        var labels = Binary(columns, label);
        var predictions = Binary(columns, prediction);
        var groups = policy.ProtectedAttributes.Select(name => new ProtectedColumn(name, Categorical(columns, name))).ToArray();
        var report = FairnessGate.Evaluate(policy, labels, predictions, groups);
        return report with { Inputs = new SortedDictionary<string, string>(report.Inputs.ToDictionary(), StringComparer.Ordinal) { ["evaluation_set"] = $"{set.Uri}@{set.Version}" } };
    }

    private static int[] Binary(EvaluationColumns columns, string name)
    {
        if (columns.Numeric.TryGetValue(name, out var numbers))
        {
            return [.. numbers.Select(v => v == 1 ? 1 : v == 0 ? 0 : throw new InvalidDataException($"Column '{name}' must hold 0 or 1; found {v}."))];
        }

        if (columns.Categorical.TryGetValue(name, out var texts))
        {
            return [.. texts.Select(v => v is "1" or "true" or "True" ? 1 : v is "0" or "false" or "False" ? 0 : throw new InvalidDataException($"Column '{name}' must hold 0 or 1; found '{v}'."))];
        }

        throw new InvalidDataException($"The evaluation set has no column '{name}'.");
    }

    private static string?[] Categorical(EvaluationColumns columns, string name) =>
        columns.Categorical.TryGetValue(name, out var texts) ? texts
        : columns.Numeric.TryGetValue(name, out var numbers) ? [.. numbers.Select(v => double.IsNaN(v) ? null : v.ToString(System.Globalization.CultureInfo.InvariantCulture))]
        : throw new InvalidDataException($"The evaluation set has no column '{name}'.");
}
