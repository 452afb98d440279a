using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Functions.Hosting;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Functions.Tests.Hosting;

public class TaskActivitiesTests
{
    [Fact]
    public async Task RunAsync_WorkflowActivity_GetsItsPortFromInstanceServices()
    {
        var serving = new RecordingServing();
        var function = new StubFunctionContext(nameof(SetServingTraffic), new ServiceCollection().AddSingleton<IServingEndpoints>(serving).BuildServiceProvider());
        var command = new TrafficCommand("scorer-prod", "main.credit.scorer", TrafficSplit.Canary(11, 12, 10));

        var result = await TaskActivities.RunAsync<SetServingTraffic, TrafficCommand, TrafficSplit>(command, function);

        Assert.Equal(command.Split, result);
        Assert.Equal([("scorer-prod", command.Split)], serving.Sets);
    }

    [Fact]
    public async Task RunAsync_InstanceIdInBindingData_ActivitySeesFunctionNameAndInstanceId()
    {
        var function = new StubFunctionContext("EchoContext", new ServiceCollection().BuildServiceProvider(), instanceId: "release:main.credit.scorer:12:prod");

        var echoed = await TaskActivities.RunAsync<EchoContext, string, string>("in", function);

        Assert.Equal("EchoContext|release:main.credit.scorer:12:prod|in", echoed);
    }

    [Fact]
    public async Task RunAsync_NoInstanceIdInBindingData_InstanceIdIsEmpty()
    {
        var function = new StubFunctionContext("EchoContext", new ServiceCollection().BuildServiceProvider(), instanceId: null);

        var echoed = await TaskActivities.RunAsync<EchoContext, string, string>("in", function);

        Assert.Equal("EchoContext||in", echoed);
    }

    [Fact]
    public async Task RunAsync_ActivityRegisteredInContainer_UsesRegisteredInstance()
    {
        var registered = new EchoContext("registered");
        var function = new StubFunctionContext("EchoContext", new ServiceCollection().AddSingleton(registered).BuildServiceProvider());

        var echoed = await TaskActivities.RunAsync<EchoContext, string, string>("in", function);

        Assert.StartsWith("registered:", echoed, StringComparison.Ordinal);
    }

    internal sealed class EchoContext(string? tag = null) : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) =>
            Task.FromResult((tag is null ? string.Empty : tag + ":") + $"{context.Name}|{context.InstanceId}|{input}");
    }

    private sealed class RecordingServing : IServingEndpoints
    {
        public List<(string Endpoint, TrafficSplit Split)> Sets { get; } = [];

        public Task<TrafficSplit> GetTrafficAsync(string endpoint, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetTrafficAsync(string endpoint, string model, TrafficSplit split, CancellationToken cancellationToken)
        {
            Sets.Add((endpoint, split));
            return Task.CompletedTask;
        }
    }

    /// <summary>Just enough of a function invocation for an activity trigger: name, binding data, services.</summary>
    private sealed class StubFunctionContext(string name, IServiceProvider services, string? instanceId = null) : FunctionContext
    {
        public override string InvocationId => "invocation-1";

        public override string FunctionId => name;

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext { get; } = new StubBindingContext(instanceId);

        public override Microsoft.Azure.Functions.Worker.RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = services;

        public override FunctionDefinition FunctionDefinition { get; } = new StubFunctionDefinition(name);

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();

        public override CancellationToken CancellationToken => CancellationToken.None;
    }

    private sealed class StubBindingContext(string? instanceId) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } =
            instanceId is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["instanceId"] = instanceId };
    }

    private sealed class StubFunctionDefinition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(TaskActivitiesTests).Assembly.Location;

        public override string EntryPoint => name;

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
