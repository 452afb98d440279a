using System.Globalization;
using MlopsFlows.Functions.Tests.Support;

namespace MlopsFlows.Functions.Tests;

public class HostJsonTests
{
    private static string? Setting(params string[] path) => FunctionsApp.StringAt(FunctionsApp.HostJson, path);

    private static string? StorageProvider(string name) => Setting("extensions", "durableTask", "storageProvider", name);

    [Fact]
    public void HostJson_Version_IsFunctionsV2Schema()
    {
        Assert.Equal("2.0", Setting("version"));
    }

    [Fact]
    public void HostJson_DurableTask_UsesMlopsFlowsHubOnAzureStorage()
    {
        Assert.Equal("MlopsFlows", Setting("extensions", "durableTask", "hubName"));
        Assert.Equal("AzureStorage", StorageProvider("type"));
    }

    [Fact]
    public void HostJson_StorageProviderQueuePolling_IsSetWellBelowTheThirtySecondDefault()
    {
        // Bounds how long a release waits to resume after an approval; the exact value is tuned from a benchmark.
        var polling = ParseTimeSpan(StorageProvider("maxQueuePollingInterval"));

        Assert.InRange(polling, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("controlQueueVisibilityTimeout")]
    [InlineData("workItemQueueVisibilityTimeout")]
    public void HostJson_QueueVisibilityTimeout_RecoversWithinAMinuteAfterACrash(string setting)
    {
        // The 5-minute default stalls a release for 5 minutes after a worker dies holding its message.
        var timeout = ParseTimeSpan(StorageProvider(setting));

        Assert.InRange(timeout, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void HostJson_Http_RoutePrefixIsApi()
    {
        Assert.Equal("api", Setting("extensions", "http", "routePrefix"));
    }

    [Fact]
    public void HostJson_FunctionTimeout_IsSetAndFitsEveryPlan()
    {
        // Orchestrations do not hold a function while they wait, so the Consumption plan's 10-minute cap is plenty.
        var timeout = ParseTimeSpan(Setting("functionTimeout"));

        Assert.InRange(timeout, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
    }

    private static TimeSpan ParseTimeSpan(string? value)
    {
        Assert.NotNull(value);
        Assert.True(TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed), $"'{value}' is not a TimeSpan.");
        return parsed;
    }
}
