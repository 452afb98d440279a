using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// The predictions a served version returned over a window, from the HTTP service configured as
/// <see cref="CanaryTelemetryOptions.PredictionsUrl"/> (a reader of the endpoint's inference table). Without one, or when
/// it knows nothing of the version (404), there are no predictions: prediction drift is then inconclusive, never a pass.
/// </summary>
public sealed class InferencePredictionSource(HttpClient http, IOptions<CanaryTelemetryOptions> options, ILogger<InferencePredictionSource> logger)
{
    public async Task<IReadOnlyList<double>> ReadAsync(
        string endpoint, string model, int version, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var source = options.Value.PredictionsUrl;
        if (source is null)
        {
            return [];
        }

        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"endpoint={Uri.EscapeDataString(endpoint)}&model={Uri.EscapeDataString(model)}&version={version}&from={Uri.EscapeDataString(from.ToString("o", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("o", CultureInfo.InvariantCulture))}");
        var url = source.AbsoluteUri + (string.IsNullOrEmpty(source.Query) ? "?" : "&") + query;
        try
        {
            var answer = await http.GetJsonAsync<PredictionsAnswer>(url, cancellationToken).ConfigureAwait(false);
            return Thin(answer.Predictions?.Where(double.IsFinite).ToArray() ?? [], options.Value.SampleCap);
        }
        catch (DependencyNotFoundException)
        {
            Log.NoPredictions(logger, endpoint, version);
            return [];
        }
    }

    /// <summary>Every k-th value when there are more than <paramref name="cap"/>: deterministic, so a re-run activity records the same sample.</summary>
    internal static IReadOnlyList<double> Thin(IReadOnlyList<double> values, int cap) =>
        values.Count <= cap ? values : [.. Enumerable.Range(0, cap).Select(i => values[(int)((long)i * values.Count / cap)])];

    private sealed record PredictionsAnswer(IReadOnlyList<double>? Predictions);
}
