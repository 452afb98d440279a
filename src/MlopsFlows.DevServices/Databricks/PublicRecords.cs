namespace MlopsFlows.DevServices.Databricks;

/// <summary>One live route of a simulated serving endpoint.</summary>
public sealed record SimulatedRoute(string ServedEntityName, string Model, int Version, int Percent);

/// <summary>One request the simulator received, for contract tests of the adapters that call it.</summary>
/// <param name="Query">The query string including its leading <c>?</c>, or empty.</param>
/// <param name="Body">The request body as text, or null when there was none.</param>
public sealed record RecordedRequest(string Method, string Path, string Query, bool HasAuthorization, string? Body);
