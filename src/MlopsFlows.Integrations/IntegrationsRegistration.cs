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
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations;

/// <summary>The table of contents of the adapters: every port implementation, its options and its HTTP client.</summary>
public static class IntegrationsRegistration
{
    /// <summary>Everything: Databricks, evidence storage and the approval notifier.</summary>
    public static IServiceCollection AddMlopsFlowsIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        return services
            .AddDatabricksIntegration(configuration)
            .AddEvidenceStorage(configuration)
            .AddApprovalNotifier();
    }

    /// <summary>
    /// <see cref="IModelRegistry"/>, <see cref="IServingEndpoints"/> and <see cref="IServingTelemetry"/> over the
    /// Databricks REST API, options from <c>MlopsFlows:Databricks</c>.
    /// </summary>
    public static IServiceCollection AddDatabricksIntegration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DatabricksOptions>()
            .Bind(configuration.GetSection(DatabricksOptions.SectionName))
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
    private static IHttpClientBuilder AddDatabricksPipeline(this IHttpClientBuilder client)
    {
        client.ConfigureHttpClient((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<DatabricksOptions>>().Value;
            var workspace = options.WorkspaceUrl!.AbsoluteUri;

            // A trailing slash keeps a path prefix of the workspace URL when relative API paths are resolved against it.
            http.BaseAddress = new Uri(workspace.EndsWith('/') ? workspace : workspace + "/");

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
}
