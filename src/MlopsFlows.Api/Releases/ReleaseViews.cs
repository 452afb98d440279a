using System.Text.Json;
using System.Text.Json.Serialization;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Api.Releases;

public sealed record ReleaseAccepted(string Id, string StatusUrl, string Model, int Version, string Environment, string RuntimeStatus, bool Created);

public sealed record ReleaseSummary(string Id, string Model, int Version, string Environment, string RuntimeStatus, string? Stage, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);

public sealed record ReleaseDetail(
    string Id,
    string? RunId,
    string Model,
    int Version,
    string Environment,
    string RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    ReleaseProgress? Progress,
    ReleaseOutcome? Outcome,
    string? Failure,
    IReadOnlyList<EvidenceEntry> Evidence,
    ApprovalProgress? Approval = null);

public sealed record CommandAccepted(string Id, string Command, string StatusUrl);

/// <summary>How the API writes JSON: camelCase and enums by name.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
