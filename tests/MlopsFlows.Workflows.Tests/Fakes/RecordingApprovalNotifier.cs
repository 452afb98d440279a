using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Approvers' inbox: records every notification instead of sending it.</summary>
public sealed class RecordingApprovalNotifier : IApprovalNotifier
{
    private readonly ConcurrentQueue<ApprovalRequest> sent = new();

    private readonly ConcurrentDictionary<string, ApprovalNotificationKind> unreachable = new(StringComparer.Ordinal);

    public IReadOnlyList<ApprovalRequest> SentFor(string releaseId) => sent.Where(r => r.ReleaseId == releaseId).ToArray();

    /// <summary>From now on, notifications of this kind for the release fail for good (a channel that refuses them).</summary>
    public void FailFor(string releaseId, ApprovalNotificationKind kind) => unreachable[releaseId] = kind;

    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        if (unreachable.TryGetValue(request.ReleaseId, out var kind) && kind == request.Kind)
        {
            throw new InvalidOperationException($"the channel refused the {kind} notification");
        }

        sent.Enqueue(request);
        return Task.CompletedTask;
    }
}
