using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsFlows.Api.Approvals;
using MlopsFlows.Api.Webhooks;

namespace MlopsFlows.Api;

public static class ApiRegistration
{
    /// <summary>
    /// What the releases API needs, for either host; the incidents and monitors API needs nothing more. The policy set
    /// comes from the host (loaded from policy files at start-up).
    /// </summary>
    public static IServiceCollection AddReleasesApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddApprovalsApi(configuration);
        services.AddProblemDetails();
        services.AddDatabricksWebhook(configuration);
        return services;
    }
}
