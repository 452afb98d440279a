namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// Where the monitor reads what production models received (features and the business KPI). Bound from
/// <c>MlopsFlows:Monitoring:Data</c>; see <see cref="FileFeatureWindows"/> for the folder layout.
/// </summary>
public sealed class MonitoringDataOptions
{
    public const string SectionName = "MlopsFlows:Monitoring:Data";

    /// <summary>
    /// The folder (local or mounted) holding one folder per model. Default none: feature and KPI reads then fail with
    /// "not configured", which the monitor records as a degraded check. Key: <c>MlopsFlows:Monitoring:Data:Root</c>.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>
    /// Columns read as categories even when every value parses as a number (codes, postcodes). Others are numeric when
    /// they read as numbers in the reference, categorical otherwise. Default none.
    /// Key: <c>MlopsFlows:Monitoring:Data:CategoricalColumns</c>.
    /// </summary>
    public IList<string> CategoricalColumns { get; } = [];

    /// <summary>Columns that are not features (ids, timestamps, labels): never compared. Default none. Key: <c>MlopsFlows:Monitoring:Data:IgnoredColumns</c>.</summary>
    public IList<string> IgnoredColumns { get; } = [];

    /// <summary>
    /// The numeric column of the window files that holds the business KPI (one observation per row, the window's KPI is
    /// their mean); never a feature. Default <c>kpi</c>. Key: <c>MlopsFlows:Monitoring:Data:KpiColumn</c>.
    /// </summary>
    public string KpiColumn { get; set; } = "kpi";
}
