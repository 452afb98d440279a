using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.DevServices;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Testing;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests;

/// <summary>
/// The release survives its host: killed (SIGKILL) while it waits for approval and again while an activity runs,
/// a new host on the same storage finishes it under the same instance id, with no duplicate evidence or traffic change.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Model = "main.durable.scorer";
    private const string Endpoint = "scorer-durable";
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(60);

    private readonly string azuriteData = Path.Combine(Path.GetTempPath(), "mlopsflows-durability-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess azurite = null!;
    private DatabricksSimulator simulator = null!;

    public async Task InitializeAsync()
    {
        // On disk, not in memory: in-memory Azurite's queue clean-up blocks Node for tens of seconds once a
        // minute under load (seen in the engine bench), which would stall a run this long.
        azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = azuriteData }, CancellationToken.None);

        // Slow config updates keep the SetServingTraffic activity running long enough to kill the host inside it.
        simulator = await DatabricksSimulator.StartAsync(new SimulatorOptions { ConfigUpdateDelay = TimeSpan.FromSeconds(6) }, CancellationToken.None);
        using var workspace = Workspace();
        foreach (var version in new[] { 1, 2 })
        {
            (await workspace.PostAsJsonAsync("/sim/models", LocalHostSetup.ModelVersion(Model, version))).EnsureSuccessStatusCode();
        }

        (await workspace.PostAsJsonAsync("/sim/endpoints", new { name = Endpoint, model = Model, version = 1 })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await simulator.DisposeAsync();
        await azurite.DisposeAsync();
        if (Directory.Exists(azuriteData))
        {
            Directory.Delete(azuriteData, recursive: true);
        }
    }

    [Fact]
    public async Task Release_HostKilledWhileWaitingAndWhileAnActivityRuns_FinishesOnANewHostWithoutDuplicates()
    {
        // Host A: start the release and kill the host while it waits for approval.
        var hostA = StartHost(out var apiA);
        await using (hostA)
        {
            await WaitForApiAsync(apiA, hostA);
            using var start = await apiA.PostAsJsonAsync("api/releases", new { model = Model, version = 2, environment = "prod", requestedBy = "job:train", servingEndpoint = Endpoint });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            await UntilAsync(apiA, r => r.Approval is not null, TimeSpan.FromSeconds(60), "it waits for approval", hostA);
            await hostA.KillAsync();
        }

        // Host B: approve, then kill it while SetServingTraffic waits for the canary config to go live.
        var hostB = StartHost(out var apiB);
        await using (hostB)
        {
            var restartedAt = Stopwatch.StartNew();
            await WaitForApiAsync(apiB, hostB);
            var waiting = await UntilAsync(apiB, r => r.Approval is not null, TimeSpan.FromSeconds(30), "the new host sees it waiting", hostB);
            Assert.Equal(ReleaseId, waiting.Id);
            using var approve = await apiB.PostAsJsonAsync(
                $"api/releases/{ReleaseId}/decisions",
                new { decision = "approve", approver = LocalHostSetup.Approver, rationale = "validation report reviewed", evidenceDigest = waiting.Approval!.EvidenceDigest });
            Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);

            await UntilAsync(
                apiB,
                r => r.Progress?.Stage == ReleaseStage.Deploying && r.Progress.WaitingFor == "serving configuration update" && CanaryUpdateInProgress(),
                ResumeWithin,
                "the canary config update is in progress",
                hostB);
            Assert.True(restartedAt.Elapsed < ResumeWithin, $"the approval resumed the release {restartedAt.Elapsed} after the restart");
            output.WriteLine($"host B: approval accepted and the canary activity running {restartedAt.Elapsed.TotalSeconds:F1} s after the restart");
            await hostB.KillAsync();
        }

        // Host C: the interrupted activity runs again; the release completes.
        var hostC = StartHost(out var apiC);
        await using (hostC)
        {
            var restartedAt = Stopwatch.StartNew();
            await WaitForApiAsync(apiC, hostC);
            var done = await UntilAsync(apiC, r => r.Outcome is not null, TimeSpan.FromSeconds(90), "it has an outcome", hostC);

            Assert.Equal(ReleaseStage.Promoted, done.Outcome!.Stage);
            Assert.True(restartedAt.Elapsed < TimeSpan.FromSeconds(90), $"finished {restartedAt.Elapsed} after the restart");
            output.WriteLine($"host C: interrupted activity re-run and release promoted {restartedAt.Elapsed.TotalSeconds:F1} s after the restart");
            Assert.Equal(
                [ReleaseStage.Gating, ReleaseStage.AwaitingApproval, ReleaseStage.Deploying, ReleaseStage.Watching, ReleaseStage.Deploying, ReleaseStage.Watching, ReleaseStage.Promoting, ReleaseStage.Promoted],
                done.Progress!.History.Select(h => h.Stage));

            // At-least-once activities, exactly-once effects: one record per sequence, one canary config update.
            Assert.Equal(done.Outcome.EvidenceCount, done.Evidence.Count);
            Assert.Equal(Enumerable.Range(1, done.Evidence.Count), done.Evidence.Select(e => e.Sequence));
            Assert.Equal(2, done.Evidence.Count(e => e.Step == "canary"));
            var configUpdates = simulator.RequestLog.Where(r => r.Method == "PUT" && r.Path.EndsWith($"/serving-endpoints/{Endpoint}/config", StringComparison.Ordinal)).ToArray();
            Assert.Equal(3, configUpdates.Length); // each canary step's split once (10%, 50%), then 100% at promotion
            Assert.Equal(100, simulator.GetTraffic(Endpoint).Single(r => r.Version == 2).Percent);

            // The CLI re-checks the chain offline from storage.
            var verify = HostProcess.Start("verify", ReleaseId, "--storage", azurite.ConnectionString);
            await using (verify)
            {
                Assert.Equal(0, await verify.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                Assert.Contains("chain intact", verify.Output, StringComparison.Ordinal);
            }
        }
    }

    private static string ReleaseId => new ReleaseKey(Model, 2, "prod").InstanceId;

    private bool CanaryUpdateInProgress() =>
        simulator.RequestLog.Any(r => r.Method == "PUT" && r.Path.EndsWith($"/serving-endpoints/{Endpoint}/config", StringComparison.Ordinal));

    private HostProcess StartHost(out HttpClient api)
    {
        var port = FreePort.Next();
        api = SignedInClient.Create(new Uri($"http://127.0.0.1:{port}/"), LocalHostSetup.Operator);
        return HostProcess.Start(
        [
            "serve",
            "--api-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--storage", azurite.ConnectionString,
            "--task-hub", "durability",
            "--databricks-url", simulator.BaseUrl,
            "--databricks-token", simulator.Token,
            "--microsoft365", "true",
            .. LocalHostSetup.Arguments,
        ]);
    }

    private HttpClient Workspace()
    {
        var client = new HttpClient { BaseAddress = new Uri(simulator.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", simulator.Token);
        return client;
    }

    private static async Task WaitForApiAsync(HttpClient api, HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(host.HasExited, $"the host exited early:\n{host.Output}");
            try
            {
                using var response = await api.GetAsync("api/releases");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the host's API did not answer within 60 s:\n{host.Output}");
    }

    private static async Task<ReleaseDetail> UntilAsync(HttpClient api, Func<ReleaseDetail, bool> condition, TimeSpan timeout, string because, HostProcess host)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"api/releases/{ReleaseId}");
            if (response.IsSuccessStatusCode)
            {
                var last = await response.Content.ReadFromJsonAsync<ReleaseDetail>(ApiJson.Options);
                var state = $"{last?.RuntimeStatus}/{last?.Progress?.Stage}/{last?.Progress?.WaitingFor}";
                if (seen.Count == 0 || seen[^1] != state)
                {
                    seen.Add(state);
                }

                if (last is not null && condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{ReleaseId} did not reach the state where {because} within {timeout}; states seen: {string.Join(" → ", seen)}\n{host.Output}");
    }
}
