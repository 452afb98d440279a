using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// The business KPI from the same window files as the features (see <see cref="FileFeatureWindows"/>): the mean of the
/// <see cref="MonitoringDataOptions.KpiColumn"/> cells of every batch in the window, e.g. a 0/1 "approved" outcome per
/// decision gives the approval rate. Files without the column, and null cells, hold no observation.
/// </summary>
public sealed class FileBusinessKpis(IOptions<MonitoringDataOptions> options, ILogger<FileBusinessKpis> logger) : IBusinessKpis
{
    public async Task<KpiReading> ReadAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var column = options.Value.KpiColumn;
        double sum = 0;
        long count = 0;
        foreach (var path in MonitoringFiles.WindowsOf(options.Value, model, environment, windowStart, windowEnd))
        {
            var source = ColumnSources.Open(path);
            if (!(await source.GetColumnNamesAsync(cancellationToken).ConfigureAwait(false)).Contains(column, StringComparer.Ordinal))
            {
                continue;
            }

            await foreach (var chunk in source.ReadNumericAsync(column, cancellationToken).ConfigureAwait(false))
            {
                foreach (var value in chunk.Values.Span)
                {
                    sum += value;
                }

                count += chunk.Values.Length;
            }
        }

        var reading = new KpiReading(column, count == 0 ? null : sum / count, count);
        Log.KpiRead(logger, model, environment, column, reading.Value, count);
        return reading;
    }
}
