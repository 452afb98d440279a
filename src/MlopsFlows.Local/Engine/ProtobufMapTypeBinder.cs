using DurableTask.AzureStorage;

namespace MlopsFlows.Local.Engine;

/// <summary>
/// Lets the Azure Storage provider read back the messages the gRPC sidecar writes for sub-orchestrations.
/// </summary>
/// <remarks>
/// The sidecar copies an orchestration's tags into the child's start message as a protobuf <c>MapField</c>; the provider
/// writes queue messages with their .NET type names and, reading one back, cannot resolve that type without its
/// assembly name, so the child never starts (seen here: "Error resolving type specified in JSON
/// 'Google.Protobuf.Collections.MapField`2…'", retried forever). A string map reads back as a plain dictionary.
/// </remarks>
internal sealed class ProtobufMapTypeBinder : ICustomTypeBinder
{
    private const string MapField = "Google.Protobuf.Collections.MapField`2";

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
    {
        // What the provider writes without a binder: no assembly, the full name.
        assemblyName = null;
        typeName = serializedType.FullName;
    }

    public Type BindToType(string? assemblyName, string typeName) =>
        typeName.StartsWith(MapField, StringComparison.Ordinal)
            ? typeof(Dictionary<string, string>)
            : Type.GetType(typeName, throwOnError: true)!;
}
