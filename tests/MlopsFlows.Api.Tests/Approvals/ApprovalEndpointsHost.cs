using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlopsFlows.Api.Approvals;
using MlopsFlows.Api.Releases;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Api.Tests.Approvals;

/// <summary>
/// The approval doors on a real loopback Kestrel with the real token validation (trusting a development issuer for
/// every kind), the configured directory and a Durable client that knows one waiting release and records what is
/// raised on it, so each test sees exactly what reached the workflow. The Bot Connector fake plays the Teams client.
/// </summary>
public sealed class ApprovalEndpointsHost : IAsyncLifetime
{
    public const string ApiAudience = "api://mlopsflows";
    public const string BotAppId = "5b1d0000-0000-4000-8000-00000000b07a";
    public const string PublicBaseUrl = "https://mlopsflows.contoso.test";
    public const string ServiceMailbox = "approvals@contoso.test";
    public const string ApproverUpn = "ada@contoso.test";
    public const string ApproverObjectId = "6f1c0000-0000-4000-8000-000000000001";
    public const string WaitingRelease = "release:main.approvals.scorer:3:prod";
    public const string EndedRelease = "release:main.approvals.scorer:2:prod";
    public static readonly string Digest = new('d', 64);

    private WebApplication? app;

    public DevelopmentTokenIssuerHost Issuer { get; private set; } = null!;

    public Microsoft365Fakes Fakes { get; private set; } = null!;

    public RecordingClient Client { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri BotEndpoint => new(BaseUrl, BotMessagesApi.Route);

    public async Task InitializeAsync()
    {
        Issuer = await DevelopmentTokenIssuerHost.StartAsync();
        Fakes = await Microsoft365Fakes.StartAsync();
        Fakes.BotConnector.ConnectorTokenFactory = serviceUrl => BotToken(serviceUrl);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MlopsFlows:Identity:Api:Audiences:0"] = ApiAudience,
            ["MlopsFlows:Identity:Api:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Identity:BotConnector:Audiences:0"] = BotAppId,
            ["MlopsFlows:Identity:BotConnector:UseAzureIssuers"] = "false",
            ["MlopsFlows:Identity:BotConnector:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Identity:ActionableMessage:Audiences:0"] = PublicBaseUrl,
            ["MlopsFlows:Identity:ActionableMessage:Sender"] = ServiceMailbox,
            ["MlopsFlows:Identity:ActionableMessage:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Approvals:PublicBaseUrl"] = PublicBaseUrl,
            ["MlopsFlows:Approvals:ActionableMessageOriginator"] = "originator-for-tests",
            ["MlopsFlows:Approvers:0:Upn"] = ApproverUpn,
            ["MlopsFlows:Approvers:0:ObjectId"] = ApproverObjectId,
            ["MlopsFlows:Approvers:0:Roles:0"] = "model-validation",
        });
        builder.Services.AddReleasesApi(builder.Configuration);
        builder.Services.AddIdentity(builder.Configuration);
        builder.Services.AddConfiguredApproverDirectory(builder.Configuration);
        builder.Services.AddSingleton<DurableTaskClient>(Client);
        app = builder.Build();
        app.MapReleasesApi();
        app.MapApprovalsApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{new Uri(address).Port}/"));
        Http = new HttpClient { BaseAddress = BaseUrl };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await Fakes.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>A connector token as the Bot Framework signs it: audience the bot, the service URL in <c>serviceurl</c>.</summary>
    public string BotToken(string serviceUrl, Func<DevelopmentTokenRequest, DevelopmentTokenRequest>? change = null) =>
        Issuer.Issuer.CreateToken((change ?? (r => r))(new DevelopmentTokenRequest
        {
            Audience = BotAppId,
            Subject = BotAppId,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
        }));

    public string ApiToken(Func<DevelopmentTokenRequest, DevelopmentTokenRequest>? change = null) =>
        Issuer.Issuer.CreateToken((change ?? (r => r))(new DevelopmentTokenRequest { Audience = ApiAudience, ObjectId = ApproverObjectId, Upn = ApproverUpn }));

    public string ActionableToken(Func<DevelopmentTokenRequest, DevelopmentTokenRequest>? change = null) =>
        Issuer.Issuer.CreateToken((change ?? (r => r))(new DevelopmentTokenRequest
        {
            Audience = PublicBaseUrl,
            ObjectId = ApproverObjectId,
            Upn = ApproverUpn,
            Claims = new Dictionary<string, object> { ["sender"] = ServiceMailbox },
        }));

    /// <summary>A Durable client that knows a waiting and an ended release and records every event raised.</summary>
    public sealed class RecordingClient() : DurableTaskClient("recording")
    {
        private readonly ConcurrentQueue<(string InstanceId, string Name, ApprovalDecision? Decision)> raised = new();

        public IReadOnlyList<(string InstanceId, string Name, ApprovalDecision? Decision)> Raised => [.. raised];

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromResult(instanceId switch
            {
                WaitingRelease => Instance(instanceId, OrchestrationRuntimeStatus.Running, ReleaseStage.AwaitingApproval, ReleaseWaits.Approval),
                EndedRelease => Instance(instanceId, OrchestrationRuntimeStatus.Completed, ReleaseStage.Promoted, null),
                _ => null,
            });

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
        {
            raised.Enqueue((instanceId, eventName, eventPayload as ApprovalDecision));
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

        private static OrchestrationMetadata Instance(string id, OrchestrationRuntimeStatus status, ReleaseStage stage, string? waitingFor) => new(nameof(ReleaseOrchestrator), id)
        {
            RuntimeStatus = status,
            DataConverter = JsonDataConverter.Default,
            SerializedCustomStatus = JsonDataConverter.Default.Serialize(new ReleaseProgress(
                stage, "champion 100%", waitingFor, new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero), "waits for model-validation", 4,
                [new StageEntry(ReleaseStage.Gating, DateTimeOffset.UnixEpoch, "gates <passed>")], "medium", EvidenceDigest: Digest)),
        };
    }
}
