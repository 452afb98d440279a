using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Functions.Releases;

/// <summary>
/// The releases API as HTTP triggers. Each only hands the request and the Durable client to the shared handler in
/// <see cref="ReleasesApi"/>; the host adds the <c>api/</c> prefix (host.json), so the paths equal the local host's.
/// </summary>
public static class ReleasesHttpFunctions
{
    private const string Releases = "releases";
    private const string Release = Releases + "/{id}";

    [Function(nameof(StartRelease))]
    public static Task<IResult> StartRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Releases)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ReleasesApi.StartAsync(request, client);

    [Function(nameof(ListReleases))]
    public static Task<IResult> ListReleases(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Releases)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ReleasesApi.ListAsync(request, client);

    [Function(nameof(GetRelease))]
    public static Task<IResult> GetRelease(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Release)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.GetAsync(request, client, id);

    [Function(nameof(DecideRelease))]
    public static Task<IResult> DecideRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/decisions")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.DecideAsync(request, client, id);

    [Function(nameof(CancelRelease))]
    public static Task<IResult> CancelRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CancelAsync(request, client, id);
}
