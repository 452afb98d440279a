using System.Text.Json;
using Microsoft.DurableTask.Client;

namespace MlopsFlows.Api.Incidents;

/// <summary>Reading workflow instances for the API: which count as active, and payloads read without throwing.</summary>
internal static class Instances
{
    /// <summary>Running, waiting to run or suspended: an instance that still acts on events.</summary>
    public static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>The payload, or null when it is absent or written in a shape this version cannot read (an older app's instance).</summary>
    public static T? TryRead<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }
}
