using MlopsFlows.Functions.Audit;
using MlopsFlows.Functions.Tests.Support;

namespace MlopsFlows.Functions.Tests.Audit;

public class AuditHttpFunctionsTests
{
    [Fact]
    public void Metadata_PacketEndpoint_IsAGetUnderTheRelease()
    {
        var function = FunctionsApp.Function(nameof(AuditHttpFunctions.GetReleasePacket));

        var trigger = FunctionsApp.Trigger(function);
        Assert.Equal("httpTrigger", FunctionsApp.Type(trigger));
        Assert.Equal("releases/{id}/packet", trigger.GetProperty("route").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Single(FunctionsApp.Bindings(function), b => FunctionsApp.Type(b) == "http" && FunctionsApp.Direction(b) == "Out");
    }

    [Fact]
    public void Metadata_ReviewEndpoint_IsAGetWithTheDurableClient()
    {
        var function = FunctionsApp.Function(nameof(AuditHttpFunctions.ExportModelRiskReview));

        var trigger = FunctionsApp.Trigger(function);
        Assert.Equal("audit/review", trigger.GetProperty("route").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Single(FunctionsApp.Bindings(function), b => FunctionsApp.Type(b) == "durableClient");
    }
}
