using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Monitoring;

/// <summary>The adapters of the monitoring ports.</summary>
public static class MonitoringRegistration
{
    /// <summary>
    /// <see cref="IFeatureWindows"/> and <see cref="IBusinessKpis"/> over files (options <c>MlopsFlows:Monitoring:Data</c>),
    /// <see cref="IRetrainingJobs"/> on the Databricks Jobs API (<c>MlopsFlows:Monitoring:Retraining</c>, with the
    /// Databricks client of <c>MlopsFlows:Databricks</c>) and the logging <see cref="IIncidentNotifier"/>. Nothing is
    /// required: without settings the reads fail as "not configured", which a monitor records as a degraded check.
    /// </summary>
    public static IServiceCollection AddMonitoringIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MonitoringDataOptions>().Bind(configuration.GetSection(MonitoringDataOptions.SectionName));
        services.AddOptions<RetrainingJobOptions>()
            .Bind(configuration.GetSection(RetrainingJobOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One of each per process: the feature reader keeps the reference profiles it built.
        services.TryAddSingleton<IFeatureWindows, FileFeatureWindows>();
        services.TryAddSingleton<IBusinessKpis, FileBusinessKpis>();
        services.TryAddSingleton<IIncidentNotifier, LoggingIncidentNotifier>();
        services.AddHttpClient<IRetrainingJobs, DatabricksRetrainingJobs>().AddDatabricksPipeline();
        return services;
    }
}
