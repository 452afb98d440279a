using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations;

/// <summary>The table of contents of the adapters: every port implementation, its options and its HTTP client.</summary>
public static class IntegrationsRegistration
{
    /// <summary>Everything: Databricks, evidence storage, evaluation data, the approver directory and the approval notifier.</summary>
    public static IServiceCollection AddMlopsFlowsIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        return services
            .AddDatabricksIntegration(configuration)
            .AddEvidenceStorage(configuration)
            .AddEvaluationData(configuration)
            .AddConfiguredApproverDirectory(configuration)
            .AddApprovalNotifier()
            .AddMonitoringIntegrations(configuration);
    }

    /// <summary>
    /// <see cref="IModelRegistry"/>, <see cref="IServingEndpoints"/>, <see cref="IServingTelemetry"/>,
    /// <see cref="ICanaryTelemetry"/> and <see cref="IShadowTraffic"/> over the Databricks REST API, options from
    /// <c>MlopsFlows:Databricks</c> (and its <c>Canary</c> and <c>Shadow</c> sections).
    /// </summary>
    public static IServiceCollection AddDatabricksIntegration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DatabricksOptions>()
            .Bind(configuration.GetSection(DatabricksOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<CanaryTelemetryOptions>()
            .Bind(configuration.GetSection(CanaryTelemetryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ShadowReplayOptions>()
            .Bind(configuration.GetSection(ShadowReplayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DatabricksAccessTokens(
            sp.GetRequiredService<IOptions<DatabricksOptions>>(),
            // Only asked for when no personal access token is configured; a host may register its own credential.
            sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddTransient<DatabricksAuthenticationHandler>();

        services.AddHttpClient<IModelRegistry, DatabricksModelRegistry>().AddDatabricksPipeline();
        services.AddHttpClient<IServingEndpoints, DatabricksServingEndpoints>().AddDatabricksPipeline();
        services.AddHttpClient<IServingTelemetry, DatabricksServingTelemetry>().AddDatabricksPipeline();
        services.AddHttpClient<ICanaryTelemetry, DatabricksCanaryTelemetry>().AddDatabricksPipeline();
        services.AddHttpClient<IShadowTraffic, DatabricksShadowTraffic>().AddDatabricksPipeline();

        // Replayed invocations are measured, so they are never retried: address, timeout and token only.
        services.AddHttpClient(DatabricksShadowTraffic.InvocationClientName)
            .ConfigureHttpClient((sp, http) =>
            {
                http.BaseAddress = WorkspaceBase(sp.GetRequiredService<IOptions<DatabricksOptions>>().Value);
                http.Timeout = sp.GetRequiredService<IOptions<ShadowReplayOptions>>().Value.InvocationTimeout;
            })
            .AddHttpMessageHandler<DatabricksAuthenticationHandler>();

        // Not a Databricks call: retried like one, but it never carries the workspace token.
        services.AddHttpClient<InferencePredictionSource>().AddStandardResilienceHandler();
        return services;
    }

    /// <summary><see cref="IEvaluationData"/> over files under a root folder, options from <c>MlopsFlows:EvaluationData</c>.</summary>
    public static IServiceCollection AddEvaluationData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EvaluationDataOptions>()
            .Bind(configuration.GetSection(EvaluationDataOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "MlopsFlows:EvaluationData:Root must name a folder.")
            .ValidateOnStart();
        services.TryAddSingleton<IEvaluationData, FileEvaluationData>();
        return services;
    }

    /// <summary>
    /// <see cref="IApproverDirectory"/> from configuration: the list of people under <c>MlopsFlows:Approvers</c>
    /// (Microsoft Graph comes later).
    /// </summary>
    public static IServiceCollection AddConfiguredApproverDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConfiguredApproverDirectoryOptions>()
            .Configure(options =>
            {
                // The section is the list itself, so it is bound into People rather than onto the options.
                foreach (var person in configuration.GetSection(ConfiguredApproverDirectoryOptions.SectionName).Get<List<ConfiguredApprover>>() ?? [])
                {
                    options.People.Add(person);
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<ConfiguredApproverDirectoryOptions>>(
            new ConfigurationChangeTokenSource<ConfiguredApproverDirectoryOptions>(configuration.GetSection(ConfiguredApproverDirectoryOptions.SectionName)));
        services.TryAddSingleton<IApproverDirectory, ConfiguredApproverDirectory>();
        return services;
    }

    /// <summary><see cref="IEvidenceStore"/> on Blob and Table storage and <see cref="EvidenceVerifier"/>, options from <c>MlopsFlows:Evidence</c>.</summary>
    public static IServiceCollection AddEvidenceStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EvidenceStorageOptions>()
            .Bind(configuration.GetSection(EvidenceStorageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One store per process: it holds the storage clients and creates the container and table once.
        services.TryAddSingleton(sp => new AzureEvidenceStore(
            sp.GetRequiredService<IOptions<EvidenceStorageOptions>>(),
            sp.GetRequiredService<ILogger<AzureEvidenceStore>>(),
            sp.GetService<TokenCredential>()));
        services.TryAddSingleton<IEvidenceStore>(sp => sp.GetRequiredService<AzureEvidenceStore>());
        services.TryAddSingleton<EvidenceVerifier>();
        return services;
    }

    /// <summary><see cref="IApprovalNotifier"/> that writes the request to the log (Teams and email come later).</summary>
    public static IServiceCollection AddApprovalNotifier(this IServiceCollection services)
    {
        services.TryAddSingleton<IApprovalNotifier, LoggingApprovalNotifier>();
        return services;
    }

    /// <summary>
    /// Base address and the handlers of every Databricks client: retries of transient failures outside, the bearer
    /// token inside (so each attempt carries a current token).
    /// </summary>
    internal static IHttpClientBuilder AddDatabricksPipeline(this IHttpClientBuilder client)
    {
        client.ConfigureHttpClient((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<DatabricksOptions>>().Value;
            http.BaseAddress = WorkspaceBase(options);

            // The resilience pipeline owns timeouts; this only keeps HttpClient's own from cutting it short.
            http.Timeout = options.RequestTimeout + TimeSpan.FromSeconds(5);
        });

        client.AddStandardResilienceHandler().Configure((resilience, sp) =>
        {
            // Read without validation: invalid Databricks settings are reported once, by their own validation,
            // not again by each client's resilience options.
            var options = new OptionsFactory<DatabricksOptions>(
                sp.GetServices<IConfigureOptions<DatabricksOptions>>(),
                sp.GetServices<IPostConfigureOptions<DatabricksOptions>>()).Create(Options.DefaultName);
            resilience.Retry.MaxRetryAttempts = options.RetryAttempts;
            resilience.Retry.Delay = options.RetryDelay;
            resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
            resilience.Retry.UseJitter = true;
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = options.RequestTimeout;

            // The breaker must sample at least twice the attempt timeout (the standard pipeline validates it).
            var sampling = 2 * options.AttemptTimeout;
            resilience.CircuitBreaker.SamplingDuration = sampling > TimeSpan.FromSeconds(30) ? sampling : TimeSpan.FromSeconds(30);
        });

        client.AddHttpMessageHandler<DatabricksAuthenticationHandler>();
        return client;
    }

    private static Uri WorkspaceBase(DatabricksOptions options)
    {
        // A trailing slash keeps a path prefix of the workspace URL when relative API paths are resolved against it.
        var workspace = options.WorkspaceUrl!.AbsoluteUri;
        return new Uri(workspace.EndsWith('/') ? workspace : workspace + "/");
    }
}
