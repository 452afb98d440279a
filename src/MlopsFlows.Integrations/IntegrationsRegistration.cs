using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Audit;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Datasets;
using MlopsFlows.Integrations.Email;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Teams;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations;

/// <summary>The table of contents of the adapters: every port implementation, its options and its HTTP client.</summary>
public static class IntegrationsRegistration
{
    /// <summary>
    /// Everything: Databricks, evidence storage, evaluation data, the approver directory, the approval notifier, the
    /// monitoring adapters and the audit packet's PDF renderer.
    /// </summary>
    public static IServiceCollection AddMlopsFlowsIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        return services
            .AddDatabricksIntegration(configuration)
            .AddEvidenceStorage(configuration)
            .AddEvaluationData(configuration)
            .AddConfiguredApproverDirectory(configuration)
            .AddGraphApproverDirectory(configuration)
            .AddIdentity(configuration)
            .AddApprovalNotifier(configuration)
            .AddMonitoringIntegrations(configuration)
            .AddAuditPackets(configuration);
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
                http.DefaultRequestHeaders.UserAgent.Add(DatabricksHttp.UserAgent);
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

    /// <summary>
    /// <see cref="IEvidenceStore"/> on Blob and Table storage, <see cref="EvidenceVerifier"/>, the <see cref="IReleaseLedger"/>
    /// table and <see cref="IEvidenceImmutability"/> (<c>MlopsFlows:Evidence:Immutability</c>), options from <c>MlopsFlows:Evidence</c>.
    /// </summary>
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

        // The release ledger lives in the same storage account (table MlopsFlows:Evidence:ReleasesTableName).
        services.TryAddSingleton<IReleaseLedger>(sp => new AzureTableReleaseLedger(
            sp.GetRequiredService<IOptions<EvidenceStorageOptions>>(),
            sp.GetRequiredService<ILogger<AzureTableReleaseLedger>>(),
            sp.GetService<TokenCredential>()));
        services.TryAddSingleton<IEvidenceImmutability>(sp =>
            sp.GetRequiredService<IOptions<EvidenceStorageOptions>>().Value.ImmutabilityInForce == EvidenceImmutabilityMode.Azure
                ? new AzureBlobEvidenceImmutability(
                    sp.GetRequiredService<IOptions<EvidenceStorageOptions>>(),
                    sp.GetRequiredService<IEvidenceStore>(),
                    sp.GetRequiredService<ILogger<AzureBlobEvidenceImmutability>>(),
                    sp.GetService<TokenCredential>())
                : new HashChainOnlyEvidenceImmutability(
                    sp.GetRequiredService<IOptions<EvidenceStorageOptions>>(),
                    sp.GetRequiredService<IEvidenceStore>(),
                    sp.GetRequiredService<ILogger<HashChainOnlyEvidenceImmutability>>(),
                    sp.GetService<TokenCredential>()));
        return services;
    }

    /// <summary>
    /// <see cref="IApprovalNotifier"/>: the log always, Teams cards when <c>MlopsFlows:Teams:BotAppId</c> is set and mail
    /// when <c>MlopsFlows:Email:ServiceMailbox</c> is set (see <see cref="TeamsOptions"/>, <see cref="EmailOptions"/>).
    /// Deliveries are remembered in the evidence storage account's <see cref="ApprovalDeliveries.TableName"/> table.
    /// </summary>
    public static IServiceCollection AddApprovalNotifier(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.SectionName))
            .Configure(o =>
            {
                // Shared with the endpoints that receive the actions (MlopsFlows.Api ApprovalsOptions).
                o.PublicBaseUrl ??= configuration.GetValue<Uri?>("MlopsFlows:Approvals:PublicBaseUrl");
                o.Originator ??= configuration["MlopsFlows:Approvals:ActionableMessageOriginator"];
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoggingApprovalNotifier>();
        services.TryAddSingleton(sp => ApprovalDeliveries.Create(sp.GetRequiredService<IOptions<EvidenceStorageOptions>>().Value, sp.GetService<TokenCredential>()));

        services.TryAddKeyedSingleton<IAccessTokenSource>("teams", (sp, _) =>
        {
            var credentials = sp.GetRequiredService<IOptions<TeamsOptions>>().Value.ClientCredentials;
            var time = sp.GetRequiredService<TimeProvider>();
            return credentials is { TokenEndpoint: not null }
                ? new ClientCredentialsTokenSource(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient("MlopsFlows.Teams.Token"), credentials, time, sp.GetRequiredService<ILogger<ClientCredentialsTokenSource>>())
                : new AzureCredentialTokenSource(
                    sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(), time, sp.GetRequiredService<ILogger<AzureCredentialTokenSource>>());
        });
        services.AddHttpClient("MlopsFlows.Teams.Token").AddStandardResilienceHandler();

        // Sends are not retried here (a retried POST could post a card or a mail twice): the notification activity
        // retries, and the deliveries table skips what was already delivered.
        services.AddHttpClient(nameof(BotConnectorClient))
            .AddTypedClient((http, sp) => new BotConnectorClient(http, OutboundTokens(sp, "teams")))
            .ConfigureHttpClient((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<TeamsOptions>>().Value.RequestTimeout);
        services.AddHttpClient(EmailApprovalNotifier.Channel)
            .ConfigureHttpClient((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<EmailOptions>>().Value.RequestTimeout);
        services.AddTransient<IApprovalChannel>(sp => sp.GetRequiredService<IOptions<TeamsOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<TeamsApprovalNotifier>(sp)
            : NoChannel.Instance);
        services.AddTransient<IApprovalChannel>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<EmailApprovalNotifier>(
                sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(EmailApprovalNotifier.Channel), OutboundTokens(sp, "email"))
            : NoChannel.Instance);
        services.TryAddTransient<IApprovalNotifier, CompositeApprovalNotifier>();
        return services;
    }

    /// <summary>The token source for a channel: one registered under its key, else the Graph directory's, else the default.</summary>
    private static IAccessTokenSource OutboundTokens(IServiceProvider services, string key) =>
        services.GetKeyedService<IAccessTokenSource>(key)
        ?? (key == "email" ? services.GetKeyedService<IAccessTokenSource>("graph") : null)
        ?? services.GetService<IAccessTokenSource>()
        ?? throw new InvalidOperationException($"The {key} approval channel is configured but no IAccessTokenSource is registered to sign it in.");

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
            http.DefaultRequestHeaders.UserAgent.Add(DatabricksHttp.UserAgent);

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
