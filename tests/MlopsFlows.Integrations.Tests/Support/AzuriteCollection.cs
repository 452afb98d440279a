using MlopsFlows.Testing;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>One Azurite for every storage test class: starting it costs more than the tests themselves.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
