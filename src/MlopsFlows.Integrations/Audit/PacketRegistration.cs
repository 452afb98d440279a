using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Audit;

/// <summary>The adapters behind audit packets.</summary>
public static class PacketRegistration
{
    /// <summary>
    /// <see cref="IPacketPdfRenderer"/> by headless Chromium, options from <c>MlopsFlows:Packets</c>. Nothing is required:
    /// without Chromium the renderer says so and packets go without a PDF.
    /// </summary>
    public static IServiceCollection AddAuditPackets(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PacketOptions>()
            .Bind(configuration.GetSection(PacketOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IPacketPdfRenderer, ChromiumPdfRenderer>();
        return services;
    }
}
