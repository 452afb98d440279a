using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlopsFlows.Workflows.Releases;

/// <summary>How evidence data is written: camelCase, enums by name, so auditors read words, not numbers.</summary>
internal static class EvidenceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },

        // A NaN metric or latency is evidence too: written as "NaN" rather than failing the release.
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
