using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>
/// Starts retraining with the Databricks Jobs API 2.2 (<c>POST /api/2.2/jobs/run-now</c>), the model's name as a job
/// parameter. The idempotency key is sent as <c>idempotency_token</c>: Databricks answers a repeated token with the run
/// it already started, so an activity retried after a lost answer never starts a second training run.
/// </summary>
public sealed class DatabricksRetrainingJobs(HttpClient http, IOptions<RetrainingJobOptions> options, ILogger<DatabricksRetrainingJobs> logger) : IRetrainingJobs
{
    public const string RunNowPath = "api/2.2/jobs/run-now";

    /// <summary>Databricks refuses longer idempotency tokens.</summary>
    public const int MaxIdempotencyTokenLength = 64;

    public async Task<string> StartAsync(string model, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idempotencyKey.Length, MaxIdempotencyTokenLength, nameof(idempotencyKey));
        var job = options.Value.JobFor(model)
            ?? throw new DependencyNotFoundException($"No retraining job is configured for {model} ({RetrainingJobOptions.SectionName}:Jobs:{model} or DefaultJobId).");

        var started = await http.PostJsonAsync<RunNowRequest, RunNowResponse>(
            RunNowPath,
            new RunNowRequest(job, idempotencyKey, new Dictionary<string, string>(StringComparer.Ordinal) { [options.Value.ModelParameter] = model }),
            cancellationToken).ConfigureAwait(false);
        var runId = started.RunId?.ToString(CultureInfo.InvariantCulture)
            ?? throw new DatabricksApiException(System.Net.HttpStatusCode.OK, null, $"Databricks POST {RunNowPath} answered without a run_id.");
        Log.RetrainingStarted(logger, model, job, runId, idempotencyKey);
        return runId;
    }

    // The slices of the run-now payloads used here, snake_case on the wire.
    internal sealed record RunNowRequest(long JobId, string IdempotencyToken, IReadOnlyDictionary<string, string> JobParameters);

    internal sealed record RunNowResponse(long? RunId, long? NumberInJob);
}
