using System.Globalization;
using System.Net.Http.Json;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlopsFlows.Api.Releases;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Local;
using MlopsFlows.Local.Engine;
using MlopsFlows.Testing;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// One local host as the bench runs it: on the bench's Azurite and simulator, its own task hub, the API on a free
/// port, framework logs at Warning, the baseline tasks on the worker and the probe around the ports.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private const string Approver = "bench.approver@contoso.example";

    private BenchHost(LocalHost host, string riskTier)
    {
        RiskTier = riskTier;
        Host = host;
        // Generous: a stalled Azurite (see StallMonitor) should show up in the figures, not end the run.
        Api = SignedInClient.Create(host.ApiBaseUrl, Approver, TimeSpan.FromMinutes(3));
    }

    public LocalHost Host { get; }

    public HttpClient Api { get; }

    /// <summary>The engine settings the host runs with, as the report states them.</summary>
    public string EngineSettings
    {
        get
        {
            var local = Host.App.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{local.PartitionCount} partitions, MaxQueuePollingInterval {local.MaxQueuePollingInterval.TotalSeconds} s, {local.MaxConcurrentWorkItems} concurrent work items");
        }
    }

    public DurableTaskClient Client => Host.App.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The orchestration-service client the sidecar serves, for what the gRPC client does not expose (instance history).</summary>
    public IOrchestrationServiceClient Engine => Host.App.Services.GetRequiredService<IOrchestrationServiceClient>();

    /// <param name="clientOnOtherInstance">
    /// Give the API's Durable client its own orchestration-service instance over the same task hub (the sidecar serves
    /// client calls through whatever <see cref="IOrchestrationServiceClient"/> is registered), so what it enqueues does not
    /// wake the worker's pollers: as when a decision arrives at another Functions instance, or at a separate API process.
    /// </param>
    public static async Task<BenchHost> StartAsync(
        string storageConnectionString,
        DatabricksSimulator simulator,
        string taskHub,
        bool requiresApproval,
        bool clientOnOtherInstance,
        EngineBenchOptions options,
        StepProbe probe,
        CancellationToken cancellationToken)
    {
        string[] settings =
        [
            "--storage", storageConnectionString,
            "--task-hub", taskHub,
            "--api-port", "0",
            "--databricks-url", simulator.BaseUrl,
            "--databricks-token", simulator.Token,
            "--microsoft365", "true",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            "--MlopsFlows:Local:MaxQueuePollingInterval=" + options.Polling.ToString("c", CultureInfo.InvariantCulture),
            $"--MlopsFlows:Policies:Path={Path.Combine(AppContext.BaseDirectory, "bench-policies")}",
            "--MlopsFlows:Policies:Active=bench",
            $"--MlopsFlows:Approvers:0:Upn={Approver}",
            "--MlopsFlows:Approvers:0:ObjectId=00000000-0000-4000-8000-0000000000b1",
            "--MlopsFlows:Approvers:0:Roles:0=model-validation",
            .. options.HostArguments,
        ];
        var configuration = LocalHost.ReadConfiguration(settings);
        var otherInstance = clientOnOtherInstance
            ? await LocalDurableEngine.CreateOrchestrationServiceAsync(
                configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions(), storageConnectionString)
            : null;
        var host = await LocalHost.StartAsync(
            configuration,
            BaselineTasks.Register,
            services =>
            {
                probe.Install(services);
                if (otherInstance is not null)
                {
                    services.AddSingleton<IOrchestrationServiceClient>(otherInstance);
                }
            },
            cancellationToken);

        // LocalHost starts the Durable worker before Kestrel listens on the sidecar port: when the worker connects first,
        // the shared channel sits in reconnect backoff (about a second) and API calls meanwhile fail with Unavailable.
        // Wait until the channel is connected, so no phase starts against a channel that is not.
        var channel = host.App.Services.GetRequiredService<GrpcChannel>();
        await channel.ConnectAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        // Low is pre-approved (one blue/green switch); medium asks one approver (canary 10% → 50%).
        return new BenchHost(host, requiresApproval ? "medium" : "low");
    }

    /// <summary>POST /api/releases; the bench names each release's own serving endpoint.</summary>
    public async Task<string> StartReleaseAsync(BenchModel model, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync(
            "api/releases",
            new { model = model.Name, version = BenchModel.Candidate, environment = BenchModel.Environment, servingEndpoint = model.Endpoint, requestedBy = "bench:engine", riskTier = RiskTier, evidenceRefs = Array.Empty<string>() },
            cancellationToken);
        await EnsureAsync(response, "POST /api/releases", cancellationToken);
        var accepted = await response.Content.ReadFromJsonAsync<ReleaseAccepted>(ApiJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("POST /api/releases answered without a body.");
        return accepted.Created ? accepted.Id : throw new InvalidOperationException($"POST /api/releases found release {accepted.Id} instead of creating it.");
    }

    /// <summary>The tier every release of this host asks for (the bench models carry no inventory tag).</summary>
    public string RiskTier { get; }

    /// <summary>POST /api/releases/{id}/decisions: approve, on the evidence digest the approval shows.</summary>
    public async Task ApproveAsync(string releaseId, CancellationToken cancellationToken)
    {
        var digest = (await GetReleaseAsync(releaseId, cancellationToken)).Approval?.EvidenceDigest
            ?? throw new InvalidOperationException($"{releaseId} is not waiting for approvers.");
        using var response = await Api.PostAsJsonAsync(
            $"api/releases/{releaseId}/decisions",
            new { decision = "approve", approver = Approver, rationale = "engine bench", evidenceDigest = digest },
            cancellationToken);
        await EnsureAsync(response, $"POST /api/releases/{releaseId}/decisions", cancellationToken);
    }

    /// <summary>GET /api/releases: every release of this hub with its stage (custom status).</summary>
    public async Task<IReadOnlyList<ReleaseSummary>> ListReleasesAsync(CancellationToken cancellationToken) =>
        await Api.GetFromJsonAsync<ReleaseSummary[]>("api/releases?top=500", ApiJson.Options, cancellationToken) ?? [];

    /// <summary>GET /api/releases/{id}: status, progress (custom status) and evidence.</summary>
    public async Task<ReleaseDetail> GetReleaseAsync(string releaseId, CancellationToken cancellationToken) =>
        await Api.GetFromJsonAsync<ReleaseDetail>($"api/releases/{releaseId}", ApiJson.Options, cancellationToken)
        ?? throw new InvalidOperationException($"GET /api/releases/{releaseId} answered without a body.");

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();

        // The worker is registered (so started) before the web server, and so stopped after it: Kestrel then waits for
        // the worker's open work-item stream until LocalHost's 10 s grace runs out. Stopping the worker first ends the
        // stream, and the host stops at once.
        foreach (var worker in Host.App.Services.GetServices<IHostedService>().OfType<DurableTaskWorker>())
        {
            await worker.StopAsync(CancellationToken.None);
        }

        // Nor does LocalHost stop the orchestration service: it is registered as an instance (so never disposed) and the
        // sidecar stops its dispatcher fire-and-forget, so a stopped host's engine kept polling and processing its task
        // hub for a minute or more, next to the following phase. Stop it here.
        var engine = Host.App.Services.GetRequiredService<IOrchestrationService>();
        await Host.DisposeAsync();
        await engine.StopAsync(isForced: true);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{call} answered {(int)response.StatusCode}: {body}");
        }
    }
}

/// <summary>A model the bench releases: version 1 serves 100% of its own endpoint, version 2 is the candidate.</summary>
internal sealed record BenchModel(string Name, string Endpoint)
{
    public const string Environment = "prod";

    public const int Serving = 1;

    public const int Candidate = 2;

    private static readonly Dictionary<string, double> HealthyMetrics = new() { ["auc"] = 0.83, ["log_loss"] = 0.40 };

    // What the bench policy's gates read: the model card and the evaluation set both versions were measured on.
    private static readonly Dictionary<string, string> CardTags = new()
    {
        ["model_card.intended_use"] = "engine bench",
        ["model_card.limitations"] = "none",
        ["model_card.training_data"] = "synthetic",
        ["model_card.evaluation_data"] = "synthetic",
        ["model_card.owner"] = "bench@contoso.example",
        ["evaluation_set"] = "bench.holdout",
        ["evaluation_set_version"] = "1",
    };

    /// <summary><paramref name="count"/> models <c>bench.{schema}.{prefix}000…</c>, each with its own endpoint, registered in the simulator.</summary>
    public static IReadOnlyList<BenchModel> Seed(DatabricksSimulator simulator, string schema, string prefix, int count)
    {
        var models = new List<BenchModel>(count);
        for (var i = 0; i < count; i++)
        {
            var shortName = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:0000}");
            var model = new BenchModel($"bench.{schema}.{shortName}", $"{shortName}-{Environment}");
            simulator.AddModelVersion(model.Name, Serving, HealthyMetrics, tags: CardTags, createdBy: "bench.data.scientist@contoso.example");
            simulator.AddModelVersion(model.Name, Candidate, HealthyMetrics, tags: CardTags, createdBy: "bench.data.scientist@contoso.example");
            simulator.AddServingEndpoint(model.Endpoint, model.Name, Serving);
            models.Add(model);
        }

        return models;
    }
}
