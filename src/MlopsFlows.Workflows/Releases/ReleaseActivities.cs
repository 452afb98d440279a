using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Releases;

// Activities are thin: each calls one port once. They may run more than once (at-least-once delivery),
// so each is safe to repeat: reads are reads, writes set a value or are keyed by a deterministic id.

public sealed record ModelVersionQuery(string Model, int Version);

public sealed record TrafficCommand(string Endpoint, string Model, TrafficSplit Split);

public sealed record CanaryMetricsQuery(string Endpoint, int Version, TimeSpan Window);

public sealed record AliasCommand(string Model, string Alias, int Version);

public sealed class ReadModelVersion(IModelRegistry registry) : TaskActivity<ModelVersionQuery, ModelVersionDetails>
{
    public override Task<ModelVersionDetails> RunAsync(TaskActivityContext context, ModelVersionQuery input) =>
        registry.GetModelVersionAsync(input.Model, input.Version, CancellationToken.None);
}

public sealed class ReadServingTraffic(IServingEndpoints serving) : TaskActivity<string, TrafficSplit>
{
    public override Task<TrafficSplit> RunAsync(TaskActivityContext context, string input) =>
        serving.GetTrafficAsync(input, CancellationToken.None);
}

public sealed class SetServingTraffic(IServingEndpoints serving) : TaskActivity<TrafficCommand, TrafficSplit>
{
    public override async Task<TrafficSplit> RunAsync(TaskActivityContext context, TrafficCommand input)
    {
        await serving.SetTrafficAsync(input.Endpoint, input.Model, input.Split, CancellationToken.None);
        return input.Split;
    }
}

public sealed class ReadCanaryMetrics(IServingTelemetry telemetry) : TaskActivity<CanaryMetricsQuery, ServingMetrics>
{
    public override Task<ServingMetrics> RunAsync(TaskActivityContext context, CanaryMetricsQuery input) =>
        telemetry.GetMetricsAsync(input.Endpoint, input.Version, input.Window, CancellationToken.None);
}

public sealed class MoveModelAlias(IModelRegistry registry) : TaskActivity<AliasCommand, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AliasCommand input)
    {
        await registry.SetAliasAsync(input.Model, input.Alias, input.Version, CancellationToken.None);
        return true;
    }
}

public sealed class RecordEvidence(IEvidenceStore store) : TaskActivity<EvidenceRecord, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, EvidenceRecord input) =>
        store.AppendAsync(input, CancellationToken.None);
}

public sealed class NotifyApprovers(IApprovalNotifier notifier) : TaskActivity<ApprovalRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ApprovalRequest input)
    {
        await notifier.NotifyAsync(input, CancellationToken.None);
        return true;
    }
}
