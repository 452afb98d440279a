using MlopsFlows.Testing;

namespace MlopsFlows.DevServices.Tests.Testing;

public sealed class TestPathsTests
{
    [Fact]
    public void RepositoryRoot_FromTestAssembly_HoldsSolutionAndAzurite()
    {
        Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, "MlopsFlows.sln")));
        Assert.True(Directory.Exists(Path.Combine(TestPaths.RepositoryRoot, "node_modules", "azurite")));
    }
}
