using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Incidents;

namespace MlopsFlows.Functions.Incidents;

/// <summary>
/// The incidents and monitors API as HTTP triggers. Each only hands the request and the Durable client to the shared
/// handler in <see cref="IncidentsApi"/> or <see cref="MonitorsApi"/>; the host adds the <c>api/</c> prefix (host.json),
/// so the paths equal the local host's.
/// </summary>
public static class IncidentsHttpFunctions
{
    private const string Incidents = "incidents";
    private const string Incident = Incidents + "/{id}";
    private const string Monitors = "monitors";
    private const string Monitor = Monitors + "/{model}/{environment}";

    [Function(nameof(ListIncidents))]
    public static Task<IResult> ListIncidents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Incidents)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        IncidentsApi.ListAsync(request, client);

    [Function(nameof(GetIncident))]
    public static Task<IResult> GetIncident(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Incident)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        IncidentsApi.GetAsync(request, client, id);

    [Function(nameof(AcknowledgeIncident))]
    public static Task<IResult> AcknowledgeIncident(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Incident + "/acknowledge")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        IncidentsApi.AcknowledgeAsync(request, client, id);

    [Function(nameof(ActOnIncident))]
    public static Task<IResult> ActOnIncident(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Incident + "/actions")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        IncidentsApi.ActAsync(request, client, id);

    [Function(nameof(SuppressIncident))]
    public static Task<IResult> SuppressIncident(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Incident + "/suppress")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        IncidentsApi.SuppressAsync(request, client, id);

    [Function(nameof(ResolveIncident))]
    public static Task<IResult> ResolveIncident(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Incident + "/resolve")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        IncidentsApi.ResolveAsync(request, client, id);

    [Function(nameof(ListMonitors))]
    public static Task<IResult> ListMonitors(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Monitors)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        MonitorsApi.ListAsync(request, client);

    [Function(nameof(GetMonitor))]
    public static Task<IResult> GetMonitor(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Monitor)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string model,
        string environment) =>
        MonitorsApi.GetAsync(request, client, model, environment);

    [Function(nameof(StopMonitor))]
    public static Task<IResult> StopMonitor(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Monitor + "/stop")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string model,
        string environment) =>
        MonitorsApi.StopAsync(request, client, model, environment);
}
