using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Workflows.Monitoring;

namespace MlopsFlows.Workflows.Tests.Monitoring;

public class MonitoringIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 15, 0, 123, TimeSpan.Zero);

    [Fact]
    public void MonitorIds_For_IsParsedBack()
    {
        var id = MonitorIds.For("main.credit.scorer", "prod");

        Assert.Equal("monitor:main.credit.scorer:prod", id);
        Assert.True(MonitorIds.TryParse(id, out var model, out var environment));
        Assert.Equal(("main.credit.scorer", "prod"), (model, environment));
    }

    [Theory]
    [InlineData("release:main.credit.scorer:12:prod")]
    [InlineData("monitor:main.credit.scorer")]
    [InlineData("monitor:Main.Credit.Scorer:prod")]
    [InlineData(null)]
    public void MonitorIds_TryParse_OtherIds_False(string? id)
    {
        Assert.False(MonitorIds.TryParse(id, out _, out _));
    }

    [Fact]
    public void PrefixFor_Model_MatchesItsIdsAndNotALongerModelName()
    {
        var incident = IncidentIds.For("main.credit.scorer", "prod", BreachKind.Drift, At);
        var other = IncidentIds.For("main.credit.scorer2", "prod", BreachKind.Drift, At);

        Assert.StartsWith(IncidentIds.PrefixFor("main.credit.scorer"), incident, StringComparison.Ordinal);
        Assert.False(other.StartsWith(IncidentIds.PrefixFor("main.credit.scorer"), StringComparison.Ordinal));
        Assert.StartsWith(MonitorIds.PrefixFor("main.credit.scorer"), MonitorIds.For("main.credit.scorer", "prod"), StringComparison.Ordinal);
        Assert.False(MonitorIds.For("main.credit.scorer2", "prod").StartsWith(MonitorIds.PrefixFor("main.credit.scorer"), StringComparison.Ordinal));
    }

    [Fact]
    public void MonitorIds_For_NotAModelName_Throws()
    {
        Assert.Throws<ArgumentException>(() => MonitorIds.For("scorer", "prod"));
        Assert.Throws<ArgumentException>(() => MonitorIds.For("main.credit.scorer", "Prod"));
    }

    [Fact]
    public void IncidentIds_For_NamesKindAndTimeAndIsParsedBack()
    {
        var id = IncidentIds.For("main.credit.scorer", "prod", BreachKind.DataQuality, At);

        Assert.Equal("incident:main.credit.scorer:prod:data-quality:20260314T091500123Z", id);
        Assert.StartsWith(IncidentIds.PrefixFor("main.credit.scorer", "prod"), id, StringComparison.Ordinal);
        Assert.True(IncidentIds.TryParse(id, out var key));
        Assert.Equal(new IncidentKey("main.credit.scorer", "prod", BreachKind.DataQuality, At), key);
    }

    [Theory]
    [InlineData("incident:main.credit.scorer:prod:drift")]
    [InlineData("incident:main.credit.scorer:prod:weather:20260314T091500123Z")]
    [InlineData("incident:main.credit.scorer:prod:drift:yesterday")]
    public void IncidentIds_TryParse_Malformed_False(string id)
    {
        Assert.False(IncidentIds.TryParse(id, out _));
    }

    [Fact]
    public void IdempotencyKey_SameIncidentAndAction_SameShortKey()
    {
        var id = IncidentIds.For("main.credit.scorer", "prod", BreachKind.Drift, At);

        var key = IncidentIds.IdempotencyKey(id, RemediationAction.Retrain);

        Assert.Equal(key, IncidentIds.IdempotencyKey(id, RemediationAction.Retrain));
        Assert.NotEqual(key, IncidentIds.IdempotencyKey(id, RemediationAction.Rollback));
        Assert.NotEqual(key, IncidentIds.IdempotencyKey(id + "0", RemediationAction.Retrain));
        Assert.True(key.Length <= 64);
        Assert.Matches("^incident-[0-9a-f]{32}$", key);
    }
}
