namespace MlopsFlows.Domain.Releases;

/// <summary>
/// Where a model version came from, as the registry and its training run recorded it: the audit packet's lineage.
/// Every member is optional, since a version registered by hand records little; absent means "not recorded", never a guess.
/// </summary>
public sealed record ModelLineage
{
    /// <summary>Nothing recorded.</summary>
    public static ModelLineage Empty { get; } = new();

    /// <summary>The version's <c>source</c> in Unity Catalog: the artefact URI it was registered from (e.g. <c>dbfs:/…/artifacts/model</c>).</summary>
    public string? Source { get; init; }

    /// <summary>The version's <c>storage_location</c> in Unity Catalog: where the registry keeps its copy of the artefacts.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>
    /// Content hash of the model artefacts, from the version tag <c>artifact_sha256</c>. The release job computes it,
    /// since Unity Catalog keeps no content hash of its own.
    /// </summary>
    public string? ArtefactSha256 { get; init; }

    /// <summary>The commit the training code ran at (run tag <c>mlflow.source.git.commit</c>).</summary>
    public string? GitCommit { get; init; }

    /// <summary>The repository of that commit (run tag <c>mlflow.source.git.repoURL</c>).</summary>
    public string? GitRepository { get; init; }

    /// <summary>The notebook, script or job that trained it (run tag <c>mlflow.source.name</c>).</summary>
    public string? SourceName { get; init; }

    /// <summary>The datasets the training run logged as inputs (training, evaluation, …), with their versions.</summary>
    public IReadOnlyList<DatasetVersion> Datasets { get; init; } = [];

    /// <summary>
    /// The model's input features: the version tag <c>features</c> (comma-separated) when set, otherwise the columns of
    /// the training dataset's schema less the target column(s) named by the version tag <c>target</c>.
    /// </summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>
    /// The environment the run recorded: every version or run tag <c>environment.&lt;name&gt;</c> under <c>&lt;name&gt;</c>
    /// (e.g. <c>python</c>, <c>requirements</c>), and the Databricks runtime as <c>databricks_runtime</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>One dataset a training run logged as an input (MLflow <c>run.inputs.dataset_inputs[]</c>).</summary>
/// <param name="Name">The dataset's name in MLflow.</param>
/// <param name="Version">The table version or snapshot it was read at (e.g. a Delta table version), when the source records one.</param>
/// <param name="Digest">MLflow's digest of the dataset's content.</param>
/// <param name="SourceType">Kind of source, e.g. <c>delta</c>, <c>uc_volume</c>, <c>http</c>.</param>
/// <param name="Source">The table name or path read from; the source as recorded when it names neither.</param>
/// <param name="Context">What the run used it for (input tag <c>mlflow.data.context</c>), e.g. <c>training</c> or <c>evaluation</c>.</param>
public sealed record DatasetVersion(string Name, string? Version, string? Digest, string? SourceType, string? Source, string? Context)
{
    /// <summary>The <c>mlflow.data.context</c> of the dataset a model was trained on.</summary>
    public const string TrainingContext = "training";
}
