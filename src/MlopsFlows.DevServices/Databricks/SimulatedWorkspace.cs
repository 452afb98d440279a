using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    /// <summary>Entries per page of an artifact listing; small enough that a test reaches a second page.</summary>
    internal const int ArtifactPageSize = 100;

    private static readonly IReadOnlyDictionary<string, double> DefaultMetrics =
        new Dictionary<string, double>(StringComparer.Ordinal) { ["auc"] = 0.82, ["log_loss"] = 0.41, ["accuracy"] = 0.9 };

    private static readonly IReadOnlyDictionary<string, string> DefaultParams =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["algorithm"] = "gradient_boosting", ["max_depth"] = "6" };

    /// <summary>What a training run logs by default: an MLflow model folder.</summary>
    private static readonly IReadOnlyList<string> DefaultArtifacts =
        ["model/MLmodel", "model/conda.yaml", "model/model.pkl", "model/python_env.yaml", "model/requirements.txt"];

    /// <summary>The input features of a default training run: a consumer credit model's.</summary>
    private static readonly IReadOnlyList<string> DefaultFeatures =
        ["income", "debt_to_income", "credit_utilisation", "months_employed", "delinquencies_2y"];

    /// <summary>The column every simulated training set carries besides the features: what the model predicts.</summary>
    private const string TargetColumn = "defaulted_12m";

    /// <summary>The ML runtime of the example job's cluster (examples/databricks-release-job/databricks.yml).</summary>
    private const string DatabricksRuntime = "16.4.x-cpu-ml-scala2.12";

    private readonly Lock gate = new();
    private readonly Dictionary<string, RegisteredModel> models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TrainingRun> runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServingEndpoint> endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Endpoint, int Version), LatencyProfile> regressions = [];
    private readonly Queue<RecordedRequest> requests = new();
    private readonly Dictionary<(string Endpoint, string Entity), long> invocations = [];
    private readonly Dictionary<string, string> failingUpdates = new(StringComparer.Ordinal);

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    /// <summary>Jobs API runs (they share nothing with models and endpoints, so they keep their own lock).</summary>
    public SimulatedJobs Jobs { get; } = new(options);

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
        lock (gate)
        {
            var found = FindOrAutoCreateVersion(fullName, version)
                ?? throw DatabricksApiException.NotFound($"Model version {fullName}/{version} does not exist.");
            return Describe(found);
        }
    }

    public RegisteredModelInfo GetRegisteredModel(string fullName, bool includeAliases)
    {
        lock (gate)
        {
            return Describe(FindOrAutoCreateModel(fullName), includeAliases);
        }
    }

    /// <summary>MLflow's Unity Catalog view of a registered model: the one that carries its tags.</summary>
    public MlflowRegisteredModelResponse GetMlflowRegisteredModel(string fullName)
    {
        lock (gate)
        {
            var model = FindOrAutoCreateModel(fullName);
            return new MlflowRegisteredModelResponse(new MlflowRegisteredModel(
                model.FullName,
                Millis(model.CreatedAt),
                Millis(model.CreatedAt),
                Creator,
                [.. SortedAliases(model).Select(a => new MlflowAlias(a.Key, a.Value.ToString(CultureInfo.InvariantCulture)))],
                Tags(model.Tags)));
        }
    }

    /// <summary>MLflow's Unity Catalog view of a model version: the one that carries its tags.</summary>
    public MlflowModelVersionResponse GetMlflowModelVersion(string fullName, int version)
    {
        lock (gate)
        {
            var found = FindOrAutoCreateVersion(fullName, version)
                ?? throw DatabricksApiException.NotFound($"Model version {fullName}/{version} does not exist.");
            var model = models[found.FullName];
            return new MlflowModelVersionResponse(new MlflowModelVersion(
                found.FullName,
                found.Version.ToString(CultureInfo.InvariantCulture),
                Millis(found.CreatedAt),
                Millis(found.CreatedAt),
                found.CreatedBy,
                SourceOf(found),
                found.RunId,
                "READY",
                [.. SortedAliases(model).Where(a => a.Value == found.Version).Select(a => new MlflowAlias(a.Key, a.Value.ToString(CultureInfo.InvariantCulture)))],
                Tags(found.Tags)));
        }
    }

    /// <summary>
    /// One page of the entries directly under <paramref name="path"/> in the run's artifacts (folders derived from the
    /// logged file paths), as MLflow lists them: paths relative to the artifact root; a path holding nothing lists empty.
    /// </summary>
    public ArtifactListResponse ListArtifacts(string runId, string? path, string? pageToken)
    {
        lock (gate)
        {
            var run = runs.GetValueOrDefault(runId) ?? throw DatabricksApiException.NotFound($"Run '{runId}' not found.");
            var prefix = string.IsNullOrEmpty(path) ? string.Empty : path.Trim('/') + "/";
            var entries = new SortedDictionary<string, (bool IsDir, long? Size)>(StringComparer.Ordinal);
            foreach (var artifact in run.Artifacts.Where(a => a.StartsWith(prefix, StringComparison.Ordinal)))
            {
                var rest = artifact[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                entries[prefix + (slash < 0 ? rest : rest[..slash])] = slash < 0 ? (false, FileSizeOf(artifact)) : (true, null);
            }

            var start = 0;
            if (!string.IsNullOrEmpty(pageToken) && (!int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > entries.Count))
            {
                throw DatabricksApiException.InvalidParameter($"'{pageToken}' is not a page token of this listing.");
            }

            var page = entries.Skip(start).Take(ArtifactPageSize).Select(e => new ArtifactFileInfo(e.Key, e.Value.IsDir, e.Value.Size)).ToList();
            var next = start + page.Count < entries.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null;
            return new ArtifactListResponse($"dbfs:/databricks/mlflow-tracking/{run.ExperimentId}/{run.RunId}/artifacts", page, next);
        }
    }

    public GetRunResponse GetRun(string runId)
    {
        lock (gate)
        {
            var run = runs.GetValueOrDefault(runId) ?? throw DatabricksApiException.NotFound($"Run '{runId}' not found.");
            return new GetRunResponse(Describe(run));
        }
    }

    public ModelAlias SetAlias(string fullName, string alias, int version)
    {
        lock (gate)
        {
            var found = FindOrAutoCreateVersion(fullName, version)
                ?? throw DatabricksApiException.NotFound($"Model version {fullName}/{version} does not exist.");
            models[found.FullName].Aliases[alias] = version;
            return new ModelAlias(alias, version);
        }
    }

    public void DeleteAlias(string fullName, string alias)
    {
        lock (gate)
        {
            if (!models.TryGetValue(fullName, out var model) || !model.Aliases.Remove(alias))
            {
                throw DatabricksApiException.NotFound($"Alias '{alias}' of model {fullName} does not exist.");
            }
        }
    }

    /// <summary>Registers (or re-registers) a version and its training run; returns the run id, which depends only on name and version.</summary>
    public string AddModelVersion(string fullName, int version, VersionSeed seed)
    {
        lock (gate)
        {
            return Register(fullName, version, seed).RunId;
        }
    }

    /// <summary>Sets the registered model's owner and tags (registering the model if needed); null leaves either as it is.</summary>
    public void SetRegisteredModel(string fullName, string? owner, IReadOnlyDictionary<string, string>? tags)
    {
        lock (gate)
        {
            var model = ModelNamed(fullName);
            model.Owner = owner ?? model.Owner;
            if (tags is not null)
            {
                model.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
            }
        }
    }

    public IReadOnlyDictionary<string, int> GetAliases(string fullName)
    {
        lock (gate)
        {
            return models.TryGetValue(fullName, out var model)
                ? new Dictionary<string, int>(model.Aliases, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        }
    }

    // Model Serving.

    public ServingEndpointDetailed GetEndpoint(string name)
    {
        lock (gate)
        {
            SettleAll(Now);
            return Describe(FindEndpoint(name, modelIfCreated: null));
        }
    }

    public ServingEndpointDetailed UpdateConfig(string name, EndpointConfigInput input)
    {
        lock (gate)
        {
            var now = Now;
            SettleAll(now);
            if (!options.AutoCreate && !endpoints.ContainsKey(name))
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
            endpoint.PendingFailure = failingUpdates.Remove(name, out var failure) ? failure : null;
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
        lock (gate)
        {
            var now = Now;
            SettleAll(now);
            return Summarize(CreateEndpoint(name, model, version, now));
        }
    }

    public string GetMetrics(string name)
    {
        lock (gate)
        {
            var now = Now;
            SettleAll(now);
            var endpoint = FindEndpoint(name, modelIfCreated: null);
            return PrometheusExposition.Write(endpoint.Live.Entities.Select(e =>
                (e.Name, e.EntityVersion, endpoint.Counters[e.Name].Counters.Read(now))));
        }
    }

    /// <summary>
    /// Decides how one invocation of a live served entity goes: its latency (the entity's profile at a point of a
    /// deterministic sequence, scaled by <see cref="SimulatorOptions.InvocationLatencyScale"/>), whether it fails, and
    /// the shift its predictions carry. The caller waits the latency outside the lock.
    /// </summary>
    public InvocationPlan PlanInvocation(string endpointName, string servedEntity)
    {
        lock (gate)
        {
            SettleAll(Now);
            var endpoint = FindEndpoint(endpointName, modelIfCreated: null);
            var entity = endpoint.Live.Entities.FirstOrDefault(e => e.Name == servedEntity)
                ?? throw DatabricksApiException.NotFound($"Served entity '{servedEntity}' of endpoint '{endpointName}' does not exist or is not ready.");
            var profile = ProfileOf(endpoint.Name, entity.EntityVersion);
            var count = invocations.GetValueOrDefault((endpoint.Name, entity.Name));
            invocations[(endpoint.Name, entity.Name)] = count + 1;
            var latency = profile.LatencyAt(Uniform($"latency/{endpoint.Name}/{entity.Name}/{count}")) * options.InvocationLatencyScale;
            var fails = Uniform($"error/{endpoint.Name}/{entity.Name}/{count}") < profile.ServerErrorRate;
            return new InvocationPlan(TimeSpan.FromMilliseconds(latency), fails, profile.PredictionShift);
        }
    }

    public IReadOnlyList<SimulatedRoute> GetTraffic(string name)
    {
        lock (gate)
        {
            SettleAll(Now);
            return endpoints.TryGetValue(name, out var endpoint)
                ? RoutesOf(endpoint.Live)
                : throw new KeyNotFoundException($"The simulator has no serving endpoint '{name}'.");
        }
    }

    public void FailNextConfigUpdate(string name, string reason)
    {
        lock (gate)
        {
            failingUpdates[name] = reason;
        }
    }

    public bool IsUpdating(string name)
    {
        lock (gate)
        {
            SettleAll(Now);
            return endpoints.TryGetValue(name, out var endpoint)
                ? endpoint.Pending is not null
                : throw new KeyNotFoundException($"The simulator has no serving endpoint '{name}'.");
        }
    }

    // Regressions.

    public void InjectRegression(string endpoint, int version, double addedLatencyMs, double errorRate, double predictionShift)
    {
        lock (gate)
        {
            var now = Now;
            SettleAll(now);
            regressions[(endpoint, version)] = new LatencyProfile(addedLatencyMs, errorRate) { PredictionShift = predictionShift };
            RefreshProfiles(now);
        }
    }

    public void ClearRegressions()
    {
        lock (gate)
        {
            var now = Now;
            SettleAll(now);
            regressions.Clear();
            RefreshProfiles(now);
        }
    }

    // Diagnostics.

    public void Record(RecordedRequest request)
    {
        lock (gate)
        {
            requests.Enqueue(request);
            if (requests.Count > MaxRecordedRequests)
            {
                requests.Dequeue();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> RequestLog()
    {
        lock (gate)
        {
            return [.. requests];
        }
    }

    public SimulatorState State()
    {
        lock (gate)
        {
            SettleAll(Now);
            return new SimulatorState(
                [.. models.Values.OrderBy(m => m.FullName, StringComparer.Ordinal).Select(m => new ModelState(
                    m.FullName,
                    [.. m.Versions.Keys.Order()],
                    new SortedDictionary<string, int>(m.Aliases, StringComparer.Ordinal),
                    m.Owner,
                    new SortedDictionary<string, string>(m.Tags, StringComparer.Ordinal)))],
                [.. endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(Summarize)],
                [.. regressions.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Version)
                    .Select(r => new RegressionState(r.Key.Endpoint, r.Key.Version, r.Value.AddedLatencyMs, r.Value.ServerErrorRate, r.Value.PredictionShift))]);
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
        if (models.TryGetValue(fullName, out var model) && model.Versions.TryGetValue(version, out var existing))
        {
            return existing;
        }

        return options.AutoCreate && version > 0 && ProblemWithModelName(fullName) is null
            ? Register(fullName, version, VersionSeed.Default)
            : null;
    }

    /// <summary>The registered model; an unknown one that looks real is created with version 1 when auto-creating.</summary>
    private RegisteredModel FindOrAutoCreateModel(string fullName)
    {
        if (models.TryGetValue(fullName, out var model))
        {
            return model;
        }

        return options.AutoCreate && ProblemWithModelName(fullName) is null
            ? models[Register(fullName, 1, VersionSeed.Default).FullName]
            : throw DatabricksApiException.NotFound($"Registered model '{fullName}' does not exist.");
    }

    private RegisteredModel ModelNamed(string fullName)
    {
        if (!models.TryGetValue(fullName, out var model))
        {
            model = new RegisteredModel(fullName, Now);
            models.Add(fullName, model);
        }

        return model;
    }

    private ModelVersion Register(string fullName, int version, VersionSeed seed)
    {
        var model = ModelNamed(fullName);
        var now = Now;
        var runId = Digest(string.Create(CultureInfo.InvariantCulture, $"run/{model.FullName.ToUpperInvariant()}/{version}"));
        var features = seed.Features ?? DefaultFeatures;
        var experimentId = (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(model.FullName.ToUpperInvariant()))) % 1_000_000_000_000_000UL)
            .ToString(CultureInfo.InvariantCulture);
        runs[runId] = new TrainingRun(
            runId,
            experimentId,
            string.Create(CultureInfo.InvariantCulture, $"train-{DefaultEntityName(model.FullName, version)}"),
            now.AddMinutes(-10),
            now.AddMinutes(-5),
            new Dictionary<string, double>(seed.Metrics ?? DefaultMetrics, StringComparer.Ordinal),
            new Dictionary<string, string>(seed.Parameters ?? DefaultParams, StringComparer.Ordinal),
            [.. (seed.Artifacts ?? DefaultArtifacts).Select(a => a.Trim('/')).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal)],
            new Dictionary<string, string>(seed.RunTags ?? DefaultRunTags(model.FullName, version), StringComparer.Ordinal),
            DatasetsOf(model.FullName, version, features));
        var tags = LineageTags(runs[runId], features);
        // Seeded tags win, so a test can set any lineage tag to what it proves.
        foreach (var (key, value) in seed.Tags ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        var registered = new ModelVersion(
            model.FullName,
            version,
            runId,
            experimentId,
            model.Versions.GetValueOrDefault(version)?.CreatedAt ?? now,
            seed.CreatedBy ?? Creator,
            tags);
        model.Versions[version] = registered;
        return registered;
    }

    /// <summary>
    /// What a training job from a git checkout on a Databricks ML runtime leaves on its run: MLflow's source tags, the
    /// runtime and the Python version.
    /// </summary>
    private static Dictionary<string, string> DefaultRunTags(string fullName, int version)
    {
        var parts = fullName.Split('.');
        var repository = $"{parts[1]}-models";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mlflow.source.git.commit"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"commit/{fullName.ToUpperInvariant()}/{version}"))))[..40],
            ["mlflow.source.git.repoURL"] = $"https://github.com/contoso/{repository}",
            ["mlflow.source.name"] = $"/Workspace/Repos/ml/{repository}/train_{parts[2]}",
            ["mlflow.databricks.runtime"] = DatabricksRuntime,
            ["environment.python"] = "3.12.3",
        };
    }

    /// <summary>
    /// The tags a release job puts on every version it registers: the artefacts' hash (a stable stand-in, since the
    /// simulator holds no file contents: the hash of the run id and the artefact paths and sizes), the features, the
    /// target column and the pinned requirements.
    /// </summary>
    private static Dictionary<string, string> LineageTags(TrainingRun run, IReadOnlyList<string> features)
    {
        var manifest = string.Join('\n', run.Artifacts.Order(StringComparer.Ordinal).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a} {FileSizeOf(a)}")));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["artifact_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{run.RunId}\n{manifest}"))),
            ["features"] = string.Join(',', features),
            ["target"] = TargetColumn,
            ["environment.requirements"] = "lightgbm==4.5.0, mlflow==2.19.0, pandas==2.2.3, scikit-learn==1.5.2",
        };
    }

    /// <summary>
    /// The Delta tables a run trains and evaluates on, as <c>mlflow.log_input</c> records them: the training table at a
    /// version that moves with the model version, the hold-out table at a fixed one, both with the features and target.
    /// </summary>
    private static List<DatasetInput> DatasetsOf(string fullName, int version, IReadOnlyList<string> features)
    {
        ColumnSpecSchema columns = new([.. features.Select(f => new ColumnSpec("double", f, Required: true)), new ColumnSpec("long", TargetColumn, Required: true)]);
        var schema = JsonSerializer.Serialize(columns, ApiJson.Databricks);
        return
        [
            Dataset("training", $"{fullName}_training", 40 + version, rows: 184_213),
            Dataset("evaluation", $"{fullName}_holdout", 17, rows: 46_052),
        ];

        DatasetInput Dataset(string context, string table, long tableVersion, long rows) => new(
            [new KeyValueTag("mlflow.data.context", context)],
            new DatasetBody(
                table[(table.LastIndexOf('.') + 1)..],
                Digest(string.Create(CultureInfo.InvariantCulture, $"dataset/{table.ToUpperInvariant()}/{tableVersion}"))[..8],
                "delta",
                JsonSerializer.Serialize(new DeltaDatasetSource(table, tableVersion, IsDatabricksUcTable: true, Uuid($"table/{table.ToUpperInvariant()}")), ApiJson.Databricks),
                schema,
                JsonSerializer.Serialize(new DatasetProfile(rows, rows * columns.MlflowColspec.Count), ApiJson.Databricks)));
    }

    /// <summary>Where Unity Catalog keeps a version's files: the metastore's storage, by model and version id.</summary>
    private static string StorageLocationOf(ModelVersion version) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"abfss://unity-catalog@contosometastore.dfs.core.windows.net/{Uuid("metastore")}/models/{Uuid($"model/{version.FullName.ToUpperInvariant()}")}/versions/{Uuid($"version/{version.FullName.ToUpperInvariant()}/{version.Version}")}");

    /// <summary>A stable id in Unity Catalog's form (a UUID) for a label.</summary>
    private static string Uuid(string label) => Guid.ParseExact(Digest(label), "N").ToString("D");

    private ModelVersionInfo Describe(ModelVersion version)
    {
        var model = models[version.FullName];
        var parts = version.FullName.Split('.');
        return new ModelVersionInfo(
            ModelName: parts[2],
            CatalogName: parts[0],
            SchemaName: parts[1],
            Version: version.Version,
            RunId: version.RunId,
            Status: "READY",
            Source: SourceOf(version),
            StorageLocation: StorageLocationOf(version),
            Aliases: [.. SortedAliases(model).Where(a => a.Value == version.Version).Select(a => new ModelAlias(a.Key, a.Value))],
            CreatedAt: Millis(version.CreatedAt),
            CreatedBy: version.CreatedBy);
    }

    private static RegisteredModelInfo Describe(RegisteredModel model, bool includeAliases)
    {
        var parts = model.FullName.Split('.');
        return new RegisteredModelInfo(
            Name: parts[2],
            CatalogName: parts[0],
            SchemaName: parts[1],
            FullName: model.FullName,
            Owner: model.Owner,
            CreatedAt: Millis(model.CreatedAt),
            CreatedBy: Creator,
            Aliases: includeAliases ? [.. SortedAliases(model).Select(a => new ModelAlias(a.Key, a.Value))] : null);
    }

    private static IOrderedEnumerable<KeyValuePair<string, int>> SortedAliases(RegisteredModel model) =>
        model.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal);

    private static List<KeyValueTag> Tags(IReadOnlyDictionary<string, string> tags) =>
        [.. tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyValueTag(t.Key, t.Value))];

    private static string SourceOf(ModelVersion version) =>
        $"dbfs:/databricks/mlflow-tracking/{version.ExperimentId}/{version.RunId}/artifacts/model";

    /// <summary>A stable, made-up size, so listings read the same every time.</summary>
    private static long FileSizeOf(string path) => 128 + (BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(path))) % 65_536);

    /// <summary>A stable point in [0, 1) for a label: the simulator's deterministic stand-in for a random draw.</summary>
    internal static double Uniform(string label) =>
        (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(label))) >> 11) * (1.0 / (1UL << 53));

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
            [.. run.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new RunTag(t.Key, t.Value))]),
        new RunInputs(run.Datasets));

    private ServingEndpoint FindEndpoint(string name, string? modelIfCreated)
    {
        if (endpoints.TryGetValue(name, out var endpoint))
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
        var registered = models.TryGetValue(model, out var known) && known.Versions.TryGetValue(version, out var existing)
            ? existing
            : Register(model, version, VersionSeed.Default);
        var entity = new ServedEntity(DefaultEntityName(registered.FullName, version), registered.FullName, version, "Small", ScaleToZeroEnabled: true);
        var endpoint = new ServingEndpoint(name, Digest($"endpoint/{name}"), now);
        Apply(endpoint, new ServingConfig([entity], [new ServingRoute(entity.Name, 100)]), now);
        endpoints[name] = endpoint;
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
        foreach (var endpoint in endpoints.Values)
        {
            if (endpoint.Pending is { } pending && now >= endpoint.PendingLiveAt)
            {
                if (endpoint.PendingFailure is not null)
                {
                    // Databricks keeps the previous config live and reports the failed update until the next one.
                    endpoint.Pending = null;
                    endpoint.UpdateFailed = true;
                    endpoint.LastUpdatedAt = endpoint.PendingLiveAt;
                    continue;
                }

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
        endpoint.UpdateFailed = false;
        endpoint.LastUpdatedAt = at;
    }

    private void RefreshProfiles(DateTimeOffset now)
    {
        foreach (var endpoint in endpoints.Values)
        {
            foreach (var (entity, counters) in endpoint.Counters.Values)
            {
                counters.ChangeAt(now, RateOf(endpoint.Live, entity), ProfileOf(endpoint.Name, entity.EntityVersion));
            }
        }
    }

    private double RateOf(ServingConfig config, ServedEntity entity) => config.PercentOf(entity.Name) / 100.0 * options.RequestsPerSecond;

    private LatencyProfile ProfileOf(string endpoint, int version) =>
        regressions.GetValueOrDefault((endpoint, version)) ?? LatencyProfile.Healthy;

    private static ServingEndpointDetailed Describe(ServingEndpoint endpoint) => new(
        endpoint.Name,
        endpoint.Id,
        Creator,
        Millis(endpoint.CreatedAt),
        Millis(endpoint.LastUpdatedAt),
        new EndpointState("READY", ConfigUpdateOf(endpoint)),
        new EndpointConfigOutput(
            [.. endpoint.Live.Entities.Select(e => Output(e, endpoint.Counters[e.Name].Counters.CreatedAt))],
            TrafficOf(endpoint.Live),
            endpoint.LiveConfigVersion),
        endpoint.Pending is { } pending
            ? new PendingConfigOutput([.. pending.Entities.Select(e => Output(e, createdAt: null))], TrafficOf(pending), endpoint.LiveConfigVersion + 1, Millis(endpoint.PendingStartedAt))
            : null);

    private static string ConfigUpdateOf(ServingEndpoint endpoint) =>
        endpoint.Pending is not null ? "IN_PROGRESS" : endpoint.UpdateFailed ? "UPDATE_FAILED" : "NOT_UPDATING";

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
        ConfigUpdateOf(endpoint),
        endpoint.LiveConfigVersion,
        RoutesOf(endpoint.Live),
        endpoint.Pending is { } pending ? RoutesOf(pending) : null);

    private sealed class RegisteredModel(string fullName, DateTimeOffset createdAt)
    {
        public string FullName { get; } = fullName;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string Owner { get; set; } = Creator;

        public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<int, ModelVersion> Versions { get; } = [];

        public Dictionary<string, int> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record ModelVersion(
        string FullName,
        int Version,
        string RunId,
        string ExperimentId,
        DateTimeOffset CreatedAt,
        string CreatedBy,
        IReadOnlyDictionary<string, string> Tags);

    private sealed record TrainingRun(
        string RunId,
        string ExperimentId,
        string RunName,
        DateTimeOffset StartedAt,
        DateTimeOffset EndedAt,
        IReadOnlyDictionary<string, double> Metrics,
        IReadOnlyDictionary<string, string> Params,
        IReadOnlyList<string> Artifacts,
        IReadOnlyDictionary<string, string> Tags,
        IReadOnlyList<DatasetInput> Datasets);

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

        /// <summary>Why the pending update will fail when it is due, or null when it will go live.</summary>
        public string? PendingFailure { get; set; }

        /// <summary>The last update failed: <c>config_update</c> is <c>UPDATE_FAILED</c> until the next one.</summary>
        public bool UpdateFailed { get; set; }
    }
}
