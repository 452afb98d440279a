using System.Collections.Concurrent;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>Unity Catalog in memory: registered models with their tags, versions with metrics, tags, params, artefacts and lineage, and aliases.</summary>
public sealed class FakeModelRegistry : IModelRegistry
{
    private readonly ConcurrentDictionary<(string Model, int Version), ModelVersionDetails> versions = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), int> aliases = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> modelTags = new();
    private readonly ConcurrentDictionary<(string Model, int Version), bool> refusedAliasMoves = new();

    /// <summary>From now on, pointing any alias of <paramref name="model"/> at <paramref name="version"/> fails for good.</summary>
    public void RefuseAliasMovesTo(string model, int version) => refusedAliasMoves[(model, version)] = true;

    public void Register(
        string model,
        int version,
        IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, string>? tags = null,
        string? createdBy = null,
        IReadOnlyList<string>? artefacts = null,
        IReadOnlyDictionary<string, string>? parameters = null,
        ModelLineage? lineage = null)
    {
        modelTags.TryAdd(model, new ConcurrentDictionary<string, string>());
        versions[(model, version)] = new ModelVersionDetails(model, version, RunIdOf(model, version), metrics)
        {
            Tags = tags ?? new Dictionary<string, string>(),
            CreatedBy = createdBy,
            Artefacts = artefacts ?? [],
            Params = parameters ?? new Dictionary<string, string>(),
            Lineage = lineage ?? ModelLineage.Empty,
        };
    }

    /// <summary>The training run id a registered version gets.</summary>
    public static string RunIdOf(string model, int version) => $"run-{model}-{version}";

    /// <summary>Deletes a version, as if somebody removed it from Unity Catalog; aliases pointing at it stay.</summary>
    public void Delete(string model, int version) => versions.TryRemove((model, version), out _);

    /// <summary>Adds or replaces one tag of a registered version, as someone editing it in Unity Catalog would.</summary>
    public void TagVersion(string model, int version, string key, string value)
    {
        var details = versions[(model, version)];
        versions[(model, version)] = details with { Tags = new Dictionary<string, string>(details.Tags) { [key] = value } };
    }

    /// <summary>Sets an inventory tag on the registered model (e.g. its risk tier).</summary>
    public void TagModel(string model, string key, string value) => modelTags.GetOrAdd(model, _ => new())[key] = value;

    public void SetAlias(string model, string aliasName, int version) => aliases[(model, aliasName)] = version;

    public void RemoveAlias(string model, string aliasName) => aliases.TryRemove((model, aliasName), out _);

    public int? AliasOf(string model, string aliasName) => aliases.TryGetValue((model, aliasName), out var version) ? version : null;

    public Task<ModelVersionDetails> GetModelVersionAsync(string model, int version, CancellationToken cancellationToken) =>
        versions.TryGetValue((model, version), out var details)
            ? Task.FromResult(details)
            : throw new DependencyNotFoundException($"model version {model}/{version} does not exist");

    public Task<RegisteredModelDetails> GetRegisteredModelAsync(string model, CancellationToken cancellationToken) =>
        modelTags.TryGetValue(model, out var tags)
            ? Task.FromResult(new RegisteredModelDetails(
                model,
                "owner@example.com",
                new Dictionary<string, string>(tags),
                aliases.Where(a => a.Key.Model == model).ToDictionary(a => a.Key.Alias, a => a.Value)))
            : throw new DependencyNotFoundException($"registered model {model} does not exist");

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
