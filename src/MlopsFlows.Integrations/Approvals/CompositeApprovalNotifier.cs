using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// Tells approvers by every configured channel (the log always, Teams and email when configured). Every channel is
/// tried even when one fails; then the failures are thrown together so the activity is retried, and the channels
/// that did deliver skip what they already delivered.
/// </summary>
public sealed class CompositeApprovalNotifier(LoggingApprovalNotifier log, IEnumerable<IApprovalChannel> channels) : IApprovalNotifier
{
    public async Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await log.NotifyAsync(request, cancellationToken).ConfigureAwait(false);
        var failures = new List<Exception>();
        foreach (var channel in channels)
        {
            try
            {
                await channel.NotifyAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count == 1)
        {
            throw failures[0];
        }

        if (failures.Count > 1)
        {
            throw new AggregateException($"{failures.Count} approval channels failed for notification {request.NotificationId}.", failures);
        }
    }
}

/// <summary>One way of reaching approvers, combined by <see cref="CompositeApprovalNotifier"/>. Must tolerate being called twice.</summary>
public interface IApprovalChannel : IApprovalNotifier;

/// <summary>A channel that is not configured: it tells nobody.</summary>
internal sealed class NoChannel : IApprovalChannel
{
    public static readonly NoChannel Instance = new();

    public Task NotifyAsync(ApprovalRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
}
