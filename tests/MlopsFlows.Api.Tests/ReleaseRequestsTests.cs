using System.Text.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Api.Tests;

/// <summary>The request parsing and naming rules of the API, without a host.</summary>
public sealed class ReleaseRequestsTests
{
    [Fact]
    public void ParseStart_MixedCaseNames_NormalisesToUnityCatalogLowerCase()
    {
        var (request, errors) = ReleaseRequests.ParseStart(JsonDocument.Parse(
            """{"model":"Main.Credit.Scorer","version":12,"environment":"PROD","requestedBy":"job","riskTier":"HIGH","evidenceRefs":["runs:/a/b"]}""").RootElement);

        Assert.Empty(errors);
        Assert.Equal(new ReleaseKey("main.credit.scorer", 12, "prod"), request!.Key);
        Assert.Equal("high", request.RiskTier);
        Assert.Equal(["runs:/a/b"], request.EvidenceRefs);
    }

    [Fact]
    public void ParseStart_OptionalFieldsNull_AreTreatedAsAbsent()
    {
        var (request, errors) = ReleaseRequests.ParseStart(JsonDocument.Parse(
            """{"model":"main.credit.scorer","version":12,"environment":"prod","requestedBy":"job","riskTier":null,"servingEndpoint":null,"evidenceRefs":null}""").RootElement);

        Assert.Empty(errors);
        Assert.Null(request!.RiskTier);
        Assert.Empty(request.EvidenceRefs);
    }

    [Fact]
    public void ParseStart_SeveralBadFields_NamesEveryOne()
    {
        var (request, errors) = ReleaseRequests.ParseStart(JsonDocument.Parse("""{"model":"x","version":-1,"environment":"9prod"}""").RootElement);

        Assert.Null(request);
        Assert.Equal(["environment", "model", "requestedBy", "version"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DefaultServingEndpoint_ModelAndEnvironment_IsShortNameDashEnvironment() =>
        Assert.Equal("credit-scorer-prod", ReleaseRequests.DefaultServingEndpoint(new ReleaseKey("main.risk.credit_scorer", 3, "prod")));

    [Fact]
    public void NewRunId_AnyTime_IsAValidRunIdThatSortsByStartTime()
    {
        var earlier = ReleasesApi.NewRunId(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var later = ReleasesApi.NewRunId(new DateTimeOffset(2026, 11, 26, 10, 0, 1, TimeSpan.Zero));

        Assert.True(EvidenceRecord.IsValidRunId(earlier));
        Assert.StartsWith("20261126T100000Z-", earlier, StringComparison.Ordinal);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.NotEqual(earlier, ReleasesApi.NewRunId(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("""{"decision":"APPROVE","approver":"a@b.c","evidenceDigest":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}""", true)]
    [InlineData("""{"decision":"reject","approver":"a@b.c","rationale":"no"}""", false)]
    public void ParseDecision_ValidBodies_ReadTheDecision(string body, bool approve)
    {
        var (request, errors) = ReleaseRequests.ParseDecision(JsonDocument.Parse(body).RootElement);

        Assert.Empty(errors);
        Assert.Equal(approve, request!.Approve);
    }
}
