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

    /// <summary>
    /// Where a run stands (<c>GET /api/2.2/jobs/runs/get?run_id=</c>), read from <c>status</c>: the deprecated
    /// <c>state</c> is left alone. A caller follows a run by asking again (a workflow with a durable timer), so this
    /// makes one call and never waits.
    /// </summary>
    /// <exception cref="DependencyNotFoundException">No such run.</exception>
    public async Task<DatabricksJobRun> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var path = $"{RunsGetPath}?run_id={Uri.EscapeDataString(runId)}";
        var run = await http.GetJsonAsync<RunDetails>(path, cancellationToken).ConfigureAwait(false);
        var state = run.Status?.State
            ?? throw new DatabricksApiException(System.Net.HttpStatusCode.OK, null, $"Databricks GET {path} answered without status.state.");
        var termination = run.Status.TerminationDetails;
        var result = new DatabricksJobRun(runId, state, termination?.Code, termination?.Type, termination?.Message);
        Log.RetrainingRunRead(logger, runId, state, termination?.Code);
        return result;
    }

    public const string RunsGetPath = "api/2.2/jobs/runs/get";

    // The slices of the Jobs 2.2 payloads used here, snake_case on the wire.
    internal sealed record RunNowRequest(long JobId, string IdempotencyToken, IReadOnlyDictionary<string, string> JobParameters);

    internal sealed record RunNowResponse(long? RunId, long? NumberInJob);

    internal sealed record RunDetails(long? RunId, RunStatus? Status);

    internal sealed record RunStatus(string? State, RunTermination? TerminationDetails);

    internal sealed record RunTermination(string? Code, string? Type, string? Message);
}

/// <summary>A Databricks job run as <c>status</c> describes it (Jobs API 2.2).</summary>
/// <param name="State">QUEUED, PENDING, RUNNING, TERMINATING, TERMINATED, BLOCKED or WAITING.</param>
/// <param name="TerminationCode">Once terminated: SUCCESS, or why not (e.g. RUN_EXECUTION_ERROR, USER_CANCELED).</param>
/// <param name="TerminationType">Once terminated: SUCCESS, INTERNAL_ERROR, CLIENT_ERROR or CLOUD_FAILURE.</param>
public sealed record DatabricksJobRun(string RunId, string State, string? TerminationCode, string? TerminationType, string? Message)
{
    public bool IsTerminal => State == "TERMINATED";

    public bool Succeeded => IsTerminal && TerminationCode == "SUCCESS";
}
