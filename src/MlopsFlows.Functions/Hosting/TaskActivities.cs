using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace MlopsFlows.Functions.Hosting;

/// <summary>
/// Runs a Durable Task activity class from an activity trigger. The class comes from the invocation's container
/// (registered there, or built from it with its ports), so the Functions app runs the same activity code as the local host.
/// </summary>
internal static class TaskActivities
{
    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(TInput input, FunctionContext function)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(function.InstanceServices);
        return activity.RunAsync(new FunctionActivityContext(function), input);
    }
}

/// <summary>The activity's name and its orchestration's instance id, read from the trigger's binding data.</summary>
internal sealed class FunctionActivityContext(FunctionContext function) : TaskActivityContext
{
    // The Durable extension puts the calling orchestration's id in the activity trigger's binding data.
    private const string InstanceIdKey = "instanceId";

    public override TaskName Name { get; } = function.FunctionDefinition.Name;

    public override string InstanceId { get; } =
        function.BindingContext.BindingData.TryGetValue(InstanceIdKey, out var id) && id is string value ? value : string.Empty;
}
