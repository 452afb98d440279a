using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Domain.Tests.Releases;

public class ReleaseKeyTests
{
    [Fact]
    public void InstanceId_ModelVersionEnvironment_IsPrefixedAndColonSeparated()
    {
        var key = new ReleaseKey("main.credit.scorer", 12, "prod");

        Assert.Equal("release:main.credit.scorer:12:prod", key.InstanceId);
    }

    [Fact]
    public void ModelPrefix_Model_IsThePrefixOfEveryInstanceIdOfThatModel()
    {
        var prefix = ReleaseKey.ModelPrefix("main.credit.scorer");

        Assert.Equal("release:main.credit.scorer:", prefix);
        Assert.StartsWith(prefix, new ReleaseKey("main.credit.scorer", 3, "staging").InstanceId, StringComparison.Ordinal);
        Assert.False(new ReleaseKey("main.credit.scorer_v2", 3, "staging").InstanceId.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("main.credit.scorer", 12, "prod")]
    [InlineData("main.credit.scorer", 1, "staging")]
    [InlineData("dev_catalog.fraud-team.model_2", 2147483647, "dev-eu")]
    [InlineData("_c._s._m", 7, "x")]
    public void TryParse_InstanceIdOfValidKey_RoundTrips(string model, int version, string environment)
    {
        var key = new ReleaseKey(model, version, environment);

        Assert.True(ReleaseKey.TryParse(key.InstanceId, out var parsed));
        Assert.Equal(key, parsed);
        Assert.Equal(key.InstanceId, parsed.InstanceId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("main.credit.scorer:12:prod")]
    [InlineData("Release:main.credit.scorer:12:prod")]
    [InlineData("monitor:main.credit.scorer:12:prod")]
    [InlineData("release:")]
    [InlineData("release:main.credit.scorer:12")]
    [InlineData("release:main.credit.scorer:12:prod:extra")]
    [InlineData("release:main.credit.scorer::prod")]
    [InlineData("release:main.credit.scorer:12:")]
    public void TryParse_NotAReleaseId_ReturnsFalse(string? instanceId)
    {
        Assert.False(ReleaseKey.TryParse(instanceId, out _));
    }

    [Theory]
    [InlineData("release:credit.scorer:12:prod")]
    [InlineData("release:main.credit.scorer.extra:12:prod")]
    [InlineData("release:Main.Credit.Scorer:12:prod")]
    [InlineData("release:main..scorer:12:prod")]
    [InlineData("release:main.credit scorer.x:12:prod")]
    [InlineData("release:main.-credit.scorer:12:prod")]
    public void TryParse_BadModelName_ReturnsFalse(string instanceId)
    {
        Assert.False(ReleaseKey.TryParse(instanceId, out _));
    }

    [Theory]
    [InlineData("release:main.credit.scorer:0:prod")]
    [InlineData("release:main.credit.scorer:-1:prod")]
    [InlineData("release:main.credit.scorer:twelve:prod")]
    [InlineData("release:main.credit.scorer:1.5:prod")]
    [InlineData("release:main.credit.scorer:99999999999:prod")]
    [InlineData("release:main.credit.scorer:012:prod")]
    [InlineData("release:main.credit.scorer:+12:prod")]
    [InlineData("release:main.credit.scorer: 12:prod")]
    [InlineData("release:main.credit.scorer:12 :prod")]
    public void TryParse_BadOrNonCanonicalVersion_ReturnsFalse(string instanceId)
    {
        // A non-canonical version would map a second id onto the same key and break "one request, one instance".
        Assert.False(ReleaseKey.TryParse(instanceId, out _));
    }

    [Theory]
    [InlineData("release:main.credit.scorer:12:Prod")]
    [InlineData("release:main.credit.scorer:12:1prod")]
    [InlineData("release:main.credit.scorer:12:-prod")]
    [InlineData("release:main.credit.scorer:12:prod_eu")]
    [InlineData("release:main.credit.scorer:12:prod.eu")]
    [InlineData("release:main.credit.scorer:12:abcdefghijklmnopqrstuvwxyz0123456")]
    public void TryParse_BadEnvironment_ReturnsFalse(string instanceId)
    {
        Assert.False(ReleaseKey.TryParse(instanceId, out _));
    }

    [Theory]
    [InlineData("main.credit.scorer", true)]
    [InlineData("a.b.c", true)]
    [InlineData("main.credit", false)]
    [InlineData("main.credit.scorer.v2", false)]
    [InlineData("MAIN.credit.scorer", false)]
    [InlineData("main.credit.scorer:12", false)]
    [InlineData("main.credit.", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsModelName_Value_AcceptsOnlyLowerCaseThreePartNames(string? value, bool expected)
    {
        Assert.Equal(expected, ReleaseKey.IsModelName(value));
    }

    [Fact]
    public void IsModelName_PartLongerThan128_IsRejected()
    {
        Assert.True(ReleaseKey.IsModelName($"main.credit.{new string('m', 128)}"));
        Assert.False(ReleaseKey.IsModelName($"main.credit.{new string('m', 129)}"));
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("staging", true)]
    [InlineData("dev-eu", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("Prod", false)]
    [InlineData("9prod", false)]
    [InlineData("prod:eu", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsEnvironment_Value_AcceptsShortLowerCaseNames(string? value, bool expected)
    {
        Assert.Equal(expected, ReleaseKey.IsEnvironment(value));
    }
}
