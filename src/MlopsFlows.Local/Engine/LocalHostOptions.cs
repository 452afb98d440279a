using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Local.Engine;

/// <summary>The local host's settings, bound from <c>MlopsFlows:Local</c> (command-line switches map onto them).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "MlopsFlows:Local";

    /// <summary>Port of the HTTP API on 127.0.0.1. Default 7071 (the Functions host's); 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int ApiPort { get; set; } = 7071;

    /// <summary>Durable task hub name: letters and digits, 3 to 45 characters, starting with a letter. Default <c>mlopsflows</c>.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    public string TaskHub { get; set; } = "mlopsflows";

    /// <summary>Storage account for the engine and the evidence. Empty: Azurite on the ports below.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Start Azurite when nothing answers on its ports. Default true.</summary>
    public bool StartAzurite { get; set; } = true;

    /// <summary>Where a started Azurite keeps its data, so state survives a restart. Default <c>.mlopsflows/azurite</c> under the current folder.</summary>
    public string AzuriteDataFolder { get; set; } = Path.Combine(".mlopsflows", "azurite");

    [Range(1, 65535)]
    public int AzuriteBlobPort { get; set; } = 10000;

    [Range(1, 65535)]
    public int AzuriteQueuePort { get; set; } = 10001;

    [Range(1, 65535)]
    public int AzuriteTablePort { get; set; } = 10002;

    /// <summary>
    /// Longest wait between polls of an idle queue. Bounds how fast an approval resumes a release;
    /// 0.5 s keeps decision-to-next-step p99 under a second (see the README's figures). Default 0.5 s.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a dequeued message stays invisible. After a crash a release resumes once it lapses, so 30 s
    /// (instead of the provider's 5 min) brings a killed host's work back within a minute. Default 30 s.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Control-queue partitions. Default 4.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>Activities and orchestration episodes run at once. Default 100 each.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentWorkItems { get; set; } = 100;

    /// <summary>Start the Databricks workspace simulator in this process and point the Databricks adapters at it. Default false.</summary>
    public bool Simulator { get; set; }

    /// <summary>
    /// Simulate Microsoft 365 (identity provider, Graph directory, Teams, mail) in this process and trust its tokens.
    /// Default: on with <see cref="Simulator"/>; on its own for a host over another workspace (the benches, the
    /// durability test). Off, identity, directory and channels come from <c>MlopsFlows:Identity</c>, <c>:Graph</c>,
    /// <c>:Teams</c> and <c>:Email</c> (Entra ID in Azure).
    /// </summary>
    public bool? Microsoft365 { get; set; }

    public bool SimulatesMicrosoft365 => Microsoft365 ?? Simulator;
}
