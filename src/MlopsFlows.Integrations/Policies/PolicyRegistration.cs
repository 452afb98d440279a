using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Integrations.Policies;

/// <summary>Where the policy files are and which set is in force, bound from <c>MlopsFlows:Policies</c>.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "MlopsFlows:Policies";

    /// <summary>The folder of policy files. Default: <c>policies</c> beside the application (the shipped set is copied there).</summary>
    public string Path { get; set; } = "policies";

    /// <summary>The id of the policy set releases follow. Default <c>default</c>.</summary>
    public string Active { get; set; } = "default";
}

public static class PolicyRegistration
{
    /// <summary>
    /// Loads the policy files once, at start-up, and registers the active <see cref="PolicySet"/>. A bad file stops the
    /// host with every error as file:line:column: reason, so no release ever starts on an invalid policy.
    /// </summary>
    public static IServiceCollection AddPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PolicyOptions.SectionName).Get<PolicyOptions>() ?? new PolicyOptions();
        services.AddSingleton(_ => LoadActive(options));
        return services;
    }

    public static PolicySet LoadActive(PolicyOptions options)
    {
        var folder = System.IO.Path.IsPathRooted(options.Path) ? options.Path : System.IO.Path.Combine(AppContext.BaseDirectory, options.Path);
        var loaded = PolicyDirectory.Load(folder);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException($"The policy files in {folder} are invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, loaded.Errors));
        }

        return loaded.Sets.TryGetValue(options.Active, out var set)
            ? set
            : throw new InvalidOperationException($"No policy set '{options.Active}' in {folder} (found: {string.Join(", ", loaded.Sets.Keys)}).");
    }
}
