using MlopsFlows.Api.Approvals;
using MlopsFlows.Api.Audit;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;
using MlopsFlows.Api.Webhooks;
using MlopsFlows.Functions.Audit;
using MlopsFlows.Functions.Releases;
using MlopsFlows.Functions.Tests.Incidents;
using MlopsFlows.Functions.Tests.Support;

namespace MlopsFlows.Functions.Tests.Releases;

public class ReleasesHttpFunctionsTests
{
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { nameof(ReleasesHttpFunctions.StartRelease), "post", "releases" },
        { nameof(ReleasesHttpFunctions.ListReleases), "get", "releases" },
        { nameof(ReleasesHttpFunctions.GetRelease), "get", "releases/{id}" },
        { nameof(ReleasesHttpFunctions.DecideRelease), "post", "releases/{id}/decisions" },
        { nameof(ReleasesHttpFunctions.CancelRelease), "post", "releases/{id}/cancel" },
        { nameof(ReleasesHttpFunctions.PauseRelease), "post", "releases/{id}/pause" },
        { nameof(ReleasesHttpFunctions.ResumeRelease), "post", "releases/{id}/resume" },
        { nameof(ReleasesHttpFunctions.StopRelease), "post", "releases/{id}/stop" },
        { nameof(ReleasesHttpFunctions.OverrideRelease), "post", "releases/{id}/override" },
        { nameof(ReleasesHttpFunctions.AddReleaseEvidence), "post", "releases/{id}/evidence" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Metadata_ReleasesEndpoint_HasRouteMethodKeyAndDurableClient(string name, string method, string route)
    {
        var function = FunctionsApp.Function(name);

        var trigger = FunctionsApp.Trigger(function);
        Assert.Equal("httpTrigger", FunctionsApp.Type(trigger));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        var client = Assert.Single(FunctionsApp.Bindings(function), b => FunctionsApp.Type(b) == "durableClient");
        Assert.Equal("In", FunctionsApp.Direction(client));
        Assert.Single(FunctionsApp.Bindings(function), b => FunctionsApp.Type(b) == "http" && FunctionsApp.Direction(b) == "Out");
    }

    [Fact]
    public void Metadata_HttpTriggers_AreExactlyTheApiWebhookAndApprovalDoors()
    {
        var http = FunctionsApp.Functions
            .Where(f => FunctionsApp.Type(FunctionsApp.Trigger(f)) == "httpTrigger")
            .Select(f => f.GetProperty("name").GetString())
            .Order(StringComparer.Ordinal);

        var expected = Endpoints.Concat(IncidentsHttpFunctionsTests.Endpoints).Select(e => (string)e[0])
            .Append(nameof(DatabricksWebhookFunctions.DatabricksWebhook))
            .Concat([
                nameof(ApprovalsHttpFunctions.BotMessages),
                nameof(ApprovalsHttpFunctions.ActionableMessageAction),
                nameof(ApprovalsHttpFunctions.ApprovalPage),
                nameof(ApprovalsHttpFunctions.ApprovalPageDecision),
                nameof(AuditHttpFunctions.GetReleasePacket),
                nameof(AuditHttpFunctions.ExportModelRiskReview),
            ])
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, http);
    }

    [Fact]
    public void Metadata_HttpRoutesUnderHostRoutePrefix_AreTheLocalHostPaths()
    {
        var prefix = FunctionsApp.StringAt(FunctionsApp.HostJson, "extensions", "http", "routePrefix");

        var paths = FunctionsApp.Functions
            .Select(FunctionsApp.Trigger)
            .Where(t => FunctionsApp.Type(t) == "httpTrigger")
            .Select(t => $"/{prefix}/{t.GetProperty("route").GetString()}");

        // The shared handlers build status URLs from their Route constants: both hosts must serve under them.
        string[] routes =
        [
            ReleasesApi.Route + "/", IncidentsApi.Route + "/", MonitorsApi.Route + "/", DatabricksWebhook.Route + "/",
            BotMessagesApi.Route + "/", ActionableMessagesApi.Route + "/", ApprovalPage.Route + "/", AuditApi.ReviewRoute + "/",
        ];
        Assert.All(paths, path => Assert.Contains(routes, route => (path + "/").StartsWith(route, StringComparison.Ordinal)));
    }
}
