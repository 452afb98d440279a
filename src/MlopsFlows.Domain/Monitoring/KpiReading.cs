namespace MlopsFlows.Domain.Monitoring;

/// <summary>A business KPI over one window, e.g. the approval rate or the revenue per decision.</summary>
/// <param name="Value">Null when the window had no observations of the KPI; always finite otherwise.</param>
/// <param name="Samples">How many observations the value summarises.</param>
public sealed record KpiReading(string Name, double? Value, long Samples);
