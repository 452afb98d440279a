using MlopsFlows.Functions.Releases;
using MlopsFlows.Functions.Tests.Support;

namespace MlopsFlows.Functions.Tests.Releases;

public class DatabricksWebhookFunctionsTests
{
    [Fact]
    public void Metadata_DatabricksWebhook_IsAnAnonymousPostWithADurableClient()
    {
        var function = FunctionsApp.Function(nameof(DatabricksWebhookFunctions.DatabricksWebhook));

        var trigger = FunctionsApp.Trigger(function);
        Assert.Equal("httpTrigger", FunctionsApp.Type(trigger));
        Assert.Equal("webhooks/databricks", trigger.GetProperty("route").GetString());
        Assert.Equal(["post"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));

        // The HMAC signature authenticates the sender, not a function key.
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Single(FunctionsApp.Bindings(function), b => FunctionsApp.Type(b) == "durableClient");
    }
}
