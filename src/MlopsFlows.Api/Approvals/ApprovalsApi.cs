using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// The approval doors besides the releases API: the Teams bot endpoint, the actionable-message endpoint and the web
/// approval page. The local host maps them with <see cref="MapApprovalsApi"/>; the Functions app calls the same handlers.
/// </summary>
public static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(BotMessagesApi.Route, (HttpRequest request, DurableTaskClient client) => BotMessagesApi.HandleAsync(request, client))
            .WithTags("Approvals").WithName("BotMessages").WithSummary("The Teams bot's messaging endpoint: approval card actions from the Bot Connector.");
        app.MapPost(ActionableMessagesApi.Route, (HttpRequest request, DurableTaskClient client) => ActionableMessagesApi.HandleAsync(request, client))
            .WithTags("Approvals").WithName("ActionableMessageAction").WithSummary("An approval decided in Outlook (actionable message).");
        app.MapGet(ApprovalPage.Route + "/{releaseId}", (HttpRequest request, DurableTaskClient client, string releaseId) => ApprovalPage.GetAsync(request, client, releaseId))
            .WithTags("Approvals").WithName("ApprovalPage").WithSummary("The web approval page of a release.");
        app.MapPost(ApprovalPage.Route + "/{releaseId}", (HttpRequest request, DurableTaskClient client, string releaseId) => ApprovalPage.PostAsync(request, client, releaseId))
            .WithTags("Approvals").WithName("ApprovalPageDecision").WithSummary("A decision from the web approval page.").DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Options from <c>MlopsFlows:Approvals</c>, the token-based <see cref="IDecisionAuthenticator"/> and a replay guard.
    /// Token validation itself (<see cref="Workflows.Ports.ITokenValidator"/>) is registered by the integrations.
    /// </summary>
    public static IServiceCollection AddApprovalsApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApprovalsOptions>()
            .Bind(configuration.GetSection(ApprovalsOptions.SectionName))
            .Configure(o => o.TrustAppServicePrincipal = configuration.GetValue<bool>(ApprovalsOptions.TrustAppServiceAuthenticationKey));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDecisionAuthenticator, TokenDecisionAuthenticator>();
        return services;
    }
}
