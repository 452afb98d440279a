using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Tests.Identity;

public sealed class DevelopmentTokenIssuerTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private DevelopmentTokenIssuerHost host = null!;

    public async Task InitializeAsync() => host = await DevelopmentTokenIssuerHost.StartAsync([new DevelopmentClient("app", "secret")]);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Metadata_NamesIssuerKeysAndTokenEndpoint_AndKeysArePublicOnly()
    {
        using var metadata = JsonDocument.Parse(await Http.GetStringAsync(new Uri(host.MetadataAddress)));
        var root = metadata.RootElement;
        Assert.Equal(host.BaseUrl, root.GetProperty("issuer").GetString());
        Assert.Equal(host.BaseUrl + "/oauth2/v2.0/token", root.GetProperty("token_endpoint").GetString());

        using var jwks = JsonDocument.Parse(await Http.GetStringAsync(new Uri(root.GetProperty("jwks_uri").GetString()!)));
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(("RSA", "sig", host.Issuer.CurrentKeyId), (key.GetProperty("kty").GetString(), key.GetProperty("use").GetString(), key.GetProperty("kid").GetString()));
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must not publish the private exponent");
    }

    [Fact]
    public async Task RotateSigningKey_KeepPrevious_PublishesBoth()
    {
        var first = host.Issuer.CurrentKeyId;

        var second = host.Issuer.RotateSigningKey(keepPrevious: true);

        using var jwks = JsonDocument.Parse(await Http.GetStringAsync(new Uri(host.Issuer.JwksUri)));
        Assert.Equal([second, first], jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
    }

    [Fact]
    public async Task DevTokens_FromLoopback_MintsAUserToken()
    {
        using var response = await Http.PostAsJsonAsync(
            new Uri(host.BaseUrl + "/dev/tokens"),
            new { audience = "api://mlopsflows", oid = "6f1c", upn = "ada@contoso.test", lifetimeSeconds = 600, claims = new { sender = "approvals@contoso.test" } });

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(600, body.RootElement.GetProperty("expires_in").GetInt64());
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(
            (host.BaseUrl, "api://mlopsflows", "6f1c", "ada@contoso.test", "approvals@contoso.test"),
            (token.Issuer, token.Audiences.Single(), token.GetClaim("oid").Value, token.GetClaim("upn").Value, token.GetClaim("sender").Value));
    }

    [Theory]
    [InlineData("client_credentials", "app", "wrong", "https://graph.microsoft.com/.default", HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("password", "app", "secret", "https://graph.microsoft.com/.default", HttpStatusCode.BadRequest, "unsupported_grant_type")]
    [InlineData("client_credentials", "app", "secret", "User.Read", HttpStatusCode.BadRequest, "invalid_scope")]
    public async Task TokenEndpoint_BadRequest_AnswersTheOAuthError(string grant, string client, string secret, string scope, HttpStatusCode status, string error)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grant,
            ["client_id"] = client,
            ["client_secret"] = secret,
            ["scope"] = scope,
        });

        using var response = await Http.PostAsync(new Uri(host.Issuer.TokenEndpoint), form);

        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        Assert.Equal("***", host.Issuer.TokenRequests.Single().Form["client_secret"]);
    }
}
