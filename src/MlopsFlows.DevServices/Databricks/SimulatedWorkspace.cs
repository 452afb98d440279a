using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>
/// The state of one simulated workspace: Unity Catalog model versions and aliases, MLflow runs, serving endpoints and
/// injected regressions. Every member takes one lock; time comes only from <see cref="SimulatorOptions.TimeProvider"/>.
/// Config updates become live lazily: any access first applies every pending config whose delay has passed, at the
/// moment it became due, so the result does not depend on when somebody happened to look.
/// </summary>
internal sealed class SimulatedWorkspace(SimulatorOptions options)
{
    private const string Creator = "simulator@localhost";
    private const int MaxRecordedRequests = 10_000;

    private static readonly IReadOnlyDictionary<string, double> DefaultMetrics =
        new Dictionary<string, double>(StringComparer.Ordinal) { ["auc"] = 0.82, ["log_loss"] = 0.41, ["accuracy"] = 0.9 };

    private static readonly IReadOnlyDictionary<string, string> DefaultParams =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["algorithm"] = "gradient_boosting", ["max_depth"] = "6" };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RegisteredModel> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TrainingRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServingEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Endpoint, int Version), LatencyProfile> _regressions = [];
    private readonly Queue<RecordedRequest> _requests = new();

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    /// <summary>Why <paramref name="fullName"/> is not a Unity Catalog three-part name, or null when it is one.</summary>
    public static string? ProblemWithModelName(string? fullName)
    {
        var parts = (fullName ?? string.Empty).Split('.');
        return parts.Length == 3 && parts.All(IsIdentifier)
            ? null
            : $"'{fullName}' is not a three-part model name (catalog.schema.model).";
    }

    public static string? ProblemWithEndpointName(string? name) =>
        IsIdentifier(name) ? null : $"'{name}' is not a serving endpoint name (letters, digits, '-' and '_').";

    // Unity Catalog and MLflow.

    public ModelVersionInfo GetModelVersion(string fullName, int version)
    {
        lock (_gate)
        {
            var found = FindOrAutoCreateVersion(fullName, version)
                ?? throw DatabricksApiException.NotFound($"Model version {fullName}/{version} does not exist.");
            return Describe(found);
        }
    }

    public GetRunResponse GetRun(string runId)
    {
        lock (_gate)
        {
            var run = _runs.GetValueOrDefault(runId) ?? throw DatabricksApiException.NotFound($"Run '{runId}' not found.");
            return new GetRunResponse(Describe(run));
        }
    }

    public ModelAlias SetAlias(string fullName, string alias, int version)
    {
        lock (_gate)
        {
            var found = FindOrAutoCreateVersion(fullName, version)
                ?? throw DatabricksApiException.NotFound($"Model version {fullName}/{version} does not exist.");
            _models[found.FullName].Aliases[alias] = version;
            return new ModelAlias(alias, version);
        }
    }

    public void DeleteAlias(string fullName, string alias)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(fullName, out var model) || !model.Aliases.Remove(alias))
            {
                throw DatabricksApiException.NotFound($"Alias '{alias}' of model {fullName} does not exist.");
            }
        }
    }

    /// <summary>Registers (or re-registers) a version and its training run; returns the run id, which depends only on name and version.</summary>
    public string AddModelVersion(string fullName, int version, IReadOnlyDictionary<string, double>? metrics, IReadOnlyDictionary<string, string>? parameters)
    {
        lock (_gate)
        {
            return Register(fullName, version, metrics, parameters).RunId;
        }
    }

    public IReadOnlyDictionary<string, int> GetAliases(string fullName)
    {
        lock (_gate)
        {
            return _models.TryGetValue(fullName, out var model)
                ? new Dictionary<string, int>(model.Aliases, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        }
    }

    // Model Serving.

    public ServingEndpointDetailed GetEndpoint(string name)
    {
        lock (_gate)
        {
            SettleAll(Now);
            return Describe(FindEndpoint(name, modelIfCreated: null));
        }
    }

    public ServingEndpointDetailed UpdateConfig(string name, EndpointConfigInput input)
    {
        lock (_gate)
        {
            var now = Now;
            SettleAll(now);
            if (!options.AutoCreate && !_endpoints.ContainsKey(name))
            {
                throw EndpointNotFound(name);
            }

            var config = Parse(input);
            var endpoint = FindEndpoint(name, modelIfCreated: config.Entities[0].EntityName);
            if (endpoint.Pending is not null)
            {
                throw DatabricksApiException.Conflict(
                    $"Endpoint '{name}' already has a config update in progress; wait until config_update is NOT_UPDATING.");
            }

            endpoint.Pending = config;
            endpoint.PendingStartedAt = now;
            endpoint.PendingLiveAt = now + options.ConfigUpdateDelay;
            endpoint.LastUpdatedAt = now;
            SettleAll(now);
            return Describe(endpoint);
        }
    }

    /// <summary>Creates the endpoint, or replaces it with a fresh one, serving <paramref name="version"/> at 100%.</summary>
    public EndpointSummary AddServingEndpoint(string name, string model, int version)
    {
        lock (_gate)
        {
            var now = Now;
            SettleAll(now);
            return Summarize(CreateEndpoint(name, model, version, now));
        }
    }

    public string GetMetrics(string name)
    {
        lock (_gate)
        {
            var now = Now;
            SettleAll(now);
            var endpoint = FindEndpoint(name, modelIfCreated: null);
            return PrometheusExposition.Write(endpoint.Live.Entities.Select(e =>
                (e.Name, e.EntityVersion, endpoint.Counters[e.Name].Counters.Read(now))));
        }
    }

    public IReadOnlyList<SimulatedRoute> GetTraffic(string name)
    {
        lock (_gate)
        {
            SettleAll(Now);
            return _endpoints.TryGetValue(name, out var endpoint)
                ? RoutesOf(endpoint.Live)
                : throw new KeyNotFoundException($"The simulator has no serving endpoint '{name}'.");
        }
    }

    public bool IsUpdating(string name)
    {
        lock (_gate)
        {
            SettleAll(Now);
            return _endpoints.TryGetValue(name, out var endpoint)
                ? endpoint.Pending is not null
                : throw new KeyNotFoundException($"The simulator has no serving endpoint '{name}'.");
        }
    }

    // Regressions.

    public void InjectRegression(string endpoint, int version, double addedLatencyMs, double errorRate)
    {
        lock (_gate)
        {
            var now = Now;
            SettleAll(now);
            _regressions[(endpoint, version)] = new LatencyProfile(addedLatencyMs, errorRate);
            RefreshProfiles(now);
        }
    }

    public void ClearRegressions()
    {
        lock (_gate)
        {
            var now = Now;
            SettleAll(now);
            _regressions.Clear();
            RefreshProfiles(now);
        }
    }

    // Diagnostics.

    public void Record(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            if (_requests.Count > MaxRecordedRequests)
            {
                _requests.Dequeue();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> RequestLog()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public SimulatorState State()
    {
        lock (_gate)
        {
            SettleAll(Now);
            return new SimulatorState(
                [.. _models.Values.OrderBy(m => m.FullName, StringComparer.Ordinal).Select(m => new ModelState(
                    m.FullName,
                    [.. m.Versions.Keys.Order()],
                    new SortedDictionary<string, int>(m.Aliases, StringComparer.Ordinal)))],
                [.. _endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(Summarize)],
                [.. _regressions.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Version)
                    .Select(r => new RegressionState(r.Key.Endpoint, r.Key.Version, r.Value.AddedLatencyMs, r.Value.ServerErrorRate))]);
        }
    }

    private static bool IsIdentifier(string? part) =>
        !string.IsNullOrEmpty(part) && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static string DefaultEntityName(string model, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{model[(model.LastIndexOf('.') + 1)..]}-{version}");

    private static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    /// <summary>Stable hex digest, so ids survive a restart of the simulator and read the same in every test run.</summary>
    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static DatabricksApiException EndpointNotFound(string name) =>
        DatabricksApiException.NotFound($"Endpoint with name '{name}' does not exist.");

    private ModelVersion? FindOrAutoCreateVersion(string fullName, int version)
    {
        if (_models.TryGetValue(fullName, out var model) && model.Versions.TryGetValue(version, out var existing))
        {
            return existing;
        }

        return options.AutoCreate && version > 0 && ProblemWithModelName(fullName) is null
            ? Register(fullName, version, metrics: null, parameters: null)
            : null;
    }

    private ModelVersion Register(string fullName, int version, IReadOnlyDictionary<string, double>? metrics, IReadOnlyDictionary<string, string>? parameters)
    {
        if (!_models.TryGetValue(fullName, out var model))
        {
            model = new RegisteredModel(fullName);
            _models.Add(fullName, model);
        }

        var now = Now;
        var runId = Digest(string.Create(CultureInfo.InvariantCulture, $"run/{model.FullName.ToUpperInvariant()}/{version}"));
        var experimentId = (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(model.FullName.ToUpperInvariant()))) % 1_000_000_000_000_000UL)
            .ToString(CultureInfo.InvariantCulture);
        _runs[runId] = new TrainingRun(
            runId,
            experimentId,
            string.Create(CultureInfo.InvariantCulture, $"train-{DefaultEntityName(model.FullName, version)}"),
            now.AddMinutes(-10),
            now.AddMinutes(-5),
            new Dictionary<string, double>(metrics ?? DefaultMetrics, StringComparer.Ordinal),
            new Dictionary<string, string>(parameters ?? DefaultParams, StringComparer.Ordinal));
        var registered = new ModelVersion(model.FullName, version, runId, experimentId, model.Versions.GetValueOrDefault(version)?.CreatedAt ?? now);
        model.Versions[version] = registered;
        return registered;
    }

    private ModelVersionInfo Describe(ModelVersion version)
    {
        var model = _models[version.FullName];
        var parts = version.FullName.Split('.');
        return new ModelVersionInfo(
            ModelName: parts[2],
            CatalogName: parts[0],
            SchemaName: parts[1],
            Version: version.Version,
            RunId: version.RunId,
            Status: "READY",
            Source: $"dbfs:/databricks/mlflow-tracking/{version.ExperimentId}/{version.RunId}/artifacts/model",
            Aliases: [.. model.Aliases.Where(a => a.Value == version.Version).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new ModelAlias(a.Key, a.Value))],
            CreatedAt: Millis(version.CreatedAt),
            CreatedBy: Creator);
    }

    private static RunBody Describe(TrainingRun run) => new(
        new RunInfo(
            run.RunId,
            run.RunId,
            run.ExperimentId,
            run.RunName,
            "FINISHED",
            Millis(run.StartedAt),
            Millis(run.EndedAt),
            $"dbfs:/databricks/mlflow-tracking/{run.ExperimentId}/{run.RunId}/artifacts",
            "active"),
        new RunData(
            [.. run.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new RunMetric(m.Key, m.Value, Millis(run.EndedAt), 0))],
            [.. run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new RunParam(p.Key, p.Value))],
            []));

    private ServingEndpoint FindEndpoint(string name, string? modelIfCreated)
    {
        if (_endpoints.TryGetValue(name, out var endpoint))
        {
            return endpoint;
        }

        if (!options.AutoCreate)
        {
            throw EndpointNotFound(name);
        }

        return CreateEndpoint(name, modelIfCreated ?? $"main.default.{name.Replace('-', '_')}", 1, Now);
    }

    private ServingEndpoint CreateEndpoint(string name, string model, int version, DateTimeOffset now)
    {
        var registered = _models.TryGetValue(model, out var known) && known.Versions.TryGetValue(version, out var existing)
            ? existing
            : Register(model, version, metrics: null, parameters: null);
        var entity = new ServedEntity(DefaultEntityName(registered.FullName, version), registered.FullName, version, "Small", ScaleToZeroEnabled: true);
        var endpoint = new ServingEndpoint(name, Digest($"endpoint/{name}"), now);
        Apply(endpoint, new ServingConfig([entity], [new ServingRoute(entity.Name, 100)]), now);
        _endpoints[name] = endpoint;
        return endpoint;
    }

    private ServingConfig Parse(EndpointConfigInput input)
    {
        if (input.ServedEntities is not { Count: > 0 } requested)
        {
            throw DatabricksApiException.InvalidParameter("served_entities must name at least one served entity.");
        }

        var entities = new List<ServedEntity>(requested.Count);
        foreach (var entity in requested)
        {
            if (string.IsNullOrWhiteSpace(entity.EntityName))
            {
                throw DatabricksApiException.InvalidParameter("Every served entity needs an entity_name.");
            }

            if (!int.TryParse(entity.EntityVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                throw DatabricksApiException.InvalidParameter($"entity_version '{entity.EntityVersion}' of {entity.EntityName} is not a model version.");
            }

            if (FindOrAutoCreateVersion(entity.EntityName, version) is null)
            {
                throw DatabricksApiException.InvalidParameter($"Model version {entity.EntityName}/{version} does not exist.");
            }

            var name = string.IsNullOrWhiteSpace(entity.Name) ? DefaultEntityName(entity.EntityName, version) : entity.Name;
            if (entities.Exists(e => e.Name == name))
            {
                throw DatabricksApiException.InvalidParameter($"Served entity name '{name}' appears twice.");
            }

            entities.Add(new ServedEntity(name, entity.EntityName, version, entity.WorkloadSize ?? "Small", entity.ScaleToZeroEnabled ?? false));
        }

        return new ServingConfig(entities, ParseRoutes(input.TrafficConfig?.Routes, entities));
    }

    private static List<ServingRoute> ParseRoutes(IReadOnlyList<RouteBody>? requested, List<ServedEntity> entities)
    {
        if (requested is not { Count: > 0 })
        {
            return entities.Count == 1
                ? [new ServingRoute(entities[0].Name, 100)]
                : throw DatabricksApiException.InvalidParameter("traffic_config.routes is required when more than one entity is served.");
        }

        var routes = new List<ServingRoute>(requested.Count);
        foreach (var route in requested)
        {
            var target = route.ServedModelName ?? route.ServedEntityName;
            if (target is null || !entities.Exists(e => e.Name == target))
            {
                throw DatabricksApiException.InvalidParameter($"Route to '{target}' names no served entity of this config.");
            }

            if (route.TrafficPercentage is not { } percent || percent is < 0 or > 100)
            {
                throw DatabricksApiException.InvalidParameter($"traffic_percentage of the route to '{target}' must be between 0 and 100.");
            }

            if (routes.Exists(r => r.ServedEntityName == target))
            {
                throw DatabricksApiException.InvalidParameter($"Served entity '{target}' has two routes.");
            }

            routes.Add(new ServingRoute(target, percent));
        }

        var total = routes.Sum(r => r.Percent);
        return total == 100
            ? routes
            : throw DatabricksApiException.InvalidParameter($"Traffic percentages add up to {total}, not 100.");
    }

    private void SettleAll(DateTimeOffset now)
    {
        foreach (var endpoint in _endpoints.Values)
        {
            if (endpoint.Pending is { } pending && now >= endpoint.PendingLiveAt)
            {
                Apply(endpoint, pending, endpoint.PendingLiveAt);
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="config"/> live at <paramref name="at"/>. An entity that keeps its name and model version
    /// keeps its counters (only its traffic share changes); any other entity starts afresh with the warm-up requests.
    /// </summary>
    private void Apply(ServingEndpoint endpoint, ServingConfig config, DateTimeOffset at)
    {
        var next = new Dictionary<string, LiveEntity>(StringComparer.Ordinal);
        foreach (var entity in config.Entities)
        {
            var rate = RateOf(config, entity);
            var profile = ProfileOf(endpoint.Name, entity.EntityVersion);
            if (endpoint.Counters.TryGetValue(entity.Name, out var live) && live.Entity.ServesSameVersionAs(entity))
            {
                live.Counters.ChangeAt(at, rate, profile);
                next[entity.Name] = new LiveEntity(entity, live.Counters);
            }
            else
            {
                next[entity.Name] = new LiveEntity(entity, new ServedEntityCounters(at, options.WarmupRequests, rate, profile));
            }
        }

        endpoint.Counters = next;
        endpoint.Live = config;
        endpoint.LiveConfigVersion++;
        endpoint.Pending = null;
        endpoint.LastUpdatedAt = at;
    }

    private void RefreshProfiles(DateTimeOffset now)
    {
        foreach (var endpoint in _endpoints.Values)
        {
            foreach (var (entity, counters) in endpoint.Counters.Values)
            {
                counters.ChangeAt(now, RateOf(endpoint.Live, entity), ProfileOf(endpoint.Name, entity.EntityVersion));
            }
        }
    }

    private double RateOf(ServingConfig config, ServedEntity entity) => config.PercentOf(entity.Name) / 100.0 * options.RequestsPerSecond;

    private LatencyProfile ProfileOf(string endpoint, int version) =>
        _regressions.GetValueOrDefault((endpoint, version)) ?? LatencyProfile.Healthy;

    private static ServingEndpointDetailed Describe(ServingEndpoint endpoint) => new(
        endpoint.Name,
        endpoint.Id,
        Creator,
        Millis(endpoint.CreatedAt),
        Millis(endpoint.LastUpdatedAt),
        new EndpointState("READY", endpoint.Pending is null ? "NOT_UPDATING" : "IN_PROGRESS"),
        new EndpointConfigOutput(
            [.. endpoint.Live.Entities.Select(e => Output(e, endpoint.Counters[e.Name].Counters.CreatedAt))],
            TrafficOf(endpoint.Live),
            endpoint.LiveConfigVersion),
        endpoint.Pending is { } pending
            ? new PendingConfigOutput([.. pending.Entities.Select(e => Output(e, createdAt: null))], TrafficOf(pending), endpoint.LiveConfigVersion + 1, Millis(endpoint.PendingStartedAt))
            : null);

    private static ServedEntityOutput Output(ServedEntity entity, DateTimeOffset? createdAt) => new(
        entity.Name,
        entity.EntityName,
        entity.EntityVersion.ToString(CultureInfo.InvariantCulture),
        entity.WorkloadSize,
        entity.ScaleToZeroEnabled,
        createdAt is null ? null : new ServedEntityState("DEPLOYMENT_READY", "Served entity is ready."),
        createdAt is { } at ? Millis(at) : null);

    private static TrafficConfigBody TrafficOf(ServingConfig config) =>
        new([.. config.Routes.Select(r => new RouteBody(r.ServedEntityName, r.Percent))]);

    private static List<SimulatedRoute> RoutesOf(ServingConfig config) =>
        [.. config.Entities.Select(e => new SimulatedRoute(e.Name, e.EntityName, e.EntityVersion, config.PercentOf(e.Name)))];

    private static EndpointSummary Summarize(ServingEndpoint endpoint) => new(
        endpoint.Name,
        endpoint.Pending is null ? "NOT_UPDATING" : "IN_PROGRESS",
        endpoint.LiveConfigVersion,
        RoutesOf(endpoint.Live),
        endpoint.Pending is { } pending ? RoutesOf(pending) : null);

    private sealed class RegisteredModel(string fullName)
    {
        public string FullName { get; } = fullName;

        public Dictionary<int, ModelVersion> Versions { get; } = [];

        public Dictionary<string, int> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record ModelVersion(string FullName, int Version, string RunId, string ExperimentId, DateTimeOffset CreatedAt);

    private sealed record TrainingRun(
        string RunId,
        string ExperimentId,
        string RunName,
        DateTimeOffset StartedAt,
        DateTimeOffset EndedAt,
        IReadOnlyDictionary<string, double> Metrics,
        IReadOnlyDictionary<string, string> Params);

    private sealed record ServedEntity(string Name, string EntityName, int EntityVersion, string WorkloadSize, bool ScaleToZeroEnabled)
    {
        public bool ServesSameVersionAs(ServedEntity other) =>
            EntityVersion == other.EntityVersion && string.Equals(EntityName, other.EntityName, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record ServingRoute(string ServedEntityName, int Percent);

    private sealed record ServingConfig(IReadOnlyList<ServedEntity> Entities, IReadOnlyList<ServingRoute> Routes)
    {
        public int PercentOf(string servedEntityName) => Routes.Where(r => r.ServedEntityName == servedEntityName).Sum(r => r.Percent);
    }

    private sealed record LiveEntity(ServedEntity Entity, ServedEntityCounters Counters);

    private sealed class ServingEndpoint(string name, string id, DateTimeOffset createdAt)
    {
        public string Name { get; } = name;

        public string Id { get; } = id;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset LastUpdatedAt { get; set; } = createdAt;

        public ServingConfig Live { get; set; } = new([], []);

        public int LiveConfigVersion { get; set; }

        public Dictionary<string, LiveEntity> Counters { get; set; } = new(StringComparer.Ordinal);

        public ServingConfig? Pending { get; set; }

        public DateTimeOffset PendingStartedAt { get; set; }

        public DateTimeOffset PendingLiveAt { get; set; }
    }
}
