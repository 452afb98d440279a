using System.Text.Json.Nodes;

namespace MlopsFlows.DevServices.Microsoft365;

/// <summary>One request a Microsoft 365 fake received, as contract tests assert it.</summary>
/// <param name="Authorization">The <c>Authorization</c> header as sent (null when absent).</param>
/// <param name="Body">The JSON body, when there was one and it parsed.</param>
/// <param name="Status">The status the fake answered.</param>
public sealed record RecordedCall(string Method, string Path, string? Authorization, JsonNode? Body, int Status);
