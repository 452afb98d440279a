using System.Net;
using DurableTask.AzureStorage;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.Options;
using MlopsFlows.Api;
using MlopsFlows.Api.Approvals;
using MlopsFlows.Api.Audit;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;
using MlopsFlows.Api.Webhooks;
using MlopsFlows.DevServices;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Policies;
using MlopsFlows.Local.Engine;

namespace MlopsFlows.Local;

/// <summary>
/// The local host: storage (Azurite started when nothing answers), the Durable engine over it, the releases,
/// incidents and monitors API on 127.0.0.1, and optionally the Databricks simulator. Everything it started, it stops on dispose.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--api-port"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.ApiPort)}",
        ["--task-hub"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.TaskHub)}",
        ["--storage"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.StorageConnectionString)}",
        ["--data"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.AzuriteDataFolder)}",
        ["--azurite-blob-port"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.AzuriteBlobPort)}",
        ["--azurite-queue-port"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.AzuriteQueuePort)}",
        ["--azurite-table-port"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.AzuriteTablePort)}",
        ["--simulator"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.Simulator)}",
        ["--microsoft365"] = $"{LocalHostOptions.Section}:{nameof(LocalHostOptions.Microsoft365)}",
        ["--databricks-url"] = "MlopsFlows:Databricks:WorkspaceUrl",
        ["--databricks-token"] = "MlopsFlows:Databricks:Token",
    };

    // The engine and ASP.NET Core log every poll and request at Information; the host's own log is what an operator reads.
    private static readonly Dictionary<string, string?> QuietFrameworkLogs = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
        ["Logging:LogLevel:DurableTask"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    private readonly LocalStorage storage;
    private readonly DatabricksSimulator? simulator;
    private readonly SimulatedMicrosoft365? microsoft365;
    private readonly DurableTask.Core.IOrchestrationService orchestrationService;

    private LocalHost(
        WebApplication app,
        Uri apiBaseUrl,
        LocalStorage storage,
        DatabricksSimulator? simulator,
        SimulatedMicrosoft365? microsoft365,
        DurableTask.Core.IOrchestrationService orchestrationService)
    {
        App = app;
        ApiBaseUrl = apiBaseUrl;
        this.storage = storage;
        this.simulator = simulator;
        this.microsoft365 = microsoft365;
        this.orchestrationService = orchestrationService;
    }

    public WebApplication App { get; }

    public Uri ApiBaseUrl { get; }

    public string StorageConnectionString => storage.ConnectionString;

    /// <summary>The in-process Databricks simulator, when the host started one.</summary>
    public DatabricksSimulator? Simulator => simulator;

    /// <summary>The simulated identity provider, directory, Teams and mail, when the host started them (with the simulator).</summary>
    public SimulatedMicrosoft365? Microsoft365 => microsoft365;

    /// <summary>Command-line switches (e.g. <c>--api-port 0</c>) and any <c>--Section:Key=value</c> become configuration.</summary>
    public static IConfiguration ReadConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(QuietFrameworkLogs)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, Switches)
            .Build();

    public static Task<LocalHost> StartAsync(IConfiguration configuration, CancellationToken cancellationToken = default) =>
        StartAsync(configuration, moreTasks: null, moreServices: null, cancellationToken);

    /// <param name="moreTasks">Extra orchestrators and activities (benchmark baselines) on the same worker.</param>
    /// <param name="moreServices">Extra or replacing service registrations, applied last.</param>
    /// <summary>Where the local packet signing key lives: <c>keys/packet-signing.pem</c> beside the Azurite data folder.</summary>
    public static string LocalSigningKeyPath(LocalHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = Path.GetDirectoryName(Path.GetFullPath(options.AzuriteDataFolder)) ?? Path.GetFullPath(".mlopsflows");
        return Path.Combine(data, "keys", "packet-signing.pem");
    }

    public static async Task<LocalHost> StartAsync(
        IConfiguration configuration,
        Action<DurableTaskRegistry>? moreTasks,
        Action<IServiceCollection>? moreServices,
        CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        var validation = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), validation, validateAllProperties: true))
        {
            throw new OptionsValidationException(LocalHostOptions.Section, typeof(LocalHostOptions), validation.Select(v => v.ErrorMessage ?? "invalid"));
        }

        var storage = await LocalStorage.EnsureAsync(options, cancellationToken);
        DatabricksSimulator? simulator = null;
        SimulatedMicrosoft365? microsoft365 = null;

        // Chosen before start: approval links and actionable-message tokens name the host's address.
        var apiPort = options.ApiPort == 0 ? FreePort.Next() : options.ApiPort;
        var apiBaseUrl = new Uri($"http://127.0.0.1:{apiPort}/");
        try
        {
            var settings = new Dictionary<string, string?>();
            if (string.IsNullOrWhiteSpace(configuration["MlopsFlows:Evidence:ConnectionString"]))
            {
                settings["MlopsFlows:Evidence:ConnectionString"] = storage.ConnectionString;
            }

            // Packets are signed locally with a key of the machine's own, made on first use beside the Azurite data.
            if (string.IsNullOrWhiteSpace(configuration["MlopsFlows:Packets:Signing:KeyVaultKeyId"])
                && string.IsNullOrWhiteSpace(configuration["MlopsFlows:Packets:Signing:LocalKeyPath"]))
            {
                settings["MlopsFlows:Packets:Signing:LocalKeyPath"] = LocalSigningKeyPath(options);
                settings["MlopsFlows:Packets:Signing:CreateLocalKey"] = "true";
            }

            if (options.Simulator)
            {
                // The simulator writes the features models receive where the monitor reads them: the configured folder, else its own.
                var featureRoot = configuration[$"{MonitoringDataOptions.SectionName}:{nameof(MonitoringDataOptions.Root)}"];
                simulator = await DatabricksSimulator.StartAsync(
                    new SimulatorOptions { FeatureDataRoot = string.IsNullOrWhiteSpace(featureRoot) ? null : featureRoot }, cancellationToken);
                settings["MlopsFlows:Databricks:WorkspaceUrl"] = simulator.BaseUrl;
                settings["MlopsFlows:Databricks:Token"] = simulator.Token;
                settings[$"{MonitoringDataOptions.SectionName}:{nameof(MonitoringDataOptions.Root)}"] = simulator.FeatureDataRoot;

                // The simulator applies a config update in well under a second; poll it as often.
                settings["MlopsFlows:Databricks:ConfigUpdatePollInterval"] = "00:00:00.200";
            }

            if (options.SimulatesMicrosoft365)
            {
                var people = configuration.GetSection(ConfiguredApproverDirectoryOptions.SectionName).Get<List<ConfiguredApprover>>() ?? [];
                microsoft365 = await SimulatedMicrosoft365.StartAsync(people, cancellationToken);
                foreach (var (key, value) in microsoft365.Settings(apiBaseUrl))
                {
                    settings[key] = value;
                }
            }

            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddConfiguration(configuration);
            builder.Configuration.AddInMemoryCollection(settings);

            var orchestrationService = await LocalDurableEngine.CreateOrchestrationServiceAsync(options, storage.ConnectionString);
            builder.AddLocalDurableEngine(orchestrationService, FreePort.Next(), moreTasks);
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Loopback, apiPort, listen => listen.Protocols = HttpProtocols.Http1));
            builder.Services.AddReleasesApi(builder.Configuration);
            builder.Services.AddMlopsFlowsIntegrations(builder.Configuration);
            builder.Services.AddPolicies(builder.Configuration);
            moreServices?.Invoke(builder.Services);

            var app = builder.Build();

            // A bad policy file stops the host here, naming file and line, before any release can start.
            app.Services.GetRequiredService<Domain.Policies.PolicySet>();
            app.UseExceptionHandler();
            app.MapLocalDurableEngine();
            app.MapReleasesApi();
            app.MapApprovalsApi();
            app.MapDatabricksWebhook();
            app.MapIncidentsApi();
            app.MapAuditApi();
            if (microsoft365 is not null)
            {
                app.MapDevelopmentSignIn(microsoft365);
            }

            await app.StartAsync(cancellationToken);

            // The worker may have dialled the sidecar before Kestrel listened and left the shared channel in
            // back-off; connect it now so the first API call does not fail with "Unavailable".
            await app.Services.GetRequiredService<GrpcChannel>().ConnectAsync(cancellationToken);

            // The engine as the sidecar holds it, so both stop the storage provider through one guarded stop.
            return new LocalHost(app, apiBaseUrl, storage, simulator, microsoft365, app.Services.GetRequiredService<DurableTask.Core.IOrchestrationService>());
        }
        catch
        {
            if (simulator is not null)
            {
                await simulator.DisposeAsync();
            }

            if (microsoft365 is not null)
            {
                await microsoft365.DisposeAsync();
            }

            await storage.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));

            // The worker first: while its work-item stream is open, Kestrel waits out the whole grace period.
            foreach (var worker in App.Services.GetServices<IHostedService>().OfType<DurableTaskWorker>())
            {
                await worker.StopAsync(grace.Token);
            }

            await App.StopAsync(grace.Token);
        }
        finally
        {
            await App.DisposeAsync();

            // The sidecar does not stop the storage provider's own pollers; without this they keep going for a minute.
            await orchestrationService.StopAsync(isForced: true);
            if (simulator is not null)
            {
                await simulator.DisposeAsync();
            }

            if (microsoft365 is not null)
            {
                await microsoft365.DisposeAsync();
            }

            await storage.DisposeAsync();
        }
    }
}
