using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Identity;

public sealed class TokenReplayGuardTests
{
    [Fact]
    public void TryUse_SameTokenAndScopeTwice_SecondRefused()
    {
        var guard = new InMemoryTokenReplayGuard(Options.Create(new IdentityOptions()), TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        Assert.True(guard.TryUse("jti-1", ITokenReplayGuard.DecisionScope("release-1"), expires));
        Assert.False(guard.TryUse("jti-1", ITokenReplayGuard.DecisionScope("release-1"), expires));
        Assert.True(guard.TryUse("jti-1", ITokenReplayGuard.DecisionScope("release-2"), expires));
    }

    [Fact]
    public void TryUse_AfterTokenExpiryAndSkew_EntryIsForgotten()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var guard = new InMemoryTokenReplayGuard(Options.Create(new IdentityOptions()), clock);
        guard.TryUse("jti-1", "scope", clock.GetUtcNow().AddMinutes(10));

        clock.Advance(TimeSpan.FromMinutes(12) + TimeSpan.FromSeconds(1));

        Assert.Equal(0, guard.Count);
    }

    [Fact]
    public void TryUse_Full_FailsClosed()
    {
        var guard = new InMemoryTokenReplayGuard(Options.Create(new IdentityOptions { ReplayCapacity = 100 }), TimeProvider.System);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(guard.TryUse($"jti-{i}", "scope"));
        }

        Assert.False(guard.TryUse("jti-new", "scope"));
    }

    [Fact]
    public void Read_TrustedHeader_ReturnsObjectIdAndUpn()
    {
        var request = Request("""{"auth_typ":"aad","claims":[{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"6f1c"},{"typ":"preferred_username","val":"ada@contoso.test"}]}""");

        var principal = Authentication(trusted: true).Read(request);

        Assert.Equal(("6f1c", "ada@contoso.test", "aad"), (principal?.ObjectId, principal?.Upn, principal?.IdentityProvider));
    }

    [Fact]
    public void Read_NotTrustedOnThisHost_IgnoresTheHeader()
    {
        var request = Request("""{"auth_typ":"aad","claims":[{"typ":"oid","val":"6f1c"}]}""");

        Assert.Null(Authentication(trusted: false).Read(request));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")]
    public void Read_Unreadable_ReturnsNull(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AppServicePrincipal.HeaderName] = header;

        Assert.Null(Authentication(trusted: true).Read(context.Request));
    }

    [Fact]
    public void Read_NoObjectId_ReturnsNull()
    {
        Assert.Null(Authentication(trusted: true).Read(Request("""{"auth_typ":"aad","claims":[{"typ":"upn","val":"ada@contoso.test"}]}""")));
    }

    private static AppServiceAuthentication Authentication(bool trusted) =>
        new(Options.Create(new IdentityOptions { TrustAppServiceAuthentication = trusted }), NullLogger<AppServiceAuthentication>.Instance);

    private static HttpRequest Request(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AppServicePrincipal.HeaderName] = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        return context.Request;
    }
}
