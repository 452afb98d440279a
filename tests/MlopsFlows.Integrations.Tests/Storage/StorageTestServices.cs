using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlopsFlows.Integrations.Tests.Support;

namespace MlopsFlows.Integrations.Tests.Storage;

/// <summary>Evidence storage, ledger and immutability wired by the production registration, each test on its own names.</summary>
internal static class StorageTestServices
{
    public static ServiceProvider Build(string connectionString, StorageNames names, CapturingLoggerProvider? logs = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MlopsFlows:Evidence:ConnectionString"] = connectionString,
            ["MlopsFlows:Evidence:ContainerName"] = names.Container,
            ["MlopsFlows:Evidence:TableName"] = names.EvidenceTable,
            ["MlopsFlows:Evidence:ReleasesTableName"] = names.ReleasesTable,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var services = new ServiceCollection().AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        return services
            .AddEvidenceStorage(TestServices.Configuration(settings))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}

/// <summary>Fresh container and table names, so tests sharing one Azurite never see each other's rows.</summary>
internal sealed record StorageNames(string Container, string EvidenceTable, string ReleasesTable)
{
    public static StorageNames Fresh()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new StorageNames("evidence-" + suffix, "Evidence" + suffix, "Releases" + suffix);
    }
}

/// <summary>Keeps every log line (message, event id, exception) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue(new LogEntry(category, eventId, logLevel, formatter(state, exception), exception));
    }
}

internal sealed record LogEntry(string Category, EventId EventId, LogLevel Level, string Message, Exception? Exception);
