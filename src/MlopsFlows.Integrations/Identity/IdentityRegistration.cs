using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Graph;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Identity;

/// <summary>Verified identity and the Graph approver directory.</summary>
public static class IdentityRegistration
{
    /// <summary>
    /// <see cref="ITokenValidator"/> (<see cref="JwtTokenValidator"/>), <see cref="ITokenReplayGuard"/> (in memory) and
    /// <see cref="AppServiceAuthentication"/>, options from <c>MlopsFlows:Identity</c>.
    /// </summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IdentityOptions>()
            .Bind(configuration.GetSection(IdentityOptions.SectionName))
            .PostConfigure(options => DefaultFromChannels(options, configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenReplayGuard, InMemoryTokenReplayGuard>();
        services.TryAddSingleton<ITokenValidator, JwtTokenValidator>();
        services.TryAddSingleton<AppServiceAuthentication>();
        return services;
    }

    // What the channels' own settings already say need not be said twice: the bot's app id is the connector tokens'
    // audience, the public base URL is the actionable-message tokens' audience, the service mailbox is their sender.
    private static void DefaultFromChannels(IdentityOptions options, IConfiguration configuration)
    {
        if (options.BotConnector.Audiences.Count == 0 && configuration["MlopsFlows:Teams:BotAppId"] is { } botAppId && !string.IsNullOrWhiteSpace(botAppId))
        {
            options.BotConnector.Audiences.Add(botAppId.Trim());
        }

        if (options.ActionableMessage.Audiences.Count == 0 && configuration["MlopsFlows:Approvals:PublicBaseUrl"] is { } publicBase && !string.IsNullOrWhiteSpace(publicBase))
        {
            options.ActionableMessage.Audiences.Add(publicBase.Trim().TrimEnd('/'));
        }

        if (string.IsNullOrWhiteSpace(options.ActionableMessage.Sender) && configuration["MlopsFlows:Email:ServiceMailbox"] is { } mailbox && !string.IsNullOrWhiteSpace(mailbox))
        {
            options.ActionableMessage.Sender = mailbox.Trim();
        }
    }

    /// <summary>
    /// <see cref="IApproverDirectory"/> over Microsoft Graph when <c>MlopsFlows:Graph:RoleGroups</c> has an entry (it
    /// then replaces the configured directory); otherwise nothing changes. Signs in with
    /// <c>MlopsFlows:Graph:ClientCredentials</c> when configured, else with the host's <see cref="TokenCredential"/> or
    /// <c>DefaultAzureCredential</c>.
    /// </summary>
    public static IServiceCollection AddGraphApproverDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(GraphOptions.SectionName);
        if (!section.GetSection(nameof(GraphOptions.RoleGroups)).GetChildren().Any())
        {
            return services;
        }

        services.AddOptions<GraphOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GraphDirectoryCache>();

        const string tokenClient = "MlopsFlows.Graph.Token";
        services.AddHttpClient(tokenClient).AddStandardResilienceHandler();
        services.TryAddKeyedSingleton<IAccessTokenSource>(GraphApproverDirectory.TokenSourceKey, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<GraphOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.ClientCredentials is { } credentials
                ? new ClientCredentialsTokenSource(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(tokenClient), credentials, time, sp.GetRequiredService<ILogger<ClientCredentialsTokenSource>>())
                : new AzureCredentialTokenSource(
                    sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(), time, sp.GetRequiredService<ILogger<AzureCredentialTokenSource>>());
        });

        services.AddHttpClient<GraphApproverDirectory>()
            .ConfigureHttpClient((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<GraphOptions>>().Value;
                var root = options.BaseUrl.AbsoluteUri;
                http.BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .AddTypedClient((http, sp) => new GraphApproverDirectory(
                http,
                sp.GetRequiredKeyedService<IAccessTokenSource>(GraphApproverDirectory.TokenSourceKey),
                sp.GetRequiredService<GraphDirectoryCache>(),
                sp.GetRequiredService<IOptions<GraphOptions>>(),
                sp.GetRequiredService<ILogger<GraphApproverDirectory>>()))
            .AddStandardResilienceHandler().Configure((resilience, sp) =>
            {
                var options = sp.GetRequiredService<IOptions<GraphOptions>>().Value;
                resilience.Retry.Delay = options.RetryDelay;
                resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                resilience.Retry.UseJitter = true;
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                var sampling = 2 * options.AttemptTimeout;
                resilience.CircuitBreaker.SamplingDuration = sampling > TimeSpan.FromSeconds(30) ? sampling : TimeSpan.FromSeconds(30);
            });

        services.Replace(ServiceDescriptor.Transient<IApproverDirectory>(sp => sp.GetRequiredService<GraphApproverDirectory>()));
        return services;
    }
}
