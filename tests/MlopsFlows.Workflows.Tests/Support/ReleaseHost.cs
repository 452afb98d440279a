using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Fakes;

namespace MlopsFlows.Workflows.Tests.Support;

/// <summary>
/// One in-memory Durable Task host with the release workflows over fake ports, shared by the tests of a class.
/// Tests keep apart by using their own model, endpoint and so instance id.
/// </summary>
public sealed class ReleaseHost : IAsyncLifetime
{
    private DurableTaskTestHost? host;

    public FakeModelRegistry Registry { get; } = new();

    public FakeServingEndpoints Serving { get; } = new();

    public FakeServingTelemetry Telemetry { get; } = new();

    public InMemoryEvidenceStore Evidence { get; } = new();

    public InMemoryReleaseLedger Ledger { get; } = new();

    public RecordingEvidenceImmutability Immutability { get; } = new();

    public RecordingApprovalNotifier Notifier { get; } = new();

    public FakeApproverDirectory Directory { get; } = new();

    public FakeEvaluationData EvaluationData { get; } = new();

    public FakeCanaryTelemetry Canary { get; } = new();

    public FakeFeatureWindows Features { get; } = new();

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
                    .AddSingleton<IEvidenceStore>(Evidence)
                    .AddSingleton<IReleaseLedger>(Ledger)
                    .AddSingleton<IEvidenceImmutability>(Immutability)
                    .AddSingleton<IApprovalNotifier>(Notifier)
                    .AddSingleton<IApproverDirectory>(Directory)
                    .AddSingleton<IEvaluationData>(EvaluationData)
                    .AddSingleton<ICanaryTelemetry>(Canary)
                    .AddSingleton<IShadowTraffic>(Canary)
                    .AddSingleton<IFeatureWindows>(Features)
                    .AddSingleton<IBusinessKpis>(new FakeBusinessKpis())
                    .AddSingleton<IRetrainingJobs>(new FakeRetrainingJobs())
                    .AddSingleton<IIncidentNotifier>(new RecordingIncidentNotifier()),
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
