using System.Collections.Concurrent;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Unity Catalog in memory: registered versions with their metrics, and aliases per model.</summary>
public sealed class FakeModelRegistry : IModelRegistry
{
    private readonly ConcurrentDictionary<(string Model, int Version), ModelVersionDetails> versions = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), int> aliases = new();
    private readonly ConcurrentDictionary<(string Model, int Version), bool> refusedAliasMoves = new();

    /// <summary>From now on, pointing any alias of <paramref name="model"/> at <paramref name="version"/> fails for good.</summary>
    public void RefuseAliasMovesTo(string model, int version) => refusedAliasMoves[(model, version)] = true;

    public void Register(string model, int version, IReadOnlyDictionary<string, double> metrics) =>
        versions[(model, version)] = new ModelVersionDetails(model, version, $"run-{model}-{version}", metrics);

    public void SetAlias(string model, string aliasName, int version) => aliases[(model, aliasName)] = version;

    public int? AliasOf(string model, string aliasName) => aliases.TryGetValue((model, aliasName), out var version) ? version : null;

    public Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken) =>
        versions.TryGetValue((model, version), out var details)
            ? Task.FromResult(details)
            : throw new DependencyNotFoundException($"model version {model}/{version} does not exist");

    public Task SetAliasAsync(string model, string aliasName, int version, CancellationToken cancellationToken)
    {
        if (refusedAliasMoves.ContainsKey((model, version)))
        {
            throw new InvalidOperationException($"alias {aliasName} of {model} cannot point at version {version}");
        }

        aliases[(model, aliasName)] = version;
        return Task.CompletedTask;
    }
}
