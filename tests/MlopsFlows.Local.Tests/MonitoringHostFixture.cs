using System.Net.Http.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Azurite;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Monitoring;

namespace MlopsFlows.Local.Tests;

/// <summary>
/// One local host in this process for the monitoring tests: Azurite on disk (free ports), the real engine, the API on
/// a free port and the Databricks simulator, under the fast-monitoring policies (a two-second monitor on the medium
/// tier that rolls back after three unacknowledged seconds). The CLI tests run <c>mlopsflows</c> against its API.
/// </summary>
public sealed class MonitoringHostFixture : IAsyncLifetime
{
    private readonly string azuriteData = Path.Combine(Path.GetTempPath(), "mlopsflows-monitoring-tests-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess? azurite;
    private LocalHost? host;

    public LocalHost Host => host ?? throw new InvalidOperationException("The host has not started.");

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The simulator's HTTP surface, token included, as a training job or a test drives it.</summary>
    public HttpClient Workspace { get; private set; } = null!;

    public DurableTaskClient Client => Host.App.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The <c>--api</c> argument of a CLI run against this host.</summary>
    public string ApiUrl => Host.ApiBaseUrl.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { DataFolder = azuriteData }, CancellationToken.None);
        host = await LocalHost.StartAsync(LocalHost.ReadConfiguration(
        [
            "--storage", azurite.ConnectionString,
            "--api-port", "0",
            "--simulator", "true",
            "--task-hub", "monitoringtests",
            .. LocalHostSetup.ArgumentsFor(LocalHostSetup.FastMonitoringPolicies),
        ]));
        Api = SignedInClient.Create(host.ApiBaseUrl, LocalHostSetup.Operator);
        Workspace = new HttpClient { BaseAddress = new Uri(host.Simulator!.BaseUrl) };
        Workspace.DefaultRequestHeaders.Authorization = new("Bearer", host.Simulator.Token);
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Workspace?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        if (Directory.Exists(azuriteData))
        {
            Directory.Delete(azuriteData, recursive: true);
        }
    }

    /// <summary>
    /// An incident of kind <paramref name="kind"/> on v2 of <paramref name="model"/> (v1 before it), started as a monitor
    /// starts one, with an hour to acknowledge and no automatic action, so nothing happens unless a test acts.
    /// </summary>
    public async Task<string> OpenIncidentAsync(string model, string endpoint, BreachKind kind = BreachKind.Drift)
    {
        var detectedAt = DateTimeOffset.UtcNow;
        var id = IncidentIds.For(model, "prod", kind, detectedAt);
        var breach = new Breach(
            kind, IncidentSeverity.Ticket, "feature drift: 3 of 4 columns drifted (75%, threshold 30%)", detectedAt.AddSeconds(-30), detectedAt,
            ["income: PSI 1.8 against 0.2"], new Dictionary<string, double> { ["driftedShare"] = 0.75 });
        var input = new IncidentInput(
            id, model, "prod", 2, 1, endpoint, MonitorIds.For(model, "prod"), "20261126T100000Z-0a0b0c0d", breach, null, TimeSpan.FromHours(1),
            new PolicyStamp(LocalHostSetup.FastMonitoringPolicies, "test", new string('b', 64)));
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), input, new StartOrchestrationOptions(id));
        await Eventually.UntilAsync(
            async () => (await Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.ReadCustomStatusAs<IncidentStatus>()?.EvidenceCount >= 2,
            TimeSpan.FromSeconds(60),
            $"{id} has opened and notified on-call");
        return id;
    }

    /// <summary>Reads an incident's custom status until <paramref name="condition"/> holds.</summary>
    public async Task<IncidentStatus> WaitForIncidentAsync(string id, Func<IncidentStatus, bool> condition, string because)
    {
        IncidentStatus? status = null;
        await Eventually.UntilAsync(
            async () => (status = (await Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.ReadCustomStatusAs<IncidentStatus>()) is not null && condition(status),
            TimeSpan.FromSeconds(60),
            $"{id}: {because}");
        return status!;
    }

    /// <summary>Registers versions (medium tier, model card, evaluation set) and an endpoint serving <paramref name="servingVersion"/>.</summary>
    public async Task SeedModelAsync(string model, string endpoint, int servingVersion, params int[] candidates)
    {
        foreach (var version in candidates.Prepend(servingVersion))
        {
            using var response = await Workspace.PostAsJsonAsync("/sim/models", LocalHostSetup.ModelVersion(model, version));
            response.EnsureSuccessStatusCode();
        }

        using var created = await Workspace.PostAsJsonAsync("/sim/endpoints", new { name = endpoint, model, version = servingVersion });
        created.EnsureSuccessStatusCode();
    }
}

[CollectionDefinition(Name)]
public sealed class MonitoringHostCollection : ICollectionFixture<MonitoringHostFixture>
{
    public const string Name = "monitoring host";
}
