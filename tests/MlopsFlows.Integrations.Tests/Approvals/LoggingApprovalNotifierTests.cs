using Microsoft.Extensions.Logging;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Approvals;

public sealed class LoggingApprovalNotifierTests
{
    private static readonly ApprovalRequest Request = new(
        "release:main.credit.scorer:12:prod/request/1",
        ApprovalNotificationKind.Request,
        "release:main.credit.scorer:12:prod",
        "main.credit.scorer",
        12,
        "prod",
        "svc-databricks",
        "high",
        new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
        [new DirectoryPerson("oid-ada", "ada@example.com", ["model-validation"]), new DirectoryPerson("oid-grace", "grace@example.com", ["risk"])],
        ["model-validation", "risk"],
        "sha256:abc123",
        ["auc 0.91 >= 0.85", "fairness gap 0.02 <= 0.05"]);

    [Fact]
    public async Task NotifyAsync_Request_LogsKindReleaseRecipientsDigestDeadlineAndHowToDecide()
    {
        var logger = new CapturingLogger();

        await new LoggingApprovalNotifier(logger).NotifyAsync(Request, CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(2301, entry.EventId.Id);
        Assert.Contains("Approval Request release:main.credit.scorer:12:prod/request/1", entry.Message, StringComparison.Ordinal);
        Assert.Contains("ada@example.com", entry.Message, StringComparison.Ordinal);
        Assert.Contains("grace@example.com", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("oid-ada", entry.Message, StringComparison.Ordinal);
        Assert.Contains("risk", entry.Message, StringComparison.Ordinal);
        Assert.Contains("evidence sha256:abc123", entry.Message, StringComparison.Ordinal);
        Assert.Contains("2026-11-27T10:00:00.0000000+00:00", entry.Message, StringComparison.Ordinal);
        Assert.Contains("POST /api/releases/release%3Amain.credit.scorer%3A12%3Aprod/decisions", entry.Message, StringComparison.Ordinal);
        Assert.Contains("auc 0.91 >= 0.85", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_Reminder_NamesTheKind()
    {
        var logger = new CapturingLogger();

        await new LoggingApprovalNotifier(logger).NotifyAsync(Request with { Kind = ApprovalNotificationKind.Reminder }, CancellationToken.None);

        Assert.Contains("Approval Reminder", Assert.Single(logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_CalledTwice_LogsTwiceWithoutFailing()
    {
        var logger = new CapturingLogger();
        var notifier = new LoggingApprovalNotifier(logger);

        await notifier.NotifyAsync(Request, CancellationToken.None);
        await notifier.NotifyAsync(Request, CancellationToken.None);

        Assert.Equal(2, logger.Entries.Count);
    }

    private sealed record Entry(LogLevel Level, EventId EventId, string Message);

    private sealed class CapturingLogger : ILogger<LoggingApprovalNotifier>
    {
        public List<Entry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new Entry(logLevel, eventId, formatter(state, exception)));
    }
}
