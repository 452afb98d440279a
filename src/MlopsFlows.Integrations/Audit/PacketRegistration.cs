using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Audit;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Audit;

/// <summary>The adapters behind audit packets.</summary>
public static class PacketRegistration
{
    /// <summary>
    /// <see cref="IPacketPdfRenderer"/> by headless Chromium, options from <c>MlopsFlows:Packets</c> (without Chromium the
    /// renderer says so and packets go without a PDF); the signer from <c>MlopsFlows:Packets:Signing</c> (a Key Vault key,
    /// else a local PEM key; with neither, packets are refused with the setting to set); <see cref="AuditPackets"/> and
    /// <see cref="ModelRiskReview"/>.
    /// </summary>
    public static IServiceCollection AddAuditPackets(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PacketOptions>()
            .Bind(configuration.GetSection(PacketOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IPacketPdfRenderer, ChromiumPdfRenderer>();

        services.AddOptions<PacketSigningOptions>()
            .Bind(configuration.GetSection(PacketSigningOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(nameof(KeyVaultPacketSigner))
            .ConfigureHttpClient((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<PacketSigningOptions>>().Value.RequestTimeout);
        services.TryAddKeyedSingleton<IAccessTokenSource>("keyvault", (sp, _) => sp.GetService<IAccessTokenSource>()
            ?? new AzureCredentialTokenSource(
                sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<AzureCredentialTokenSource>>()));
        services.TryAddSingleton(sp => new AuditPackets(
            sp.GetRequiredService<IReleaseLedger>(),
            sp.GetRequiredService<IEvidenceStore>(),
            sp.GetRequiredService<IPacketPdfRenderer>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            Signer(sp)));
        services.TryAddSingleton(sp => new ModelRiskReview(
            sp.GetRequiredService<IReleaseLedger>(), sp.GetRequiredService<AuditPackets>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    /// <summary>The configured signer, or null when none is configured (packets are then refused, never issued unsigned).</summary>
    private static IPacketSigner? Signer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PacketSigningOptions>>().Value;
        if (options.KeyVaultKeyId is { } keyId)
        {
            return new KeyVaultPacketSigner(
                services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(KeyVaultPacketSigner)),
                services.GetRequiredKeyedService<IAccessTokenSource>("keyvault"),
                keyId);
        }

        return string.IsNullOrWhiteSpace(options.LocalKeyPath) ? null : new LocalPacketSigner(options.LocalKeyPath, options.CreateLocalKey);
    }
}
