namespace MlopsFlows.DevServices.Databricks;

/// <summary>How the simulated workspace behaves. Every property has a default that suits a test run.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The personal access token every <c>/api/*</c> request must carry as <c>Bearer</c>. Default <c>dapi-local-simulator</c>.</summary>
    public string Token { get; init; } = "dapi-local-simulator";

    /// <summary>Loopback port to listen on. Default 0: a free port, read back into <see cref="DatabricksSimulator.BaseUrl"/>.</summary>
    public int Port { get; init; }

    /// <summary>How long a serving-endpoint config update stays <c>IN_PROGRESS</c> before it is live. Default 300 ms; zero makes updates live at once.</summary>
    public TimeSpan ConfigUpdateDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long a job run started with <c>run-now</c> stays <c>RUNNING</c> before it terminates. Default 300 ms.</summary>
    public TimeSpan JobRunDuration { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Requests per second an endpoint receives, shared among its served entities by traffic percentage. Default 50.</summary>
    public double RequestsPerSecond { get; init; } = 50;

    /// <summary>Requests every served entity has answered the moment it is created, so a new canary has data at once. Default 200.</summary>
    public int WarmupRequests { get; init; } = 200;

    /// <summary>
    /// Default true: unknown things that look real are created on first use instead of answering 404. A version of a
    /// three-part model name (<c>catalog.schema.model</c>) is registered with healthy default metrics; an unknown
    /// serving endpoint is created serving version 1 at 100% (of <c>main.default.&lt;endpoint&gt;</c>, or, for a config
    /// update, of the first model the update names). Turn it off to test 404 handling.
    /// </summary>
    public bool AutoCreate { get; init; } = true;

    /// <summary>
    /// How much of a served entity's simulated latency an invocation (<c>POST /serving-endpoints/{name}/served-models/{entity}/invocations</c>)
    /// really waits, on <see cref="TimeProvider"/>: 1 waits all of it (median 60 ms when healthy), 0 answers at once.
    /// Default 1.
    /// </summary>
    public double InvocationLatencyScale { get; init; } = 1;

    /// <summary>
    /// Where <c>POST /sim/features</c> writes the features served models receive (see <see cref="SimulatedFeatures"/>):
    /// point the monitor's feature reader (<c>MlopsFlows:Monitoring:Data:Root</c>) here. Default null: a folder of its own
    /// under the temporary folder, deleted when the simulator stops.
    /// </summary>
    public string? FeatureDataRoot { get; init; }

    /// <summary>The clock behind config-update delays, request counts and invocation latencies. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
