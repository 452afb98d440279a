using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Api.Webhooks;

/// <summary>
/// The Databricks webhook door (<c>POST /api/webhooks/databricks</c>). Bound from <c>MlopsFlows:Webhooks:Databricks</c>.
/// Without a <see cref="Secret"/> the door stays shut (503): an unsigned webhook never starts a release.
/// </summary>
public sealed class DatabricksWebhookOptions
{
    public const string SectionName = "MlopsFlows:Webhooks:Databricks";

    /// <summary>
    /// The shared secret the sender signs each body with (HMAC-SHA256, hex in <c>X-Databricks-Signature</c>). Default
    /// none: the webhook answers 503. Keep it in Key Vault or a Databricks secret scope; never logged.
    /// Key: <c>MlopsFlows:Webhooks:Databricks:Secret</c>.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// How far <c>event_timestamp</c> may lie from now, either way, before a body counts as replayed. Default 5 minutes.
    /// Key: <c>MlopsFlows:Webhooks:Databricks:MaxAge</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The environment a release goes to when the body names none (registry webhooks do not). Default none: such a
    /// body is refused as invalid. Key: <c>MlopsFlows:Webhooks:Databricks:Environment</c>.
    /// </summary>
    public string? Environment { get; set; }

    /// <summary>
    /// The events that start a release; any other signed event is acknowledged and ignored. Default
    /// <c>MODEL_VERSION_CREATED</c>, <c>TRANSITION_REQUEST_CREATED</c> and <c>TRANSITION_REQUEST_TO_PRODUCTION_CREATED</c>.
    /// Key: <c>MlopsFlows:Webhooks:Databricks:Events:0</c>, …
    /// </summary>
    public IList<string> Events { get; } = [];

    /// <summary>The events that start a release when <see cref="Events"/> is left empty.</summary>
    public static IReadOnlyList<string> DefaultEvents { get; } =
        ["MODEL_VERSION_CREATED", "TRANSITION_REQUEST_CREATED", "TRANSITION_REQUEST_TO_PRODUCTION_CREATED"];

    internal bool Starts(string eventName) =>
        (Events.Count == 0 ? DefaultEvents : [.. Events]).Contains(eventName, StringComparer.OrdinalIgnoreCase);
}
