using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Approvals;
using MlopsFlows.Api.Http;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Api.Releases;

/// <summary>
/// The releases API, once. Each handler takes the request and the Durable client its host provides; the local
/// host maps them with <see cref="MapReleasesApi"/>, the Functions app calls them from its HTTP triggers.
/// </summary>
public static class ReleasesApi
{
    public const string Route = "/api/releases";

    private static readonly OrchestrationRuntimeStatus[] InFlight =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var releases = app.MapGroup(Route).WithTags("Releases");
        releases.MapPost("/", (HttpRequest request, DurableTaskClient client) => StartAsync(request, client))
            .WithName("StartRelease").WithSummary("Start (or find) the release of a model version to an environment.");
        releases.MapGet("/", (HttpRequest request, DurableTaskClient client) => ListAsync(request, client))
            .WithName("ListReleases").WithSummary("List releases, newest first.");
        releases.MapGet("/{id}", (HttpRequest request, DurableTaskClient client, string id) => GetAsync(request, client, id))
            .WithName("GetRelease").WithSummary("A release's status, progress, step history and evidence.");
        releases.MapPost("/{id}/decisions", (HttpRequest request, DurableTaskClient client, string id) => DecideAsync(request, client, id))
            .WithName("DecideRelease").WithSummary("Approve or reject a release that waits for approval.");
        releases.MapPost("/{id}/pause", (HttpRequest request, DurableTaskClient client, string id) => CommandAsync(request, client, id, OversightCommandKind.Pause))
            .WithName("PauseRelease").WithSummary("Hold a release where it is (oversight role and rationale required).");
        releases.MapPost("/{id}/resume", (HttpRequest request, DurableTaskClient client, string id) => CommandAsync(request, client, id, OversightCommandKind.Resume))
            .WithName("ResumeRelease").WithSummary("Let a paused release go on (oversight role and rationale required).");
        releases.MapPost("/{id}/stop", (HttpRequest request, DurableTaskClient client, string id) => CommandAsync(request, client, id, OversightCommandKind.Stop))
            .WithName("StopRelease").WithSummary("Stop a release; traffic goes back to what it was (oversight role and rationale required).");
        releases.MapPost("/{id}/cancel", (HttpRequest request, DurableTaskClient client, string id) => CommandAsync(request, client, id, OversightCommandKind.Stop))
            .WithName("CancelRelease").WithSummary("The same as stop, kept for callers of the first API version.");
        releases.MapPost("/{id}/override", (HttpRequest request, DurableTaskClient client, string id) => CommandAsync(request, client, id, OversightCommandKind.Override))
            .WithName("OverrideRelease").WithSummary("Break glass: grant the pending approval or pass the current step (oversight role and rationale required).");
        releases.MapPost("/{id}/evidence", (HttpRequest request, DurableTaskClient client, string id) => AddEvidenceAsync(request, client, id))
            .WithName("AddReleaseEvidence").WithSummary("Attach new evidence to a release in flight; approvals given before it no longer count.");
        return app;
    }

    public static async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (start, problem) = await ReadBodyAsync(request, ReleaseRequests.ParseStart);
        if (start is null)
        {
            return problem!;
        }

        // The requester is who the token proves: a job's service principal or a person, never a name in the body alone.
        if ((await ApiCallers.RequireAsync(request, start.RequestedBy)).Problem is { } refused)
        {
            return refused;
        }

        return await StartReleaseAsync(start, request.HttpContext.RequestServices, client, cancellationToken);
    }

    /// <summary>
    /// Starts (or finds) the release a validated request names: the one start path of every door (the API, the
    /// Databricks webhook). Idempotent per model, version and environment; another version in flight is a conflict.
    /// </summary>
    public static async Task<IResult> StartReleaseAsync(StartReleaseRequest start, IServiceProvider services, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(client);
        var key = start.Key;
        var existing = await client.GetInstanceAsync(key.InstanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is not null)
        {
            return Accepted(key, existing.RuntimeStatus, created: false);
        }

        // The ledger's in-flight place is the guard: an ETag-conditional claim, so of two versions started at once one wins.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ledger = services.GetRequiredService<IReleaseLedger>();
        var claim = await ClaimInFlightPlaceAsync(ledger, client, new ReleaseClaim(key, NewRunId(now), start.RequestedBy, now), now, cancellationToken);
        if (!claim.Claimed)
        {
            var conflict = claim.Holder;
            return Problems.Conflict(
                $"Version {conflict.Version} of {key.Model} is already being released to {key.Environment} ({conflict.ReleaseId}); finish or cancel it first.",
                new Dictionary<string, object?> { ["inFlightRelease"] = conflict.ReleaseId });
        }

        // The same release asked twice at once shares the first claim's run id, so both schedule the same input.
        var input = new ReleaseInput(
            key,
            claim.Holder.RunId,
            start.ServingEndpoint ?? ReleaseRequests.DefaultServingEndpoint(key),
            start.RequestedBy,
            services.GetRequiredService<PolicySet>(),
            start.RiskTier,
            start.EvidenceRefs,
            claim.Holder.RequestedAt);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ReleaseOrchestrator), input, new StartOrchestrationOptions(key.InstanceId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Two identical requests raced: the other one created the instance. Same key, same release.
            var raced = await client.GetInstanceAsync(key.InstanceId, getInputsAndOutputs: false, cancellationToken);
            if (raced is null)
            {
                // Nothing started: give the place back so the model is not blocked by a release that never ran.
                await ledger.EndAsync(new ReleaseEnding(key, input.RunId, input.RequestedAt, NotStarted, ex.Message, now, null, null), CancellationToken.None);
                throw;
            }

            return Accepted(key, raced.RuntimeStatus, created: false);
        }

        return Accepted(key, OrchestrationRuntimeStatus.Pending, created: true);
    }

    public static async Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var top = int.TryParse(request.Query["top"], out var requested) ? Math.Clamp(requested, 1, 500) : 100;
        var prefix = ReleaseKey.InstanceIdPrefix;
        if (request.Query["model"] is { Count: 1 } models)
        {
            var model = models.ToString().ToLowerInvariant();
            if (!ReleaseKey.IsModelName(model))
            {
                return Problems.Validation("model", "'model' must be a Unity Catalog three-part name, catalog.schema.model.");
            }

            prefix = ReleaseKey.ModelPrefix(model);
        }

        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, FetchInputsAndOutputs = true, PageSize = 100 };
        var releases = new List<ReleaseSummary>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (ReleaseKey.TryParse(instance.InstanceId, out var key))
            {
                releases.Add(new ReleaseSummary(
                    instance.InstanceId, key.Model, key.Version, key.Environment, instance.RuntimeStatus.ToString(),
                    ReadProgress(instance)?.Stage.ToString(), instance.CreatedAt, instance.LastUpdatedAt));
            }
        }

        return TypedResults.Json(releases.OrderByDescending(r => r.CreatedAt).Take(top).ToArray(), ApiJson.Options);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string id)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        if (!ReleaseKey.TryParse(id, out var key))
        {
            return Problems.NotFound($"There is no release '{id}'. Release ids look like release:catalog.schema.model:12:prod.");
        }

        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return Problems.NotFound($"There is no release '{id}'.");
        }

        var runId = instance.ReadInputAs<ReleaseInput>()?.RunId;
        var evidence = runId is null
            ? []
            : await request.HttpContext.RequestServices.GetRequiredService<IEvidenceStore>().ListAsync(id, runId, cancellationToken);
        var outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<ReleaseOutcome>() : null;
        var progress = ReadProgress(instance);

        // While approvers are asked, the approval's own status holds the open seats and the digest a vote must carry.
        ApprovalProgress? approval = null;
        if (progress?.WaitingFor == ReleaseWaits.Approval && runId is not null)
        {
            var child = await client.GetInstanceAsync(ApprovalOrchestrator.InstanceIdFor(id, runId), getInputsAndOutputs: true, cancellationToken);
            approval = child?.SerializedCustomStatus is null ? null : child.ReadCustomStatusAs<ApprovalProgress>();
        }

        return TypedResults.Json(
            new ReleaseDetail(
                id, runId, key.Model, key.Version, key.Environment, instance.RuntimeStatus.ToString(), instance.CreatedAt, instance.LastUpdatedAt,
                progress, outcome, Describe(instance.FailureDetails), evidence, approval),
            ApiJson.Options);
    }

    public static async Task<IResult> DecideAsync(HttpRequest request, DurableTaskClient client, string id)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (decision, problem) = await ReadBodyAsync(request, ReleaseRequests.ParseDecision);
        if (decision is null)
        {
            return problem!;
        }

        // Proof first: who may not decide learns nothing about the release.
        var services = request.HttpContext.RequestServices;
        var identity = await services.GetRequiredService<IDecisionAuthenticator>().VerifyAsync(request, decision.Approver, cancellationToken);
        if (identity.Identity is not { } proven)
        {
            return Problems.Problem(identity.Status, identity.Status == StatusCodes.Status403Forbidden ? "Forbidden." : "Unauthorized.", identity.Refusal!);
        }

        var submitted = await ApprovalDecisions.SubmitAsync(
            client,
            new VerifiedDecision(id, decision.Approve, proven.Approver, proven.ObjectId ?? decision.ObjectId, decision.Rationale, decision.EvidenceDigest, proven.Channel, proven.Verified),
            services.GetRequiredService<TimeProvider>(),
            cancellationToken);
        return submitted.Status switch
        {
            SubmissionStatus.Submitted => TypedResults.Accepted(StatusUrl(id), new CommandAccepted(id, decision.Approve ? "approve" : "reject", StatusUrl(id))),
            SubmissionStatus.NotFound => Problems.NotFound(submitted.Detail),
            _ => Problems.Conflict(submitted.Detail),
        };
    }

    /// <summary>Pause, resume, stop or override. The workflow checks the role and records the command either way.</summary>
    public static async Task<IResult> CommandAsync(HttpRequest request, DurableTaskClient client, string id, OversightCommandKind kind)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (command, problem) = await ReadBodyAsync(request, ReleaseRequests.ParseOversight);
        if (command is null)
        {
            return problem!;
        }

        var instance = await FindInFlightAsync(client, id, cancellationToken);
        if (instance.Problem is not null)
        {
            return instance.Problem;
        }

        if (kind == OversightCommandKind.Override && command.Target is null)
        {
            return Problems.Validation("target", "An override names its 'target': 'approval' or 'step'.");
        }

        var services = request.HttpContext.RequestServices;
        var identity = await services.GetRequiredService<IDecisionAuthenticator>().AuthenticateAsync(request, command.RequestedBy, cancellationToken);
        if (identity is null)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", "The caller's identity could not be verified.");
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await client.RaiseEventAsync(
            id,
            ReleaseEvents.Oversight,
            new OversightRequest(kind, identity.Approver, command.Rationale, now, command.ObjectId, identity.Channel, identity.Verified, command.Target),
            cancellationToken);
        var name = kind.ToString().ToLowerInvariant();
        return TypedResults.Accepted(StatusUrl(id), new CommandAccepted(id, name, StatusUrl(id)));
    }

    public static async Task<IResult> AddEvidenceAsync(HttpRequest request, DurableTaskClient client, string id)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (addition, problem) = await ReadBodyAsync(request, ReleaseRequests.ParseEvidenceAddition);
        if (addition is null)
        {
            return problem!;
        }

        if ((await ApiCallers.RequireAsync(request, addition.AddedBy)).Problem is { } refused)
        {
            return refused;
        }

        var instance = await FindInFlightAsync(client, id, cancellationToken);
        if (instance.Problem is not null)
        {
            return instance.Problem;
        }

        var now = request.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        await client.RaiseEventAsync(id, ReleaseEvents.EvidenceAdded, new EvidenceAddition(addition.EvidenceRefs, addition.AddedBy, addition.Note, now), cancellationToken);
        return TypedResults.Accepted(StatusUrl(id), new CommandAccepted(id, "add-evidence", StatusUrl(id)));
    }

    private static async Task<(OrchestrationMetadata? Instance, IResult? Problem)> FindInFlightAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        var instance = ReleaseKey.TryParse(id, out _) ? await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken) : null;
        if (instance is null)
        {
            return (null, Problems.NotFound($"There is no release '{id}'."));
        }

        return InFlight.Contains(instance.RuntimeStatus)
            ? (instance, null)
            : (instance, Problems.Conflict($"Release '{id}' has already ended ({instance.RuntimeStatus})."));
    }

    public static string StatusUrl(string id) => $"{Route}/{id}";

    /// <summary>A run id that sorts by start time and is safe in table keys, e.g. <c>20261126T104614Z-3f9a1c2e</c>.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25];

    private static string? Describe(TaskFailureDetails? failure) =>
        failure is null ? null : $"{failure.ErrorType}: {failure.ErrorMessage}";

    private static Task<(T? Value, IResult? Problem)> ReadBodyAsync<T>(
        HttpRequest request, Func<System.Text.Json.JsonElement, (T? Value, IDictionary<string, string[]> Errors)> parse)
        where T : class =>
        JsonBody.ReadValidatedAsync(request, parse);

    private static Microsoft.AspNetCore.Http.HttpResults.Accepted<ReleaseAccepted> Accepted(ReleaseKey key, OrchestrationRuntimeStatus status, bool created) =>
        TypedResults.Accepted(
            StatusUrl(key.InstanceId),
            new ReleaseAccepted(key.InstanceId, StatusUrl(key.InstanceId), key.Model, key.Version, key.Environment, status.ToString(), created));

    /// <summary>
    /// Claims the model's in-flight place. A holder whose workflow has ended without booking it (failed, terminated,
    /// purged) or never started is closed in the ledger first, so it cannot block the model forever; a holder whose
    /// start may still be on its way (claimed within <see cref="StartGrace"/>) is left alone.
    /// </summary>
    private static async Task<ClaimResult> ClaimInFlightPlaceAsync(IReleaseLedger ledger, DurableTaskClient client, ReleaseClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await ledger.ClaimAsync(claim, cancellationToken);
        if (result.Claimed || !ReleaseKey.TryParse(result.Holder.ReleaseId, out var holderKey))
        {
            return result;
        }

        var holder = await client.GetInstanceAsync(result.Holder.ReleaseId, getInputsAndOutputs: false, cancellationToken);
        var ended = holder is null ? now - result.Holder.RequestedAt > StartGrace : !InFlight.Contains(holder.RuntimeStatus);
        if (!ended)
        {
            return result;
        }

        var outcome = holder?.RuntimeStatus.ToString() ?? NotStarted;
        await ledger.EndAsync(
            new ReleaseEnding(holderKey, result.Holder.RunId, result.Holder.RequestedAt, outcome, $"closed by the API: its workflow is {outcome.ToLowerInvariant()}", now, null, null),
            cancellationToken);
        return await ledger.ClaimAsync(claim, cancellationToken);
    }

    /// <summary>Ledger outcome of a claim whose workflow never started.</summary>
    private const string NotStarted = nameof(NotStarted);

    private static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    private static ReleaseProgress? ReadProgress(OrchestrationMetadata instance)
    {
        try
        {
            return instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<ReleaseProgress>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
