using System.Text.Json;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Domain.Monitoring;

namespace MlopsFlows.Api.Tests;

/// <summary>The parsing of incident and monitor request bodies and list queries, without a host.</summary>
public sealed class IncidentRequestsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseNote_ByAndNote_Trimmed()
    {
        var (request, errors) = IncidentRequests.ParseNote(Json("""{"by":"  ana@contoso.example ","note":" on it "}"""));

        Assert.Empty(errors);
        Assert.Equal(new IncidentNoteRequest("ana@contoso.example", "on it"), request);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"by":"   "}""")]
    [InlineData("""{"by":42}""")]
    public void ParseNote_NoOneActing_NamesBy(string body)
    {
        var (request, errors) = IncidentRequests.ParseNote(Json(body));

        Assert.Null(request);
        Assert.Equal(["by"], errors.Keys);
    }

    [Theory]
    [InlineData("rollback", RemediationAction.Rollback)]
    [InlineData("RETRAIN", RemediationAction.Retrain)]
    public void ParseAction_KnownAction_CaseInsensitive(string action, RemediationAction expected)
    {
        var (request, errors) = IncidentRequests.ParseAction(Json($$"""{"action":"{{action}}","by":"bob","rationale":"drift since v12"}"""));

        Assert.Empty(errors);
        Assert.Equal(new IncidentActionRequest(expected, "bob", "drift since v12"), request);
    }

    [Fact]
    public void ParseAction_UnknownActionAndNoRationale_NamesEveryField()
    {
        var (request, errors) = IncidentRequests.ParseAction(Json("""{"action":"restart"}"""));

        Assert.Null(request);
        Assert.Equal(["action", "by", "rationale"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("why", errors["rationale"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSuppress_Minutes_EndsThatLongFromNow()
    {
        var (request, errors) = IncidentRequests.ParseSuppress(Json("""{"minutes":90,"by":"ana","rationale":"upstream outage"}"""), Now);

        Assert.Empty(errors);
        Assert.Equal(new IncidentSuppressRequest(Now.AddMinutes(90), "ana", "upstream outage"), request);
    }

    [Theory]
    [InlineData("2026-03-14T18:00:00Z")]
    [InlineData("2026-03-14T19:00:00+01:00")]
    [InlineData("2026-03-14T18:00:00")]
    public void ParseSuppress_Until_ReadAsUtcWhenWithoutOffset(string until)
    {
        var (request, errors) = IncidentRequests.ParseSuppress(Json($$"""{"until":"{{until}}","by":"ana","rationale":"r"}"""), Now);

        Assert.Empty(errors);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 18, 0, 0, TimeSpan.Zero), request!.Until);
    }

    [Theory]
    [InlineData("""{"by":"ana","rationale":"r"}""", "minutes")]
    [InlineData("""{"minutes":0,"by":"ana","rationale":"r"}""", "minutes")]
    [InlineData("""{"minutes":43201,"by":"ana","rationale":"r"}""", "minutes")]
    [InlineData("""{"minutes":2147483647,"by":"ana","rationale":"r"}""", "minutes")]
    [InlineData("""{"until":"2026-03-14T08:59:59Z","by":"ana","rationale":"r"}""", "until")]
    [InlineData("""{"until":"tomorrow","by":"ana","rationale":"r"}""", "until")]
    [InlineData("""{"until":"2026-03-14T18:00:00Z","minutes":5,"by":"ana","rationale":"r"}""", "until")]
    [InlineData("""{"minutes":5,"by":"ana"}""", "rationale")]
    public void ParseSuppress_BadEnd_NamesTheField(string body, string field)
    {
        var (request, errors) = IncidentRequests.ParseSuppress(Json(body), Now);

        Assert.Null(request);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void ParseMonitorStop_NoReason_Refused()
    {
        var (request, errors) = IncidentRequests.ParseMonitorStop(Json("""{"by":"ops"}"""));

        Assert.Null(request);
        Assert.Equal(["reason"], errors.Keys);
        Assert.Equal(new MonitorStopRequest("ops", "retired"), IncidentRequests.ParseMonitorStop(Json("""{"by":"ops","reason":"retired"}""")).Request);
    }

    [Theory]
    [InlineData(null, null, null, true, null, 100)]
    [InlineData("open", "Main.Credit.Scorer", "5", true, "main.credit.scorer", 5)]
    [InlineData("ALL", "", "500", false, null, 500)]
    public void ParseList_GoodQuery_Filter(string? status, string? model, string? top, bool activeOnly, string? expectedModel, int expectedTop)
    {
        var (filter, errors) = IncidentRequests.ParseList(status, model, top, activeWord: "open");

        Assert.Empty(errors);
        Assert.Equal(new ListFilter(activeOnly, expectedModel, expectedTop), filter);
    }

    [Fact]
    public void ParseList_BadQuery_NamesEveryParameter()
    {
        var (filter, errors) = IncidentRequests.ParseList("running", "scorer", "0", activeWord: "open");

        Assert.Null(filter);
        Assert.Equal(["model", "status", "top"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'open' or 'all'", errors["status"][0], StringComparison.Ordinal);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
