using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>A Databricks simulator and the adapters wired to it, one pair per test.</summary>
public sealed class SimulatorHarness : IAsyncDisposable
{
    private SimulatorHarness(DatabricksSimulator simulator, ServiceProvider services)
    {
        Simulator = simulator;
        Services = services;
    }

    public DatabricksSimulator Simulator { get; }

    public ServiceProvider Services { get; }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Requests the simulator received after <paramref name="skip"/> earlier ones.</summary>
    public IReadOnlyList<RecordedRequest> RequestsSince(int skip) => [.. Simulator.RequestLog.Skip(skip)];

    public static async Task<SimulatorHarness> StartAsync(
        SimulatorOptions? options = null, string? token = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var simulator = await DatabricksSimulator.StartAsync(options ?? new SimulatorOptions(), CancellationToken.None);
        return new SimulatorHarness(simulator, TestServices.Databricks(new Uri(simulator.BaseUrl), token ?? simulator.Token, overrides));
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
