using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>
/// A simulated Azure Databricks workspace: a real HTTP server on loopback answering the Unity Catalog, MLflow and Model
/// Serving REST calls our adapters make (served-model invocations included), with deterministic serving telemetry and
/// switchable regressions. Each instance
/// has its own state, so several can run in one process.
/// </summary>
public sealed class DatabricksSimulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SimulatedWorkspace workspace;
    private readonly SimulatedFeatures features;
    private readonly bool ownsFeatureFolder;
    private int disposed;

    private DatabricksSimulator(WebApplication app, SimulatedWorkspace workspace, SimulatedFeatures features, bool ownsFeatureFolder, int port, string token)
    {
        this.app = app;
        this.workspace = workspace;
        this.features = features;
        this.ownsFeatureFolder = ownsFeatureFolder;
        Port = port;
        Token = token;
    }

    /// <summary>
    /// The workspace URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>: the form a Databricks host is
    /// written in configuration (a string so it drops straight into settings and command lines).
    /// </summary>
    public string BaseUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    public int Port { get; }

    /// <summary>The token <c>/api/*</c> requests must send as <c>Authorization: Bearer …</c>.</summary>
    public string Token { get; }

    /// <summary>The folder the simulated feature files go to (<see cref="SimulatorOptions.FeatureDataRoot"/>), as a full path.</summary>
    public string FeatureDataRoot => features.Root;

    /// <summary>Every request received so far (the latest 10,000), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> RequestLog => workspace.RequestLog();

    public static async Task<DatabricksSimulator> StartAsync(SimulatorOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Token, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConfigUpdateDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.RequestsPerSecond, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupRequests, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.InvocationLatencyScale, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.JobRunDuration, TimeSpan.Zero, nameof(options));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DatabricksSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));

        var app = builder.Build();
        var workspace = new SimulatedWorkspace(options);
        var ownsFeatureFolder = options.FeatureDataRoot is null;
        var features = new SimulatedFeatures(options.FeatureDataRoot ?? Path.Combine(Path.GetTempPath(), "mlopsflows-sim-features-" + Guid.NewGuid().ToString("N")[..12]));
        SimulatorEndpoints.Map(app, workspace, features, options.Token, options.TimeProvider);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new DatabricksSimulator(app, workspace, features, ownsFeatureFolder, new Uri(address).Port, options.Token);
    }

    /// <summary>
    /// Registers a Unity Catalog model version and its MLflow training run. Registering it again replaces all of these;
    /// left out, each takes its default: metrics auc 0.82, log_loss 0.41, accuracy 0.9; created by
    /// <c>simulator@localhost</c>; artifacts an MLflow model folder (<c>model/MLmodel</c>, <c>model/model.pkl</c>, …);
    /// run tags of a training job from git on a Databricks ML runtime (<c>mlflow.source.git.commit</c>, …); features of
    /// a credit model. Every version carries lineage: <c>source</c> and <c>storage_location</c>, the run's logged
    /// training and evaluation Delta tables (<c>inputs.dataset_inputs</c>), and the version tags a release job sets
    /// (<c>artifact_sha256</c>, <c>features</c>, <c>target</c>, <c>environment.requirements</c>). Returns the run id.
    /// </summary>
    /// <param name="tags">The version's tags (e.g. <c>model_card.intended_use</c>), laid over its lineage tags.</param>
    /// <param name="createdBy">Who registered the version (<c>created_by</c>).</param>
    /// <param name="artifacts">File paths the run logged, relative to its artifact root; folders follow from them.</param>
    /// <param name="runTags">The training run's tags, instead of the default ones.</param>
    /// <param name="features">The model's features: the columns of its training data besides the target.</param>
    public string AddModelVersion(
        string model,
        int version,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyDictionary<string, string>? tags = null,
        string? createdBy = null,
        IReadOnlyList<string>? artifacts = null,
        IReadOnlyDictionary<string, string>? runTags = null,
        IReadOnlyList<string>? features = null)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithModelName(model), nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        return workspace.AddModelVersion(model, version, new VersionSeed(metrics, parameters, tags, createdBy, artifacts, runTags, features));
    }

    /// <summary>
    /// Sets the registered model's owner and tags (its inventory entry, e.g. <c>risk_tier</c>), registering the model if
    /// needed; null leaves either as it is. Default owner <c>simulator@localhost</c>, no tags.
    /// </summary>
    public void SetRegisteredModel(string model, string? owner = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithModelName(model), nameof(model));
        workspace.SetRegisteredModel(model, owner, tags);
    }

    /// <summary>
    /// Creates serving endpoint <paramref name="name"/> serving <paramref name="version"/> of <paramref name="model"/> at
    /// 100% (registering the version if needed). An existing endpoint of that name is replaced, counters and all.
    /// </summary>
    public void AddServingEndpoint(string name, string model, int version)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithEndpointName(name), nameof(name));
        ThrowIfProblem(SimulatedWorkspace.ProblemWithModelName(model), nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        workspace.AddServingEndpoint(name, model, version);
    }

    /// <summary>
    /// From now on, version <paramref name="version"/> on <paramref name="endpoint"/> answers <paramref name="addedLatencyMs"/>
    /// slower and fails (5xx) at <paramref name="errorRate"/>: for requests counted from now on, for the warm-up of
    /// served entities created from now on, and for invocations; its invocations' predictions move by
    /// <paramref name="predictionShift"/>. The endpoint need not exist yet.
    /// </summary>
    public void InjectRegression(string endpoint, int version, double addedLatencyMs, double errorRate, double predictionShift = 0)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithEndpointName(endpoint), nameof(endpoint));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ThrowIfProblem(SimulatorEndpoints.ProblemWithRegression(addedLatencyMs, errorRate, predictionShift), nameof(addedLatencyMs));
        workspace.InjectRegression(endpoint, version, addedLatencyMs, errorRate, predictionShift);
    }

    /// <summary>
    /// Writes the features <paramref name="model"/> receives in <paramref name="environment"/>: its reference (once) and
    /// one batch per <paramref name="batch"/> from <paramref name="from"/> for <paramref name="duration"/>, drifted by
    /// <paramref name="shift"/> standard deviations (0: none). See <see cref="SimulatedFeatures"/>.
    /// </summary>
    public WrittenFeatures WriteFeatures(string model, string environment, DateTimeOffset from, TimeSpan duration, TimeSpan batch, int rowsPerBatch, double shift = 0)
    {
        ThrowIfProblem(SimulatedFeatures.Problem(model, environment, shift, rowsPerBatch, duration, batch), nameof(model));
        return features.Write(model, environment, from, duration, batch, rowsPerBatch, shift);
    }

    /// <summary>Every version answers healthily again, for requests counted from now on.</summary>
    public void ClearRegressions() => workspace.ClearRegressions();

    /// <summary>The live routes of an endpoint, one per served entity (0% for one without a route).</summary>
    /// <exception cref="KeyNotFoundException">No such endpoint.</exception>
    public IReadOnlyList<SimulatedRoute> GetTraffic(string endpoint) => workspace.GetTraffic(endpoint);

    /// <summary>
    /// The next config update of <paramref name="endpoint"/> is accepted, stays <c>IN_PROGRESS</c> for the usual delay
    /// and then fails: the previous config stays live and <c>config_update</c> reads <c>UPDATE_FAILED</c> until the next update.
    /// </summary>
    public void FailNextConfigUpdate(string endpoint, string reason = "Served entity failed to deploy (simulated).")
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithEndpointName(endpoint), nameof(endpoint));
        workspace.FailNextConfigUpdate(endpoint, reason);
    }

    /// <summary>
    /// Runs of job <paramref name="jobId"/> started from now on terminate with <c>status.termination_details.code</c>
    /// <paramref name="code"/> (type <c>CLIENT_ERROR</c>) instead of <c>SUCCESS</c>.
    /// </summary>
    public void FailJobRuns(long jobId, string code = "RUN_EXECUTION_ERROR", string message = "Task failed (simulated).")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        workspace.Jobs.FailRuns(jobId, code, message ?? string.Empty);
    }

    /// <summary>True while a config update of the endpoint is in progress.</summary>
    /// <exception cref="KeyNotFoundException">No such endpoint.</exception>
    public bool IsUpdating(string endpoint) => workspace.IsUpdating(endpoint);

    /// <summary>The model's aliases and the versions they point at; empty for an unknown model.</summary>
    public IReadOnlyDictionary<string, int> GetAliases(string model) => workspace.GetAliases(model);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        if (ownsFeatureFolder && Directory.Exists(features.Root))
        {
            Directory.Delete(features.Root, recursive: true);
        }
    }

    private static void ThrowIfProblem(string? problem, string parameter)
    {
        if (problem is not null)
        {
            throw new ArgumentException(problem, parameter);
        }
    }
}
