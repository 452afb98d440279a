namespace MlopsFlows.Testing;

/// <summary>Well-known folders of the repository, found from wherever the test assembly runs.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding MlopsFlows.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "MlopsFlows.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"No folder holding MlopsFlows.sln above '{AppContext.BaseDirectory}'.");
    }
}
