using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.Local;
using MlopsFlows.Testing;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// Every call of the releases, incidents and monitors API proves its caller with a token the host validates (here the
/// simulated identity provider's; Entra's in Azure). Refusals are problem+json, say why, and change nothing.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ApiCallerAuthenticationTests(LocalHostFixture fixture)
{
    private SimulatedMicrosoft365 Identity => fixture.Host.Microsoft365!;

    public static TheoryData<string> ReadPaths => ["api/releases", "api/incidents", "api/monitors", "api/releases/release:main.auth.nobody:1:prod"];

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task Read_WithoutToken_Returns401ProblemWithBearerChallenge(string path)
    {
        using var anonymous = Unsigned();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("bearer token", (await ProblemAsync(response)).Detail, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "expired" },
        { "foreign key", "signature" },
        { "wrong audience", "audience" },
        { "untrusted issuer", "issuer" },
        { "garbage", "token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Read_WithBadToken_Returns401NamingTheReason(string kind, string reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/releases");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadToken(kind));

        using var unsigned = Unsigned();
        using var response = await unsigned.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Contains(reason, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StartRelease_TokenOfSomebodyElse_Returns403AndStartsNothing()
    {
        await fixture.SeedModelAsync("main.auth.impostor", "impostor-prod", 1, 2);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/releases")
        {
            Content = JsonContent.Create(new { model = "main.auth.impostor", version = 2, environment = "prod", requestedBy = "someone.else@contoso.example" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Identity.ApiTokenFor(LocalHostFixture.Operator));

        using var unsigned = Unsigned();
        using var response = await unsigned.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("someone.else@contoso.example", (await ProblemAsync(response)).Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await fixture.CountStoredAsync("release:main.auth.impostor:")).Instances);
    }

    [Fact]
    public async Task StartRelease_WithoutToken_Returns401AndStartsNothing()
    {
        await fixture.SeedModelAsync("main.auth.anonymous", "anonymous-prod", 1, 2);

        using var unsigned = Unsigned();
        using var response = await unsigned.PostAsJsonAsync("api/releases", new { model = "main.auth.anonymous", version = 2, environment = "prod", requestedBy = "job:train" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, (await fixture.CountStoredAsync("release:main.auth.anonymous:")).Instances);
    }

    [Fact]
    public async Task DevelopmentSignIn_TokenForAPerson_CarriesTheirDirectoryObjectId()
    {
        var token = await SignedInClient.TokenAsync(fixture.Host.ApiBaseUrl, LocalHostFixture.Approver);

        var payload = JsonDocument.Parse(Base64Url(token.Split('.')[1])).RootElement;
        Assert.Equal(LocalHostFixture.Approver, payload.GetProperty("upn").GetString());
        Assert.Equal("00000000-0000-4000-8000-0000000000a1", payload.GetProperty("oid").GetString());
        Assert.Equal(SimulatedMicrosoft365.ApiAudience, payload.GetProperty("aud").GetString());
    }

    private HttpClient Unsigned() => new() { BaseAddress = fixture.Host.ApiBaseUrl };

    private string BadToken(string kind)
    {
        var issuer = Identity.Issuer.Issuer;
        var valid = new DevelopmentTokenRequest { Audience = SimulatedMicrosoft365.ApiAudience, Upn = LocalHostFixture.Operator, ObjectId = Identity.ObjectIdOf(LocalHostFixture.Operator) };
        return kind switch
        {
            "expired" => issuer.CreateToken(valid with { NotBefore = DateTimeOffset.UtcNow.AddHours(-2), Lifetime = TimeSpan.FromHours(1) }),
            "foreign key" => issuer.CreateToken(valid with { SignWithForeignKey = true }),
            "wrong audience" => issuer.CreateToken(valid with { Audience = "api://somebody-else" }),
            "untrusted issuer" => issuer.CreateToken(valid with { Issuer = "https://login.example.net/attacker/v2.0" }),
            _ => "not.a.token",
        };
    }

    private static byte[] Base64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));

    private static async Task<(string Title, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (problem.GetProperty("title").GetString()!, problem.GetProperty("detail").GetString()!);
    }
}
