using System.Text.Json;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Reads a model version's lineage out of what Unity Catalog and MLflow return: pure functions over the contract
/// records, so a malformed field costs that field, never the read.
/// </summary>
internal static class MlflowLineage
{
    // Tags MLflow sets on a run by itself when it runs from a git checkout or a Databricks cluster.
    public const string GitCommitTag = "mlflow.source.git.commit";
    public const string GitRepositoryTag = "mlflow.source.git.repoURL";
    public const string SourceNameTag = "mlflow.source.name";
    public const string DatabricksRuntimeTag = "mlflow.databricks.runtime";
    public const string RuntimeVersionTag = "mlflow.runtime.version";
    public const string DatasetContextTag = "mlflow.data.context";

    /// <summary>The key the Databricks runtime is recorded under in <see cref="ModelLineage.Environment"/>.</summary>
    public const string DatabricksRuntimeKey = "databricks_runtime";

    public static ModelLineage Read(UnityCatalogModelVersion version, IReadOnlyDictionary<string, string> versionTags, MlflowRun? run)
    {
        var runTags = MlflowTag.ToDictionary(run?.Data?.Tags);
        var inputs = run?.Inputs?.DatasetInputs ?? [];
        return new ModelLineage
        {
            Source = Text(version.Source),
            StorageLocation = Text(version.StorageLocation),
            ArtefactSha256 = Text(versionTags.GetValueOrDefault(ModelVersionTags.ArtefactSha256)),
            GitCommit = Text(runTags.GetValueOrDefault(GitCommitTag)),
            GitRepository = Text(runTags.GetValueOrDefault(GitRepositoryTag)),
            SourceName = Text(runTags.GetValueOrDefault(SourceNameTag)),
            Datasets = [.. inputs.Where(i => i.Dataset is not null).Select(DatasetVersionOf)],
            Features = FeaturesOf(versionTags, inputs),
            Environment = EnvironmentOf(versionTags, runTags),
        };
    }

    public static DatasetVersion DatasetVersionOf(MlflowDatasetInput input)
    {
        var dataset = input.Dataset!;
        var (source, version) = ReadSource(dataset.Source);
        return new DatasetVersion(dataset.Name ?? string.Empty, version, Text(dataset.Digest), Text(dataset.SourceType), source, ContextOf(input));
    }

    /// <summary>
    /// The table name or path a dataset source names (<c>delta_table_name</c>, else <c>path</c>, <c>uri</c> or
    /// <c>url</c>) and the version it was read at (<c>delta_table_version</c>, else <c>version</c>). A JSON string is
    /// taken as the location itself; any other source that is not a JSON object is kept as recorded, with no version.
    /// </summary>
    public static (string? Source, string? Version) ReadSource(string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(source);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (root.ValueKind == JsonValueKind.String ? Text(root.GetString()) : source, null);
            }

            var named = Member(root, "delta_table_name") ?? Member(root, "path") ?? Member(root, "uri") ?? Member(root, "url");
            return (named ?? source, Member(root, "delta_table_version") ?? Member(root, "version"));
        }
        catch (JsonException)
        {
            return (source, null);
        }
    }

    /// <summary>
    /// The version tag <c>features</c> (comma-separated) when set; otherwise the column names of the training
    /// dataset's schema less those the version tag <c>target</c> names; otherwise none.
    /// </summary>
    public static IReadOnlyList<string> FeaturesOf(IReadOnlyDictionary<string, string> versionTags, IReadOnlyList<MlflowDatasetInput> inputs)
    {
        if (versionTags.TryGetValue(ModelVersionTags.Features, out var listed) && SplitList(listed) is { Count: > 0 } features)
        {
            return features;
        }

        var training = inputs.FirstOrDefault(i => i.Dataset is not null && ContextOf(i) == DatasetVersion.TrainingContext);
        var targets = SplitList(versionTags.GetValueOrDefault(ModelVersionTags.Target)).ToHashSet(StringComparer.Ordinal);
        return [.. ColumnsOf(training?.Dataset?.Schema).Where(c => !targets.Contains(c))];
    }

    /// <summary>
    /// The Databricks runtime (<c>mlflow.databricks.runtime</c>, else <c>mlflow.runtime.version</c>) as
    /// <c>databricks_runtime</c>, then every run tag and version tag <c>environment.&lt;name&gt;</c> as <c>&lt;name&gt;</c>;
    /// the version's tag wins over the run's, since the release job sets it after training.
    /// </summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(IReadOnlyDictionary<string, string> versionTags, IReadOnlyDictionary<string, string> runTags)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if ((Text(runTags.GetValueOrDefault(DatabricksRuntimeTag)) ?? Text(runTags.GetValueOrDefault(RuntimeVersionTag))) is { } runtime)
        {
            environment[DatabricksRuntimeKey] = runtime;
        }

        foreach (var (key, value) in runTags.Concat(versionTags))
        {
            if (key.StartsWith(ModelVersionTags.EnvironmentPrefix, StringComparison.Ordinal) && key.Length > ModelVersionTags.EnvironmentPrefix.Length)
            {
                environment[key[ModelVersionTags.EnvironmentPrefix.Length..]] = value;
            }
        }

        return environment;
    }

    private static string? ContextOf(MlflowDatasetInput input) =>
        Text(input.Tags?.FirstOrDefault(t => t.Key == DatasetContextTag)?.Value);

    /// <summary>Column names of an MLflow column-spec schema, in its order; none when it is absent or unreadable.</summary>
    private static IEnumerable<string> ColumnsOf(string? schema)
    {
        if (string.IsNullOrWhiteSpace(schema))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(schema);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("mlflow_colspec", out var columns)
                || columns.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. columns.EnumerateArray()
                .Select(c => c.ValueKind == JsonValueKind.Object ? Member(c, "name") : null)
                .OfType<string>()];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>A string or number member as text; absent, null or anything else is null.</summary>
    private static string? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => Text(value.GetString()),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static List<string> SplitList(string? text) =>
        [.. (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
