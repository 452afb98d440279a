using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// Features from files under <see cref="MonitoringDataOptions.Root"/>, read column by column with the dataset readers
/// (CSV, Parquet or Arrow IPC, by extension):
/// <code>
/// &lt;root&gt;/&lt;model&gt;/reference.parquet                      the training features (the yardstick)
/// &lt;root&gt;/&lt;model&gt;/&lt;environment&gt;/windows/202603140905.csv  a batch of production features, named by its UTC start minute
/// </code>
/// (or by its start second, <c>20260314090530.csv</c>, for batches shorter than a minute)
/// e.g. <c>/data/monitoring/main.credit.scorer/prod/windows/202603140905.csv</c>. A monitor window takes every batch
/// stamped inside it. The reference decides the features (all its columns but the ignored ones and the KPI column) and
/// their kinds; it is profiled once per file version and kept in memory, since every check of every window reuses it.
/// </summary>
public sealed class FileFeatureWindows(IOptions<MonitoringDataOptions> options, ILogger<FileFeatureWindows> logger) : IFeatureWindows
{
    private readonly ConcurrentDictionary<string, (string Path, DateTime Written, FeatureReference Reference)> references = new(StringComparer.Ordinal);

    public async Task<FeatureReference> GetReferenceAsync(string model, CancellationToken cancellationToken)
    {
        var path = MonitoringFiles.ReferenceOf(options.Value, model);
        var written = File.GetLastWriteTimeUtc(path);
        if (references.TryGetValue(model, out var cached) && cached.Path == path && cached.Written == written)
        {
            return cached.Reference;
        }

        var source = ColumnSources.Open(path);
        var numeric = new List<NumericReference>();
        var categorical = new List<CategoricalReference>();
        foreach (var column in Features(await source.GetColumnNamesAsync(cancellationToken).ConfigureAwait(false)))
        {
            if (!options.Value.CategoricalColumns.Contains(column))
            {
                try
                {
                    var values = await source.ReadNumericColumnAsync(column, cancellationToken).ConfigureAwait(false);
                    if (values.Values.Count > 0)
                    {
                        numeric.Add(new NumericReference(column, ReferenceProfile.Create([.. values.Values])));
                    }

                    continue;
                }
                catch (FormatException)
                {
                    // Text in the reference: the feature is categorical.
                }
            }

            categorical.Add(new CategoricalReference(column, (await source.CountCategoriesAsync(column, cancellationToken).ConfigureAwait(false)).Counts));
        }

        var reference = new FeatureReference(numeric, categorical);
        references[model] = (path, written, reference);
        Log.ReferenceProfiled(logger, model, path, numeric.Count, categorical.Count);
        return reference;
    }

    /// <remarks>
    /// Every window file must hold every feature: a feature absent from any file is left out of the window, which the
    /// check reports as a missing column (a schema mismatch), rather than counted as nulls.
    /// </remarks>
    public async Task<FeatureWindow> GetWindowAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var reference = await GetReferenceAsync(model, cancellationToken).ConfigureAwait(false);
        var files = MonitoringFiles.WindowsOf(options.Value, model, environment, windowStart, windowEnd);
        var sources = files.Select(ColumnSources.Open).ToArray();
        var present = new HashSet<string>(reference.Columns, StringComparer.Ordinal);
        foreach (var source in sources)
        {
            present.IntersectWith(await source.GetColumnNamesAsync(cancellationToken).ConfigureAwait(false));
        }

        var numeric = new List<NumericWindowColumn>();
        foreach (var column in reference.Numeric.Where(c => present.Contains(c.Column)))
        {
            var values = new List<double>();
            long nulls = 0;
            foreach (var source in sources)
            {
                var read = await source.ReadNumericColumnAsync(column.Column, cancellationToken).ConfigureAwait(false);
                values.AddRange(read.Values);
                nulls += read.NullCount;
            }

            numeric.Add(new NumericWindowColumn(column.Column, values.ToArray(), nulls));
        }

        var categorical = new List<CategoricalWindowColumn>();
        foreach (var column in reference.Categorical.Where(c => present.Contains(c.Column)))
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            long nulls = 0;
            foreach (var source in sources)
            {
                var read = await source.CountCategoriesAsync(column.Column, cancellationToken).ConfigureAwait(false);
                foreach (var category in read.Counts.Categories)
                {
                    counts[category] = counts.GetValueOrDefault(category) + read.Counts[category];
                }

                nulls += read.NullCount;
            }

            categorical.Add(new CategoricalWindowColumn(column.Column, CategoryCounts.FromCounts(counts), nulls));
        }

        var window = new FeatureWindow(windowStart, windowEnd, numeric, categorical);
        Log.WindowRead(logger, model, environment, windowStart, windowEnd, files.Count, window.RowCount);
        return window;
    }

    private IEnumerable<string> Features(IEnumerable<string> columns) =>
        columns.Where(c => !options.Value.IgnoredColumns.Contains(c) && !string.Equals(c, options.Value.KpiColumn, StringComparison.Ordinal));
}
