namespace MlopsFlows.Integrations.Datasets;

/// <summary>Where evaluation data sets live on disk. Bound from <c>MlopsFlows:EvaluationData</c>.</summary>
public sealed class EvaluationDataOptions
{
    public const string SectionName = "MlopsFlows:EvaluationData";

    /// <summary>
    /// The folder (local or mounted) every evaluation set must lie under; a set's URI is resolved against it and may
    /// not leave it. Default <c>.</c>: the process's working directory. Key: <c>MlopsFlows:EvaluationData:Root</c>.
    /// </summary>
    public string Root { get; set; } = ".";
}
