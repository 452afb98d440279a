using Microsoft.Extensions.Logging.Abstractions;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.Integrations.Identity;

namespace MlopsFlows.Integrations.Tests.Identity;

public sealed class ClientCredentialsTokenSourceTests : IAsyncLifetime
{
    private const string Scope = "https://graph.microsoft.com/.default";
    private DevelopmentTokenIssuerHost issuer = null!;
    // One client for the class, as an app would hold one; the servers change per test.
    private static readonly HttpClient Http = new();

    public async Task InitializeAsync()
    {
        issuer = await DevelopmentTokenIssuerHost.StartAsync([new DevelopmentClient("mlopsflows-app", "app-secret", ObjectId: "5e770000-0000-0000-0000-000000000005")]);
    }

    public async Task DisposeAsync()
    {
        await issuer.DisposeAsync();
    }

    [Fact]
    public async Task GetAccessTokenAsync_PostsTheClientCredentialsForm()
    {
        using var source = Source(TimeProvider.System);

        var token = await source.GetAccessTokenAsync(Scope, CancellationToken.None);

        var request = Assert.Single(issuer.Issuer.TokenRequests);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = "mlopsflows-app",
                ["client_secret"] = "***",
                ["scope"] = Scope,
            },
            request.Form);
        Assert.Equal(200, request.Status);
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal(("https://graph.microsoft.com", "5e770000-0000-0000-0000-000000000005"), (jwt.Audiences.Single(), jwt.GetClaim("oid").Value));
    }

    [Fact]
    public async Task GetAccessTokenAsync_Twice_AsksOnce()
    {
        using var source = Source(TimeProvider.System);

        var first = await source.GetAccessTokenAsync(Scope, CancellationToken.None);
        var second = await source.GetAccessTokenAsync(Scope, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(issuer.Issuer.TokenRequests);
    }

    [Fact]
    public async Task GetAccessTokenAsync_NearExpiry_AsksAgain()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        using var source = Source(clock);
        await source.GetAccessTokenAsync(Scope, CancellationToken.None);

        // The token lives an hour; within the five-minute margin it is renewed, before it is reused.
        clock.Advance(TimeSpan.FromMinutes(54));
        await source.GetAccessTokenAsync(Scope, CancellationToken.None);
        var beforeMargin = issuer.Issuer.TokenRequests.Count;
        clock.Advance(TimeSpan.FromMinutes(2));
        await source.GetAccessTokenAsync(Scope, CancellationToken.None);

        Assert.Equal(1, beforeMargin);
        Assert.Equal(2, issuer.Issuer.TokenRequests.Count);
    }

    [Fact]
    public async Task GetAccessTokenAsync_OtherScope_CachedSeparately()
    {
        using var source = Source(TimeProvider.System);

        await source.GetAccessTokenAsync(Scope, CancellationToken.None);
        await source.GetAccessTokenAsync("https://api.botframework.com/.default", CancellationToken.None);

        Assert.Equal([Scope, "https://api.botframework.com/.default"], issuer.Issuer.TokenRequests.Select(r => r.Form["scope"]));
    }

    [Fact]
    public async Task GetAccessTokenAsync_WrongSecret_ThrowsNamingTheOAuthErrorNotTheSecret()
    {
        using var source = Source(TimeProvider.System, secret: "not-the-secret");

        var failure = await Assert.ThrowsAsync<AccessTokenException>(() => source.GetAccessTokenAsync(Scope, CancellationToken.None).AsTask());

        Assert.Contains("401 invalid_client", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", failure.Message, StringComparison.Ordinal);
    }

    private ClientCredentialsTokenSource Source(TimeProvider time, string secret = "app-secret") =>
        new(
            Http,
            new ClientCredentialsOptions { TokenEndpoint = new Uri(issuer.Issuer.TokenEndpoint), ClientId = "mlopsflows-app", ClientSecret = secret },
            time,
            NullLogger<ClientCredentialsTokenSource>.Instance);
}
