using System.Globalization;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>
/// Jobs API 2.2 runs: <c>run-now</c> starts one run per idempotency token (a repeated token answers the run it already
/// started, as Databricks does), and a run is <c>RUNNING</c> for <see cref="SimulatorOptions.JobRunDuration"/>, then
/// <c>TERMINATED</c> with <c>SUCCESS</c> or the failure injected for its job.
/// </summary>
internal sealed class SimulatedJobs(SimulatorOptions options)
{
    /// <summary>Databricks refuses longer idempotency tokens.</summary>
    public const int MaxIdempotencyTokenLength = 64;

    private readonly Lock gate = new();
    private readonly Dictionary<long, JobRun> runs = [];
    private readonly Dictionary<string, long> byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> runsPerJob = [];
    private readonly Dictionary<long, (string Code, string Message)> failingJobs = [];
    private long nextRunId = 700_000_001;

    public RunNowResponse RunNow(RunNowRequest request)
    {
        var jobId = request.JobId is > 0 ? request.JobId.Value : throw DatabricksApiException.InvalidParameter("job_id must be a positive job id.");
        if (request.IdempotencyToken is { Length: > MaxIdempotencyTokenLength })
        {
            throw DatabricksApiException.InvalidParameter($"idempotency_token must be at most {MaxIdempotencyTokenLength} characters.");
        }

        lock (gate)
        {
            if (request.IdempotencyToken is { Length: > 0 } token && byToken.TryGetValue(token, out var existing))
            {
                return new RunNowResponse(existing, runs[existing].NumberInJob);
            }

            var number = runsPerJob[jobId] = runsPerJob.GetValueOrDefault(jobId) + 1;
            var run = new JobRun(
                nextRunId++,
                jobId,
                number,
                options.TimeProvider.GetUtcNow(),
                request.JobParameters ?? new Dictionary<string, string>(StringComparer.Ordinal),
                failingJobs.TryGetValue(jobId, out var failure) ? failure : null);
            runs[run.RunId] = run;
            if (request.IdempotencyToken is { Length: > 0 } newToken)
            {
                byToken[newToken] = run.RunId;
            }

            return new RunNowResponse(run.RunId, run.NumberInJob);
        }
    }

    public JobRunDetails GetRun(string runIdText)
    {
        if (!long.TryParse(runIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var runId))
        {
            throw DatabricksApiException.InvalidParameter($"'{runIdText}' is not a run id.");
        }

        lock (gate)
        {
            var run = runs.GetValueOrDefault(runId) ?? throw DatabricksApiException.NotFound($"Run {runId} does not exist.");
            var ends = run.StartedAt + options.JobRunDuration;
            var finished = options.TimeProvider.GetUtcNow() >= ends;
            var status = !finished
                ? new RunStatus("RUNNING", null)
                : run.Failure is { } failure
                    ? new RunStatus("TERMINATED", new TerminationDetails(failure.Code, "CLIENT_ERROR", failure.Message))
                    : new RunStatus("TERMINATED", new TerminationDetails("SUCCESS", "SUCCESS", "Run completed successfully."));

            // The deprecated `state` is answered too, as Databricks still does, so a test can tell which one a client reads.
            var legacy = !finished
                ? new LegacyRunState("RUNNING", null, "In run")
                : new LegacyRunState("TERMINATED", run.Failure is null ? "SUCCESS" : "FAILED", status.TerminationDetails!.Message);
            return new JobRunDetails(
                run.JobId,
                run.RunId,
                run.NumberInJob,
                run.StartedAt.ToUnixTimeMilliseconds(),
                finished ? ends.ToUnixTimeMilliseconds() : 0,
                status,
                legacy,
                [.. run.Parameters.Select(p => new JobParameterValue(p.Key, p.Value))]);
        }
    }

    /// <summary>Runs of <paramref name="jobId"/> started from now on terminate with <paramref name="code"/>.</summary>
    public void FailRuns(long jobId, string code, string message)
    {
        lock (gate)
        {
            failingJobs[jobId] = (code, message);
        }
    }

    private sealed record JobRun(long RunId, long JobId, int NumberInJob, DateTimeOffset StartedAt, IReadOnlyDictionary<string, string> Parameters, (string Code, string Message)? Failure);
}

/// <summary>Body of <c>POST /api/2.2/jobs/run-now</c> (the fields the simulator reads).</summary>
internal sealed record RunNowRequest(long? JobId, string? IdempotencyToken, IReadOnlyDictionary<string, string>? JobParameters);

internal sealed record RunNowResponse(long RunId, int NumberInJob);

/// <summary>A slice of <c>GET /api/2.2/jobs/runs/get</c>.</summary>
internal sealed record JobRunDetails(
    long JobId, long RunId, int NumberInJob, long StartTime, long EndTime, RunStatus Status, LegacyRunState State, IReadOnlyList<JobParameterValue> JobParameters);

/// <summary><c>status</c>: <c>state</c> is QUEUED, PENDING, RUNNING, TERMINATING, TERMINATED, BLOCKED or WAITING.</summary>
internal sealed record RunStatus(string State, TerminationDetails? TerminationDetails);

/// <summary><c>status.termination_details</c>: <c>type</c> is SUCCESS, INTERNAL_ERROR, CLIENT_ERROR or CLOUD_FAILURE.</summary>
internal sealed record TerminationDetails(string Code, string Type, string Message);

internal sealed record LegacyRunState(string LifeCycleState, string? ResultState, string StateMessage);

internal sealed record JobParameterValue(string Name, string Value);
