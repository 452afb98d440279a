using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Monitoring;

namespace MlopsFlows.Api.Incidents;

/// <summary>
/// The monitors' half of the operators' API (mapped by <see cref="IncidentsApi.MapIncidentsApi"/>): one monitor per
/// model and environment, addressed by both, e.g. <c>/api/monitors/main.credit.scorer/prod</c>.
/// </summary>
public static class MonitorsApi
{
    public const string Route = "/api/monitors";

    public static IEndpointRouteBuilder MapMonitorsApi(this IEndpointRouteBuilder app)
    {
        var monitors = app.MapGroup(Route).WithTags("Monitors");
        monitors.MapGet("/", (HttpRequest request, DurableTaskClient client) => ListAsync(request, client))
            .WithName("ListMonitors").WithSummary("List monitors (?status=running|all&model=).");
        monitors.MapGet("/{model}/{environment}", (HttpRequest request, DurableTaskClient client, string model, string environment) => GetAsync(request, client, model, environment))
            .WithName("GetMonitor").WithSummary("A monitor's rules, last check, lateness, next check and open incidents.");
        monitors.MapPost("/{model}/{environment}/stop", (HttpRequest request, DurableTaskClient client, string model, string environment) => StopAsync(request, client, model, environment))
            .WithName("StopMonitor").WithSummary("Stop watching a model in an environment (the model was retired); reason required.");
        return app;
    }

    public static async Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var (filter, errors) = IncidentRequests.ParseList(request.Query["status"], request.Query["model"], request.Query["top"], activeWord: "running");
        if (filter is null)
        {
            return Problems.Validation(errors);
        }

        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = filter.Model is null ? MonitorIds.Prefix : MonitorIds.PrefixFor(filter.Model),
            Statuses = filter.ActiveOnly ? Instances.Active : null,
            FetchInputsAndOutputs = true,
            PageSize = 100,
        };
        var monitors = new List<MonitorSummary>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (Read(instance) is { } monitor)
            {
                monitors.Add(new MonitorSummary(
                    monitor.Id, monitor.Model, monitor.Environment, monitor.Version, monitor.PreviousVersion, monitor.Health, monitor.Checks,
                    monitor.LastCheckAt, monitor.LastLateness, monitor.NextCheckAt, monitor.OpenIncidents.Count, monitor.LastResult));
            }
        }

        return TypedResults.Json(monitors.OrderBy(m => m.Model, StringComparer.Ordinal).ThenBy(m => m.Environment, StringComparer.Ordinal).Take(filter.Top).ToArray(), ApiJson.Options);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string model, string environment)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var instance = await FindAsync(client, model, environment, request.HttpContext.RequestAborted);
        return instance is not null && Read(instance) is { } monitor
            ? TypedResults.Json(monitor, ApiJson.Options)
            : NotFound(model, environment);
    }

    /// <summary>Stops a running monitor: the body (400), the monitor (404), still running (409), the caller (401), then the event.</summary>
    public static async Task<IResult> StopAsync(HttpRequest request, DurableTaskClient client, string model, string environment)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (stop, problem) = await JsonBody.ReadValidatedAsync(request, IncidentRequests.ParseMonitorStop);
        if (stop is null)
        {
            return problem!;
        }

        var instance = await FindAsync(client, model, environment, cancellationToken);
        if (instance is null)
        {
            return NotFound(model, environment);
        }

        if (!MonitorControl.IsActive(instance))
        {
            return Problems.Conflict($"The monitor of {instance.InstanceId[MonitorIds.Prefix.Length..]} has already ended ({instance.RuntimeStatus}).");
        }

        var identity = await request.HttpContext.RequestServices.GetRequiredService<IDecisionAuthenticator>().AuthenticateAsync(request, stop.By, cancellationToken);
        if (identity is null)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", "The caller's identity could not be verified.");
        }

        // Found, so the names are valid; the id holds them as stored (lower case).
        var (watched, where) = (model.ToLowerInvariant(), environment.ToLowerInvariant());
        await MonitorControl.StopAsync(client, watched, where, new StopMonitor(identity.Approver, stop.Reason), cancellationToken);
        return TypedResults.Accepted(StatusUrl(watched, where), new CommandAccepted(instance.InstanceId, "stop", StatusUrl(watched, where)));
    }

    public static string StatusUrl(string model, string environment) => $"{Route}/{model}/{environment}";

    private static async Task<OrchestrationMetadata?> FindAsync(DurableTaskClient client, string model, string environment, CancellationToken cancellationToken)
    {
        var (m, e) = (model.ToLowerInvariant(), environment.ToLowerInvariant());
        return ReleaseKey.IsModelName(m) && ReleaseKey.IsEnvironment(e)
            ? await client.GetInstanceAsync(MonitorIds.For(m, e), getInputsAndOutputs: true, cancellationToken)
            : null;
    }

    private static IResult NotFound(string model, string environment) =>
        Problems.NotFound($"No monitor watches '{model}' in '{environment}'. A monitor starts when a release promotes a version; address it as {Route}/catalog.schema.model/environment.");

    /// <summary>What an instance says about its monitor: rules from its input, the checks from its custom status, how it ended from its output.</summary>
    private static MonitorDetail? Read(OrchestrationMetadata instance)
    {
        var input = Instances.TryRead(instance.ReadInputAs<MonitorInput>);
        if (input is null || !MonitorIds.TryParse(instance.InstanceId, out _, out _))
        {
            return null;
        }

        var status = instance.SerializedCustomStatus is null ? null : Instances.TryRead(instance.ReadCustomStatusAs<MonitorStatus>);
        var stopped = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Instances.TryRead(instance.ReadOutputAs<MonitorOutcome>) : null;
        var health = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => instance.RuntimeStatus.ToString(),
            OrchestrationRuntimeStatus.Completed => nameof(MonitorHealth.Stopped),
            _ => (status?.Health ?? input.State?.Health ?? MonitorHealth.Starting).ToString(),
        };

        // Between generations the custom status is briefly unset; the carried state says the same.
        var state = input.State;
        return new MonitorDetail(
            instance.InstanceId,
            input.Model,
            input.Environment,
            status?.Version ?? input.Version,
            status is null ? input.PreviousVersion : status.PreviousVersion,
            input.ServingEndpoint,
            input.ReleaseId,
            input.RunId,
            health,
            instance.RuntimeStatus.ToString(),
            status?.Checks ?? state?.Checks ?? 0,
            status?.LastCheckAt ?? state?.LastCheckAt,
            status?.LastLateness ?? state?.LastLateness,
            health == nameof(MonitorHealth.Stopped) ? null : status?.NextCheckAt ?? state?.NextCheckAt,
            status?.LastResult ?? state?.LastResult ?? "not checked yet",
            status?.OpenIncidents ?? state?.OpenIncidents ?? [],
            status?.EvidenceCount ?? state?.EvidenceCount ?? 0,
            input.Policy.Interval,
            input.Policy.IncidentAutoAction,
            input.Policy.IncidentAckTimeout,
            input.PolicyStamp,
            stopped,
            instance.FailureDetails is { } failure ? $"{failure.ErrorType}: {failure.ErrorMessage}" : null);
    }
}
