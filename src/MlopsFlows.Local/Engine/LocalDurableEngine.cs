using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using MlopsFlows.Workflows;

namespace MlopsFlows.Local.Engine;

/// <summary>
/// The local Durable Task engine: the Azure Storage orchestration service (Azurite locally) served by an
/// in-process gRPC sidecar on a loopback port, and our worker and client talking to it over one channel.
/// The same orchestrators and activities as in Azure Functions, on durable state.
/// </summary>
public static class LocalDurableEngine
{
    public static async Task<AzureStorageOrchestrationService> CreateOrchestrationServiceAsync(LocalHostOptions options, string storageConnectionString)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentWorkItems,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentWorkItems,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            CustomMessageTypeBinder = new ProtobufMapTypeBinder(),
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        return service;
    }

    /// <summary>
    /// Adds the sidecar (HTTP/2 on its own loopback port), the worker with every workflow (plus <paramref name="moreTasks"/>,
    /// which benchmarks use to run their baselines on the same engine), and the client.
    /// </summary>
    public static WebApplicationBuilder AddLocalDurableEngine(
        this WebApplicationBuilder builder, AzureStorageOrchestrationService service, int grpcPort, Action<DurableTaskRegistry>? moreTasks = null)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(new SidecarHistoryNormaliser(service));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        builder.Services.AddSingleton(channel);
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(tasks =>
            {
                tasks.AddReleaseWorkflows();
                tasks.AddMonitoringWorkflows();
                moreTasks?.Invoke(tasks);
            });
        });
        builder.Services.AddDurableTaskClient(client => client.UseGrpc(channel));
        return builder;
    }

    public static WebApplication MapLocalDurableEngine(this WebApplication app)
    {
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }
}
