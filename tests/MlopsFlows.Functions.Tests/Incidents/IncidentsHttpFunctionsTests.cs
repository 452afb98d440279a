using MlopsFlows.Functions.Incidents;
using MlopsFlows.Functions.Tests.Support;

namespace MlopsFlows.Functions.Tests.Incidents;

public class IncidentsHttpFunctionsTests
{
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { nameof(IncidentsHttpFunctions.ListIncidents), "get", "incidents" },
        { nameof(IncidentsHttpFunctions.GetIncident), "get", "incidents/{id}" },
        { nameof(IncidentsHttpFunctions.AcknowledgeIncident), "post", "incidents/{id}/acknowledge" },
        { nameof(IncidentsHttpFunctions.ActOnIncident), "post", "incidents/{id}/actions" },
        { nameof(IncidentsHttpFunctions.SuppressIncident), "post", "incidents/{id}/suppress" },
        { nameof(IncidentsHttpFunctions.ResolveIncident), "post", "incidents/{id}/resolve" },
        { nameof(IncidentsHttpFunctions.ListMonitors), "get", "monitors" },
        { nameof(IncidentsHttpFunctions.GetMonitor), "get", "monitors/{model}/{environment}" },
        { nameof(IncidentsHttpFunctions.StopMonitor), "post", "monitors/{model}/{environment}/stop" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Metadata_IncidentsEndpoint_HasRouteMethodKeyAndDurableClient(string name, string method, string route)
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
}
