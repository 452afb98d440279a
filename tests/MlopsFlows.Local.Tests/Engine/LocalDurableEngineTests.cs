using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Azurite;

namespace MlopsFlows.Local.Tests.Engine;

/// <summary>
/// What the release workflow needs from the local engine beyond activities and timers: sub-orchestrations (the
/// approval) and events sent from one orchestration to another (votes forwarded to it), on Azure Storage over Azurite.
/// </summary>
public sealed class LocalDurableEngineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SubOrchestration_WithItsOwnIdAndAnEventFromItsParent_CompletesAndReturnsToTheParent()
    {
        await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions(), CancellationToken.None);
        await using var host = await LocalHost.StartAsync(
            LocalHost.ReadConfiguration(["--storage", azurite.ConnectionString, "--api-port", "0", "--task-hub", "engine", "--simulator", "true"]),
            tasks =>
            {
                tasks.AddOrchestratorFunc<string, string>("EngineParent", async (context, input) =>
                {
                    var childId = context.InstanceId + ":child";
                    var child = context.CallSubOrchestratorAsync<string>("EngineChild", input, new SubOrchestrationOptions { InstanceId = childId });
                    context.SendEvent(childId, "Poke", "poked");
                    return await child;
                });
                tasks.AddOrchestratorFunc<string, string>("EngineChild", async (context, input) =>
                    $"{input} {await context.WaitForExternalEvent<string>("Poke")}");
            },
            moreServices: null,
            CancellationToken.None);
        var client = host.App.Services.GetRequiredService<DurableTaskClient>();

        await client.ScheduleNewOrchestrationInstanceAsync("EngineParent", "child was", new StartOrchestrationOptions("release:a.b.c:1:prod"));
        using var timeout = new CancellationTokenSource(Deadline);
        var done = await client.WaitForInstanceCompletionAsync("release:a.b.c:1:prod", getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("child was poked", done.ReadOutputAs<string>());
        var child = await client.GetInstanceAsync("release:a.b.c:1:prod:child", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
    }
}
