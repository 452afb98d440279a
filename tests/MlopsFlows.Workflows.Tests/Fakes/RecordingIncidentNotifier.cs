using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>On-call's pager: records every notice instead of sending it.</summary>
public sealed class RecordingIncidentNotifier : IIncidentNotifier
{
    private readonly ConcurrentQueue<IncidentNotice> sent = new();

    public IReadOnlyList<IncidentNotice> SentFor(string incidentId) => [.. sent.Where(n => n.IncidentId == incidentId)];

    public IReadOnlyList<IncidentNotice> SentAbout(string model) => [.. sent.Where(n => n.Model == model)];

    public Task NotifyAsync(IncidentNotice notice, CancellationToken cancellationToken)
    {
        sent.Enqueue(notice);
        return Task.CompletedTask;
    }
}
