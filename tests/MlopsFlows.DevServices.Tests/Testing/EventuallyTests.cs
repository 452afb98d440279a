using MlopsFlows.Testing;

namespace MlopsFlows.DevServices.Tests.Testing;

public sealed class EventuallyTests
{
    [Fact]
    public async Task UntilAsync_ConditionTurnsTrue_Returns()
    {
        var checks = 0;

        await Eventually.UntilAsync(() => Task.FromResult(++checks >= 3), TimeSpan.FromSeconds(5), "the third check");

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task UntilAsync_ConditionStaysFalse_ThrowsTimeoutNamingTheReason()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Eventually.UntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(200), "the endpoint is NOT_UPDATING"));

        Assert.Contains("the endpoint is NOT_UPDATING", error.Message, StringComparison.Ordinal);
    }
}
