using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Monitoring;

public sealed class MonitoringRegistrationTests
{
    [Fact]
    public void AddMonitoringIntegrations_NoSettings_ResolvesEveryMonitoringPort()
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1.azuredatabricks.net" });
        using var services = new ServiceCollection().AddLogging().AddDatabricksIntegration(configuration).AddMonitoringIntegrations(configuration).BuildServiceProvider();

        Assert.IsType<FileFeatureWindows>(services.GetRequiredService<IFeatureWindows>());
        Assert.IsType<FileBusinessKpis>(services.GetRequiredService<IBusinessKpis>());
        Assert.IsType<DatabricksRetrainingJobs>(services.GetRequiredService<IRetrainingJobs>());
        Assert.IsType<LoggingIncidentNotifier>(services.GetRequiredService<IIncidentNotifier>());
        Assert.Same(services.GetRequiredService<IFeatureWindows>(), services.GetRequiredService<IFeatureWindows>());
    }

    [Fact]
    public async Task LoggingIncidentNotifier_Notice_OneWarningWithTheRunbook()
    {
        var sink = new ListLogger();
        var notifier = new LoggingIncidentNotifier(sink);
        var notice = new IncidentNotice(
            "incident:main.credit.scorer:prod:drift:20260314T091500000Z", IncidentNoticeReason.Escalated, "main.credit.scorer", "prod", 12,
            BreachKind.Drift, IncidentSeverity.Ticket, "feature drift", DateTimeOffset.UnixEpoch, null, RemediationAction.Rollback,
            [new RunbookEntry(RunbookCommand.Acknowledge, "AcknowledgeIncident", "take ownership")]);

        await notifier.NotifyAsync(notice, CancellationToken.None);

        var (level, message) = Assert.Single(sink.Lines);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("Incident Escalated: incident:main.credit.scorer:prod:drift:20260314T091500000Z", message, StringComparison.Ordinal);
        Assert.Contains("Acknowledge (AcknowledgeIncident): take ownership", message, StringComparison.Ordinal);
        Assert.Contains("automatic action: Rollback", message, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<LoggingIncidentNotifier>
    {
        public List<(LogLevel Level, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}
