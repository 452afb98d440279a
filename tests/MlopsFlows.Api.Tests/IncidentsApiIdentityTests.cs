using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Workflows.Monitoring;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// The handlers with an authenticator that verifies nobody: every command is refused with 401 and no event is raised.
/// Run without a host, over a client that knows one incident and one monitor.
/// </summary>
public sealed class IncidentsApiIdentityTests
{
    private const string Model = "main.identity.scorer";
    private static readonly string IncidentId = IncidentIds.For(Model, "prod", BreachKind.Drift, new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero));

    public static TheoryData<string, string> Commands => new()
    {
        { "acknowledge", """{"by":"ana"}""" },
        { "actions", """{"action":"rollback","by":"ana","rationale":"drift"}""" },
        { "suppress", """{"minutes":10,"by":"ana","rationale":"outage"}""" },
        { "resolve", """{"by":"ana"}""" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task IncidentCommand_CallerNotVerified_Returns401AndRaisesNothing(string command, string body)
    {
        await using var client = new OneInstanceClient { Instance = Running(IncidentId, Incident()) };
        var request = Request(body);

        var result = command switch
        {
            "acknowledge" => await IncidentsApi.AcknowledgeAsync(request, client, IncidentId),
            "actions" => await IncidentsApi.ActAsync(request, client, IncidentId),
            "suppress" => await IncidentsApi.SuppressAsync(request, client, IncidentId),
            _ => await IncidentsApi.ResolveAsync(request, client, IncidentId),
        };

        Assert.Equal(StatusCodes.Status401Unauthorized, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        Assert.Empty(client.Raised);
    }

    [Fact]
    public async Task StopMonitor_CallerNotVerified_Returns401AndRaisesNothing()
    {
        var policy = new MonitoringPolicy(TimeSpan.FromMinutes(1), 0.995, TimeSpan.FromDays(30), 0.2, 0.01, 0.3, 0.05, null, "none", TimeSpan.FromHours(1));
        await using var client = new OneInstanceClient
        {
            Instance = Running(
                MonitorIds.For(Model, "prod"),
                new MonitorInput(Model, "prod", 2, 1, "scorer-prod", "run-1", $"release:{Model}:2:prod", policy, new PolicyStamp("p", "1", "h"))),
        };

        var result = await MonitorsApi.StopAsync(Request("""{"by":"ana","reason":"retired"}"""), client, Model, "prod");

        Assert.Equal(StatusCodes.Status401Unauthorized, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        Assert.Empty(client.Raised);
    }

    private static IncidentInput Incident() => new(
        IncidentId, Model, "prod", 2, 1, "scorer-prod", MonitorIds.For(Model, "prod"), "run-1",
        new Breach(BreachKind.Drift, IncidentSeverity.Ticket, "drift", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, [], new Dictionary<string, double>()),
        null, TimeSpan.FromHours(1), new PolicyStamp("p", "1", "h"));

    private static OrchestrationMetadata Running(string id, object input) => new("Orchestrator", id)
    {
        RuntimeStatus = OrchestrationRuntimeStatus.Running,
        SerializedInput = JsonDataConverter.Default.Serialize(input),
        DataConverter = JsonDataConverter.Default,
    };

    private static HttpRequest Request(string body)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection()
                .AddSingleton(TimeProvider.System)
                .AddSingleton<IDecisionAuthenticator, NobodyIsVerified>()
                .BuildServiceProvider(),
        };
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }

    private sealed class NobodyIsVerified : IDecisionAuthenticator
    {
        public Task<DecisionIdentity?> AuthenticateAsync(HttpRequest request, string claimedApprover, CancellationToken cancellationToken) =>
            Task.FromResult<DecisionIdentity?>(null);
    }

    /// <summary>A Durable client that knows one instance and records the events raised on it; anything else is not needed here.</summary>
    private sealed class OneInstanceClient() : DurableTaskClient("one-instance")
    {
        public OrchestrationMetadata? Instance { get; set; }

        public List<string> Raised { get; } = [];

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromResult(Instance?.InstanceId == instanceId ? Instance : null);

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
        {
            Raised.Add(eventName);
            return Task.CompletedTask;
        }

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
            throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
