using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Approvals;

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

    [Function(nameof(PauseRelease))]
    public static Task<IResult> PauseRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/pause")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CommandAsync(request, client, id, OversightCommandKind.Pause);

    [Function(nameof(ResumeRelease))]
    public static Task<IResult> ResumeRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/resume")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CommandAsync(request, client, id, OversightCommandKind.Resume);

    [Function(nameof(StopRelease))]
    public static Task<IResult> StopRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/stop")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CommandAsync(request, client, id, OversightCommandKind.Stop);

    [Function(nameof(CancelRelease))]
    public static Task<IResult> CancelRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CommandAsync(request, client, id, OversightCommandKind.Stop);

    [Function(nameof(OverrideRelease))]
    public static Task<IResult> OverrideRelease(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/override")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.CommandAsync(request, client, id, OversightCommandKind.Override);

    [Function(nameof(AddReleaseEvidence))]
    public static Task<IResult> AddReleaseEvidence(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Release + "/evidence")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ReleasesApi.AddEvidenceAsync(request, client, id);
}
