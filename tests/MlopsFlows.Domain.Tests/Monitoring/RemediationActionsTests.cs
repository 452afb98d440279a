using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Domain.Tests.Monitoring;

public class RemediationActionsTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("none", null)]
    [InlineData("rollback", RemediationAction.Rollback)]
    [InlineData(" Retrain ", RemediationAction.Retrain)]
    public void FromPolicy_KnownValues_MapToTheAction(string? value, RemediationAction? expected)
    {
        Assert.Equal(expected, RemediationActions.FromPolicy(value));
    }

    [Fact]
    public void FromPolicy_UnknownAction_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => RemediationActions.FromPolicy("reboot"));

        Assert.Contains("reboot", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BreachKind.SloBurn, "slo-burn")]
    [InlineData(BreachKind.DataQuality, "data-quality")]
    [InlineData(BreachKind.Kpi, "kpi")]
    public void Slug_EveryKind_RoundTrips(BreachKind kind, string slug)
    {
        Assert.Equal(slug, BreachKinds.Slug(kind));
        Assert.True(BreachKinds.TryParseSlug(slug, out var back));
        Assert.Equal(kind, back);
    }
}
