namespace MlopsFlows.DevServices.Azurite;

/// <summary>How to start Azurite. Every property has a default that suits a test run.</summary>
public sealed record AzuriteOptions
{
    /// <summary>Blob service port. Default 0: a free loopback port.</summary>
    public int BlobPort { get; init; }

    /// <summary>Queue service port. Default 0: a free loopback port.</summary>
    public int QueuePort { get; init; }

    /// <summary>Table service port. Default 0: a free loopback port.</summary>
    public int TablePort { get; init; }

    /// <summary>
    /// Folder Azurite keeps its data in (created when missing). Default null: everything in memory, gone when the
    /// process stops (Azurite refuses <c>--location</c> together with <c>--inMemoryPersistence</c>).
    /// </summary>
    public string? DataFolder { get; init; }

    /// <summary>
    /// Folder holding <c>node_modules/azurite</c>. Default null: the first such folder walking up from the
    /// application's base directory, then from the current directory.
    /// </summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>How long Azurite may take until all three ports answer. Default 30 seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In disk mode, how long <see cref="AzuriteProcess.DisposeAsync"/> lets Azurite flush after SIGTERM before it
    /// kills the process. Default 5 seconds (Azurite saves its metadata every 5 s, so a plain kill loses recent writes).
    /// </summary>
    public TimeSpan GracefulStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Node.js executable. Default <c>node</c> from the PATH.</summary>
    public string NodeExecutable { get; init; } = "node";
}
