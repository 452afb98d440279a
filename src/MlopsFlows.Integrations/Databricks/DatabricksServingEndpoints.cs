using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Model Serving endpoints: reads the live traffic split and sets a new one. Databricks applies one configuration
/// update at a time per endpoint, so a change is followed by waiting until <c>config_update</c> is back to
/// <c>NOT_UPDATING</c>, and a change refused because another is in progress waits for that one and tries again.
/// </summary>
public sealed class DatabricksServingEndpoints(
    HttpClient http,
    IOptions<DatabricksOptions> options,
    TimeProvider time,
    ILogger<DatabricksServingEndpoints> logger) : IServingEndpoints
{
    private const string DefaultWorkloadSize = "Small";

    public async Task<TrafficSplit> GetTrafficAsync(string endpoint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var details = await ReadEndpointAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return ToTrafficSplit(endpoint, details);
    }

    public async Task SetTrafficAsync(string endpoint, string model, TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(split);
        if (!split.IsValid)
        {
            throw new ArgumentException($"Traffic split {split} is not valid: routes must name distinct versions and add up to 100%.", nameof(split));
        }

        var deadline = time.GetUtcNow() + options.Value.ConfigUpdateTimeout;
        while (true)
        {
            var details = await WaitUntilSettledAsync(endpoint, deadline, cancellationToken).ConfigureAwait(false);
            var live = ToTrafficSplit(endpoint, details);
            if (live.Equals(split))
            {
                // Already there (a re-run activity, or a previous update that finished): nothing to change.
                Log.TrafficAlreadySet(logger, endpoint, split);
                return;
            }

            try
            {
                await http.PutJsonAsync($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}/config", BuildUpdate(model, split, details), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (DatabricksApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                // Another update got in first; wait for it to finish and decide again from what is then live.
                Log.ConfigUpdateConflict(logger, endpoint, ex.ErrorCode);
                await PauseBeforeDeadlineAsync(endpoint, deadline, cancellationToken).ConfigureAwait(false);
            }
        }

        var settled = await WaitUntilSettledAsync(endpoint, deadline, cancellationToken).ConfigureAwait(false);
        var result = ToTrafficSplit(endpoint, settled);
        if (settled.State?.ConfigUpdate is ServingEndpointState.UpdateFailed or ServingEndpointState.UpdateCanceled)
        {
            // Not transient: the same config would fail again (a served entity that cannot deploy, a quota); a person looks.
            throw new ServingConfigurationException(
                $"Serving endpoint '{endpoint}' did not apply the update to {split}: config_update is {settled.State.ConfigUpdate} and it still serves {result}. The endpoint's events in Databricks say why.");
        }

        if (!result.Equals(split))
        {
            throw new ServingConfigurationException(
                $"Serving endpoint '{endpoint}' finished its update ({settled.State?.ConfigUpdate}) serving {result}, not the requested {split}.");
        }

        Log.TrafficSet(logger, endpoint, split);
    }

    private async Task<ServingEndpointDetails> WaitUntilSettledAsync(string endpoint, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var details = await ReadEndpointAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (details.State?.ConfigUpdate != ServingEndpointState.InProgress)
            {
                return details;
            }

            Log.WaitingForConfigUpdate(logger, endpoint);
            await PauseBeforeDeadlineAsync(endpoint, deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PauseBeforeDeadlineAsync(string endpoint, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= deadline)
        {
            // Worth retrying later: the update may still finish; the activity's retry policy decides.
            throw new TransientDependencyException($"Serving endpoint '{endpoint}' was still busy with a configuration update after {options.Value.ConfigUpdateTimeout}.");
        }

        await Task.Delay(options.Value.ConfigUpdatePollInterval, time, cancellationToken).ConfigureAwait(false);
    }

    private Task<ServingEndpointDetails> ReadEndpointAsync(string endpoint, CancellationToken cancellationToken) =>
        http.GetJsonAsync<ServingEndpointDetails>($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}", cancellationToken);

    private static TrafficSplit ToTrafficSplit(string endpoint, ServingEndpointDetails details)
    {
        var entities = details.Config?.ServedEntities ?? [];
        var routes = details.Config?.TrafficConfig?.Routes;
        if (routes is null || routes.Count == 0)
        {
            // Without a traffic config Databricks sends everything to the only served entity.
            return entities.Count == 1 ? TrafficSplit.AllTo(VersionOf(endpoint, entities[0])) : new TrafficSplit([]);
        }

        var byName = entities.ToDictionary(e => e.Name, StringComparer.Ordinal);
        return new TrafficSplit(routes
            .Select(route => byName.TryGetValue(route.ServedModelName, out var entity)
                ? new TrafficRoute(VersionOf(endpoint, entity), route.TrafficPercentage)
                : throw new ServingConfigurationException($"Serving endpoint '{endpoint}' routes traffic to '{route.ServedModelName}', which it does not serve."))
            .ToList());
    }

    private static int VersionOf(string endpoint, ServedEntity entity) =>
        int.TryParse(entity.EntityVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new ServingConfigurationException($"Serving endpoint '{endpoint}' serves '{entity.Name}' at entity_version '{entity.EntityVersion}', which is not a Unity Catalog version number.");

    /// <summary>
    /// The full new configuration: one served entity per version of the split, named <c>{model short name}-{version}</c>
    /// unless it is already served, keeping the sizing of the entity that serves it today (or of the model's other
    /// entity, for a new canary), and one route per entity. Entities of other versions are dropped.
    /// </summary>
    private static ServingEndpointConfigUpdate BuildUpdate(string model, TrafficSplit split, ServingEndpointDetails details)
    {
        var existing = (details.Config?.ServedEntities ?? []).Where(e => string.Equals(e.EntityName, model, StringComparison.OrdinalIgnoreCase)).ToList();
        var shortName = model[(model.LastIndexOf('.') + 1)..];
        var entities = new List<ServedEntity>();
        var routes = new List<TrafficRouteConfig>();
        foreach (var route in split.Routes.OrderBy(r => r.Version))
        {
            var versionText = route.Version.ToString(CultureInfo.InvariantCulture);
            var current = existing.FirstOrDefault(e => e.EntityVersion == versionText);
            var sizing = current ?? existing.FirstOrDefault();

            // An entity keeps its name: renaming it would make Databricks deploy the same version again.
            var name = current?.Name ?? $"{shortName}-{versionText}";
            entities.Add(new ServedEntity(
                name,
                model,
                versionText,
                sizing?.WorkloadSize ?? DefaultWorkloadSize,
                sizing?.ScaleToZeroEnabled ?? true,
                sizing?.WorkloadType));
            routes.Add(new TrafficRouteConfig(name, route.Percent));
        }

        return new ServingEndpointConfigUpdate(entities, new TrafficConfig(routes));
    }
}
