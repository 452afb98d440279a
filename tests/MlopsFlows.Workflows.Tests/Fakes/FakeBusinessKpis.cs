using System.Collections.Concurrent;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>A business KPI per model set by the test; an approval rate of 0.5 over 100 decisions unless told otherwise.</summary>
public sealed class FakeBusinessKpis : IBusinessKpis
{
    private readonly ConcurrentDictionary<string, KpiReading> answers = new();

    public static KpiReading Normal { get; } = new("approval_rate", 0.5, 100);

    public void Answer(string model, KpiReading reading) => answers[model] = reading;

    public Task<KpiReading> ReadAsync(string model, string environment, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken) =>
        Task.FromResult(answers.TryGetValue(model, out var reading) ? reading : Normal);
}
