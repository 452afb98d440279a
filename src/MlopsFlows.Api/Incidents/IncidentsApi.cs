using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Incidents;

/// <summary>
/// The operators' API for what runs after promotion, once: incidents (list, read, acknowledge, act, suppress,
/// resolve) and, in <see cref="MonitorsApi"/>, monitors (list, read, stop). Each handler takes the request and the
/// Durable client its host provides; the local host maps them with <see cref="MapIncidentsApi"/>, the Functions app
/// calls them from its HTTP triggers. Commands become external events; the incident workflow records each one.
/// </summary>
public static class IncidentsApi
{
    public const string Route = "/api/incidents";

    private static readonly IncidentCommand<IncidentNoteRequest> Acknowledge = new(
        "acknowledge",
        (body, _) => IncidentRequests.ParseNote(body),
        c => c.By,
        (c, who) => (IncidentEvents.Acknowledge, new AcknowledgeIncident(who.Approver, c.Note, who.Channel, who.Verified)));

    private static readonly IncidentCommand<IncidentActionRequest> Act = new(
        "action",
        (body, _) => IncidentRequests.ParseAction(body),
        c => c.By,
        (c, who) => (IncidentEvents.RunAction, new RunIncidentAction(c.Action, who.Approver, c.Rationale, who.Channel, who.Verified)),
        (c, incident) => c.Action == RemediationAction.Rollback && incident.PreviousVersion is null
            ? Problems.Conflict($"Incident '{incident.Id}' is on v{incident.Version}, the first version of {incident.Model} in {incident.Environment}: there is no previous version to roll back to.")
            : null);

    private static readonly IncidentCommand<IncidentSuppressRequest> Suppress = new(
        "suppress",
        IncidentRequests.ParseSuppress,
        c => c.By,
        (c, who) => (IncidentEvents.Suppress, new SuppressIncident(c.Until, who.Approver, c.Rationale, who.Channel, who.Verified)));

    private static readonly IncidentCommand<IncidentNoteRequest> Resolve = new(
        "resolve",
        (body, _) => IncidentRequests.ParseNote(body),
        c => c.By,
        (c, who) => (IncidentEvents.Resolve, new ResolveIncident(who.Approver, c.Note, who.Channel, who.Verified)));

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup(Route).WithTags("Incidents");
        incidents.MapGet("/", (HttpRequest request, DurableTaskClient client) => ListAsync(request, client))
            .WithName("ListIncidents").WithSummary("List incidents, newest first (?status=open|all&model=).");
        incidents.MapGet("/{id}", (HttpRequest request, DurableTaskClient client, string id) => GetAsync(request, client, id))
            .WithName("GetIncident").WithSummary("An incident's state, actions, evidence and, once resolved, its review.");
        incidents.MapPost("/{id}/acknowledge", (HttpRequest request, DurableTaskClient client, string id) => AcknowledgeAsync(request, client, id))
            .WithName("AcknowledgeIncident").WithSummary("Take ownership: no escalation, no automatic action.");
        incidents.MapPost("/{id}/actions", (HttpRequest request, DurableTaskClient client, string id) => ActAsync(request, client, id))
            .WithName("ActOnIncident").WithSummary("Run a runbook action now (rollback or retrain; rationale required).");
        incidents.MapPost("/{id}/suppress", (HttpRequest request, DurableTaskClient client, string id) => SuppressAsync(request, client, id))
            .WithName("SuppressIncident").WithSummary("Silence an incident until a time (rationale required).");
        incidents.MapPost("/{id}/resolve", (HttpRequest request, DurableTaskClient client, string id) => ResolveAsync(request, client, id))
            .WithName("ResolveIncident").WithSummary("Close an incident; its post-incident review is written.");
        return app.MapMonitorsApi();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var (filter, errors) = IncidentRequests.ParseList(request.Query["status"], request.Query["model"], request.Query["top"], activeWord: "open");
        if (filter is null)
        {
            return Problems.Validation(errors);
        }

        var incidents = await QueryAsync(client, filter.Model, filter.ActiveOnly, cancellationToken);
        return TypedResults.Json(incidents.Take(filter.Top).ToArray(), ApiJson.Options);
    }

    /// <summary>Every incident kept, newest first (for the model-risk review export).</summary>
    public static Task<IReadOnlyList<IncidentSummary>> ListAllAsync(DurableTaskClient client, CancellationToken cancellationToken) =>
        QueryAsync(client, model: null, activeOnly: false, cancellationToken);

    private static async Task<IReadOnlyList<IncidentSummary>> QueryAsync(DurableTaskClient client, string? model, bool activeOnly, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = model is null ? IncidentIds.Prefix : IncidentIds.PrefixFor(model),
            Statuses = activeOnly ? Instances.Active : null,
            FetchInputsAndOutputs = true,
            PageSize = 100,
        };
        var incidents = new List<IncidentSummary>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (Read(instance) is { } incident)
            {
                incidents.Add(new IncidentSummary(
                    incident.Id, incident.Model, incident.Environment, incident.Version, incident.Kind, incident.Severity, incident.Status, incident.Summary,
                    incident.OpenedAt, incident.AcknowledgedBy, incident.AcknowledgedAt, incident.ResolvedAt, incident.Escalated));
            }
        }

        return [.. incidents.OrderByDescending(i => i.OpenedAt).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    public static async Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string id)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var instance = IncidentIds.TryParse(id, out _) ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) : null;
        if (instance is null || Read(instance) is not { } incident)
        {
            return NotFound(id);
        }

        var evidence = await request.HttpContext.RequestServices.GetRequiredService<IEvidenceStore>().ListAsync(id, incident.RunId, cancellationToken);
        return TypedResults.Json(incident with { Evidence = evidence }, ApiJson.Options);
    }

    public static Task<IResult> AcknowledgeAsync(HttpRequest request, DurableTaskClient client, string id) =>
        CommandAsync(request, client, id, Acknowledge);

    public static Task<IResult> ActAsync(HttpRequest request, DurableTaskClient client, string id) =>
        CommandAsync(request, client, id, Act);

    public static Task<IResult> SuppressAsync(HttpRequest request, DurableTaskClient client, string id) =>
        CommandAsync(request, client, id, Suppress);

    public static Task<IResult> ResolveAsync(HttpRequest request, DurableTaskClient client, string id) =>
        CommandAsync(request, client, id, Resolve);

    public static string StatusUrl(string id) => $"{Route}/{id}";

    /// <summary>
    /// One command, in the order that keeps bad input side-effect free: the body (400), the incident (404), still open
    /// (409), the command's own precondition (409), the caller's identity (401); only then the event.
    /// </summary>
    private static async Task<IResult> CommandAsync<T>(HttpRequest request, DurableTaskClient client, string id, IncidentCommand<T> command)
        where T : class
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var services = request.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (body, problem) = await JsonBody.ReadValidatedAsync(request, json => command.Parse(json, now));
        if (body is null)
        {
            return problem!;
        }

        var instance = IncidentIds.TryParse(id, out _) ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) : null;
        if (instance is null || Read(instance) is not { } incident)
        {
            return NotFound(id);
        }

        if (!MonitorControl.IsActive(instance) || incident.Status == nameof(IncidentState.Resolved))
        {
            return Problems.Conflict($"Incident '{id}' is {incident.Status.ToLowerInvariant()}: nothing can be done to it any more.");
        }

        if (command.Refuse?.Invoke(body, incident) is { } refused)
        {
            return refused;
        }

        var identity = await services.GetRequiredService<IDecisionAuthenticator>().AuthenticateAsync(request, command.By(body), cancellationToken);
        if (identity is null)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", "The caller's identity could not be verified.");
        }

        var (name, payload) = command.ToEvent(body, identity);
        await client.RaiseEventAsync(id, name, payload, cancellationToken);
        return TypedResults.Accepted(StatusUrl(id), new CommandAccepted(id, command.Name, StatusUrl(id)));
    }

    private static IResult NotFound(string id) =>
        Problems.NotFound($"There is no incident '{id}'. Incident ids look like incident:catalog.schema.model:prod:drift:20260314T091500123Z.");

    /// <summary>
    /// What an instance says about its incident: the facts from its input, the state from its custom status, the
    /// resolution from its output. Null when it is not an incident this version can read. Evidence is left empty.
    /// </summary>
    private static IncidentDetail? Read(OrchestrationMetadata instance)
    {
        var input = Instances.TryRead(instance.ReadInputAs<IncidentInput>);
        if (input is null || !IncidentIds.TryParse(instance.InstanceId, out _))
        {
            return null;
        }

        var status = instance.SerializedCustomStatus is null ? null : Instances.TryRead(instance.ReadCustomStatusAs<IncidentStatus>);
        var outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Instances.TryRead(instance.ReadOutputAs<IncidentOutcome>) : null;
        var state = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => instance.RuntimeStatus.ToString(),
            OrchestrationRuntimeStatus.Completed => nameof(IncidentState.Resolved),
            _ => (status?.State ?? IncidentState.Open).ToString(),
        };
        var breach = input.Breach;
        return new IncidentDetail(
            input.IncidentId,
            input.Model,
            input.Environment,
            input.Version,
            input.PreviousVersion,
            input.ServingEndpoint,
            input.MonitorId,
            input.RunId,
            breach.Kind,
            breach.Severity,
            state,
            instance.RuntimeStatus.ToString(),
            breach.Summary,
            breach.Details,
            breach.Metrics,
            status?.OpenedAt ?? outcome?.OpenedAt ?? breach.DetectedAt,
            status?.AckDeadline,
            status?.AcknowledgedBy,
            status?.AcknowledgedAt,
            status?.SuppressedUntil,
            status?.Escalated ?? false,
            status is null ? input.AutoAction : status.AutoAction,
            status?.Actions ?? outcome?.Actions ?? [],
            outcome?.ResolvedAt ?? status?.ResolvedAt,
            outcome?.ResolvedBy,
            outcome?.TimeToDetect,
            outcome?.TimeToRemediate,
            outcome?.Review,
            instance.FailureDetails is { } failure ? $"{failure.ErrorType}: {failure.ErrorMessage}" : null,
            []);
    }
}

/// <summary>
/// What one incident command needs: its body parser (given the time, for relative fields), who it claims to come from,
/// the event it raises for a verified caller, and a precondition that may refuse it (409).
/// </summary>
internal sealed record IncidentCommand<T>(
    string Name,
    Func<System.Text.Json.JsonElement, DateTimeOffset, (T? Value, IDictionary<string, string[]> Errors)> Parse,
    Func<T, string> By,
    Func<T, DecisionIdentity, (string Name, object Payload)> ToEvent,
    Func<T, IncidentDetail, IResult?>? Refuse = null)
    where T : class;
