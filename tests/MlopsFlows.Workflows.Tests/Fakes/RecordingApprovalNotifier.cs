using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Approvers' inbox: records every notification instead of sending it.</summary>
public sealed class RecordingApprovalNotifier : IApprovalNotifier
{
    private readonly ConcurrentQueue<ApprovalRequest> sent = new();

    public IReadOnlyList<ApprovalRequest> SentFor(string releaseId) => sent.Where(r => r.ReleaseId == releaseId).ToArray();

    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        sent.Enqueue(request);
        return Task.CompletedTask;
    }
}
