using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Workflows.Ports;

/// <summary>The business KPI a production model is held to, by window.</summary>
public interface IBusinessKpis
{
    /// <summary>The KPI from <paramref name="windowStart"/> (inclusive) to <paramref name="windowEnd"/> (exclusive); a null value when the window had no observations.</summary>
    Task<KpiReading> ReadAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken);
}
