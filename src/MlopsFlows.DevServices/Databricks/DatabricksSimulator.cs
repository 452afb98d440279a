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
/// Serving REST calls our adapters make, with deterministic serving telemetry and switchable regressions. Each instance
/// has its own state, so several can run in one process.
/// </summary>
public sealed class DatabricksSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatedWorkspace _workspace;
    private int _disposed;

    private DatabricksSimulator(WebApplication app, SimulatedWorkspace workspace, int port, string token)
    {
        _app = app;
        _workspace = workspace;
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

    /// <summary>Every request received so far (the latest 10,000), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> RequestLog => _workspace.RequestLog();

    public static async Task<DatabricksSimulator> StartAsync(SimulatorOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Token, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConfigUpdateDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.RequestsPerSecond, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupRequests, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DatabricksSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));

        var app = builder.Build();
        var workspace = new SimulatedWorkspace(options);
        SimulatorEndpoints.Map(app, workspace, options.Token);
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
        return new DatabricksSimulator(app, workspace, new Uri(address).Port, options.Token);
    }

    /// <summary>
    /// Registers a Unity Catalog model version and its MLflow training run (default metrics auc 0.82, log_loss 0.41,
    /// accuracy 0.9). Registering it again replaces its metrics and parameters. Returns the run id.
    /// </summary>
    public string AddModelVersion(
        string model, int version, IReadOnlyDictionary<string, double>? metrics = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithModelName(model), nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        return _workspace.AddModelVersion(model, version, metrics, parameters);
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
        _workspace.AddServingEndpoint(name, model, version);
    }

    /// <summary>
    /// From now on, version <paramref name="version"/> on <paramref name="endpoint"/> answers <paramref name="addedLatencyMs"/>
    /// slower and fails (5xx) at <paramref name="errorRate"/>: for requests counted from now on, and for the warm-up of
    /// served entities created from now on. The endpoint need not exist yet.
    /// </summary>
    public void InjectRegression(string endpoint, int version, double addedLatencyMs, double errorRate)
    {
        ThrowIfProblem(SimulatedWorkspace.ProblemWithEndpointName(endpoint), nameof(endpoint));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ThrowIfProblem(SimulatorEndpoints.ProblemWithRegression(addedLatencyMs, errorRate), nameof(addedLatencyMs));
        _workspace.InjectRegression(endpoint, version, addedLatencyMs, errorRate);
    }

    /// <summary>Every version answers healthily again, for requests counted from now on.</summary>
    public void ClearRegressions() => _workspace.ClearRegressions();

    /// <summary>The live routes of an endpoint, one per served entity (0% for one without a route).</summary>
    /// <exception cref="KeyNotFoundException">No such endpoint.</exception>
    public IReadOnlyList<SimulatedRoute> GetTraffic(string endpoint) => _workspace.GetTraffic(endpoint);

    /// <summary>True while a config update of the endpoint is in progress.</summary>
    /// <exception cref="KeyNotFoundException">No such endpoint.</exception>
    public bool IsUpdating(string endpoint) => _workspace.IsUpdating(endpoint);

    /// <summary>The model's aliases and the versions they point at; empty for an unknown model.</summary>
    public IReadOnlyDictionary<string, int> GetAliases(string model) => _workspace.GetAliases(model);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void ThrowIfProblem(string? problem, string parameter)
    {
        if (problem is not null)
        {
            throw new ArgumentException(problem, parameter);
        }
    }
}
