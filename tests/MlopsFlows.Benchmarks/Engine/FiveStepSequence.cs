using Microsoft.DurableTask;

namespace MlopsFlows.Benchmarks.Engine;

/// <summary>
/// The baseline: five sequential calls of an activity that does nothing. What one orchestration costs the engine
/// (six episodes, five activity round trips through the queues) without any work of ours.
/// </summary>
internal sealed class FiveStepSequence : TaskOrchestrator<int, int>
{
    public const int Steps = 5;

    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var value = input;
        for (var step = 0; step < Steps; step++)
        {
            value = await context.CallActivityAsync<int>(nameof(NoOpStep), value);
        }

        return value;
    }
}

/// <summary>Returns its input plus one: no I/O, so the engine's overhead is all that is measured.</summary>
internal sealed class NoOpStep : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input + 1);
}

internal static class BaselineTasks
{
    public static void Register(DurableTaskRegistry tasks)
    {
        tasks.AddOrchestrator<FiveStepSequence>();
        tasks.AddActivity<NoOpStep>();
    }
}
