using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Fakes;

namespace MlopsFlows.Workflows.Tests.Support;

/// <summary>
/// One in-memory Durable Task host with the monitoring workflows over fake ports, shared by the tests of a class.
/// Tests keep apart by using their own model, endpoint and so instance ids. The host registers its own client, which
/// the activities that start and inspect instances use.
/// </summary>
public sealed class MonitoringHost : IAsyncLifetime
{
    private DurableTaskTestHost? host;

    public FakeModelRegistry Registry { get; } = new();

    public FakeServingEndpoints Serving { get; } = new();

    public FakeServingTelemetry Telemetry { get; } = new();

    public FakeFeatureWindows Features { get; } = new();

    public FakeBusinessKpis Kpis { get; } = new();

    public FakeRetrainingJobs Retraining { get; } = new();

    public InMemoryEvidenceStore Evidence { get; } = new();

    public InMemoryReleaseLedger Ledger { get; } = new();

    public RecordingEvidenceImmutability Immutability { get; } = new();

    public RecordingIncidentNotifier Notifier { get; } = new();

    public DurableTaskClient Client => (host ?? throw new InvalidOperationException("host not started")).Client;

    public async Task InitializeAsync()
    {
        host = await DurableTaskTestHost.StartAsync(
            tasks => tasks.AddReleaseWorkflows().AddMonitoringWorkflows(),
            new DurableTaskTestHostOptions
            {
                ConfigureServices = services => services
                    .AddSingleton<IModelRegistry>(Registry)
                    .AddSingleton<IServingEndpoints>(Serving)
                    .AddSingleton<IServingTelemetry>(Telemetry)
                    .AddSingleton<IFeatureWindows>(Features)
                    .AddSingleton<IBusinessKpis>(Kpis)
                    .AddSingleton<IRetrainingJobs>(Retraining)
                    .AddSingleton<IEvidenceStore>(Evidence)
                    .AddSingleton<IReleaseLedger>(Ledger)
                    .AddSingleton<IEvidenceImmutability>(Immutability)
                    .AddSingleton<IIncidentNotifier>(Notifier),
            });
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}
