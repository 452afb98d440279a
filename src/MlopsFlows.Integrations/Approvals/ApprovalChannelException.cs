namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// Teams or Graph refused a call for good (4xx other than 429): retrying will not help, the configuration or the
/// request must change. Transient failures are <see cref="Workflows.Ports.TransientDependencyException"/>.
/// </summary>
public sealed class ApprovalChannelException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
