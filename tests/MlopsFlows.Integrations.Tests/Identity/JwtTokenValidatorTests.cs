using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Identity;

/// <summary>The security matrix: every token kind against a real development issuer over loopback HTTP.</summary>
public sealed class JwtTokenValidatorTests : IAsyncLifetime
{
    private DevelopmentTokenIssuerHost issuer = null!;
    private ServiceProvider services = null!;

    public static TheoryData<TokenKind> Kinds => [TokenKind.Api, TokenKind.BotConnector, TokenKind.ActionableMessage];

    public static TheoryData<TokenKind> UserKinds => [TokenKind.Api, TokenKind.ActionableMessage];

    public async Task InitializeAsync()
    {
        issuer = await DevelopmentTokenIssuerHost.StartAsync();
        services = IdentityServices.Build(issuer.MetadataAddress);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await issuer.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_ValidToken_ReturnsThePrincipal(TokenKind kind)
    {
        var request = IdentityServices.Valid(kind) with { TokenId = "jti-" + kind };

        var verdict = await ValidateAsync(issuer.Issuer.CreateToken(request), kind);

        Assert.True(verdict.IsValid, verdict.Refusal);
        var principal = verdict.Principal!;
        Assert.Equal(issuer.Issuer.Issuer, principal.Issuer);
        Assert.Equal("jti-" + kind, principal.TokenId);
        Assert.Equal(request.ObjectId, principal.ObjectId);
        Assert.Equal(request.Upn, principal.Upn);
        Assert.InRange(principal.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_SignedWithForeignKey_RefusedAsSignatureInvalid(TokenKind kind)
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { SignWithForeignKey = true });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, "signature invalid", token);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_WrongAudience_RefusedNamingTheAudience(TokenKind kind)
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { Audience = "api://someone-else" });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, "audience 'api://someone-else' is not accepted", token);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_UntrustedIssuer_RefusedNamingTheIssuer(TokenKind kind)
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { Issuer = "https://evil.example/v2.0" });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, $"issuer 'https://evil.example/v2.0' is not trusted for {kind} tokens", token);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_Expired_RefusedAsExpired(TokenKind kind)
    {
        // Expired five minutes ago: beyond the default two minutes of clock skew.
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { NotBefore = DateTimeOffset.UtcNow.AddMinutes(-65), Lifetime = TimeSpan.FromHours(1) });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, "token expired", token);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredWithinClockSkew_Accepted()
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api) with { NotBefore = DateTimeOffset.UtcNow.AddMinutes(-61), Lifetime = TimeSpan.FromHours(1) });

        var verdict = await ValidateAsync(token, TokenKind.Api);

        Assert.True(verdict.IsValid, verdict.Refusal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ValidateAsync_NotYetValid_RefusedAsNotYetValid(TokenKind kind)
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { NotBefore = DateTimeOffset.UtcNow.AddMinutes(10) });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, "token not yet valid", token);
    }

    [Theory]
    [MemberData(nameof(UserKinds))]
    public async Task ValidateAsync_UserTokenWithoutOid_Refused(TokenKind kind)
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(kind) with { ObjectId = null, Subject = "pairwise-subject" });

        var verdict = await ValidateAsync(token, kind);

        AssertRefused(verdict, "token has no 'oid' claim", token);
    }

    [Fact]
    public async Task ValidateAsync_BotToken_SurfacesServiceUrlClaim()
    {
        var verdict = await ValidateAsync(issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.BotConnector)), TokenKind.BotConnector);

        Assert.True(verdict.IsValid, verdict.Refusal);
        Assert.Equal("https://smba.trafficmanager.net/emea/", verdict.Principal!.Claims["serviceurl"]);
        Assert.Null(verdict.Principal.ObjectId);
    }

    [Fact]
    public async Task ValidateAsync_ActionableMessageTokenTwice_SecondRefusedAsReplayed()
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.ActionableMessage));

        var first = await ValidateAsync(token, TokenKind.ActionableMessage);
        var second = await ValidateAsync(token, TokenKind.ActionableMessage);

        Assert.True(first.IsValid, first.Refusal);
        AssertRefused(second, "token replayed", token);
    }

    [Fact]
    public async Task ValidateAsync_ApiTokenTwice_BothAccepted()
    {
        // API tokens are reusable; a caller spends them per decision through the replay guard.
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api));

        Assert.True((await ValidateAsync(token, TokenKind.Api)).IsValid);
        Assert.True((await ValidateAsync(token, TokenKind.Api)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_ActionableMessageFromAnotherSender_Refused()
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.ActionableMessage) with
        {
            Claims = new Dictionary<string, object> { ["sender"] = "mallory@contoso.test" },
        });

        var verdict = await ValidateAsync(token, TokenKind.ActionableMessage);

        AssertRefused(verdict, "sender 'mallory@contoso.test' is not the service mailbox", token);
    }

    [Fact]
    public async Task ValidateAsync_ActionableMessageWithoutSender_Refused()
    {
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.ActionableMessage) with { Claims = null });

        var verdict = await ValidateAsync(token, TokenKind.ActionableMessage);

        AssertRefused(verdict, "sender missing: the token has no 'sender' claim", token);
    }

    [Fact]
    public async Task ValidateAsync_KeyRotatedAfterMetadataWasCached_RefreshesAndAccepts()
    {
        var before = await ValidateAsync(issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api)), TokenKind.Api);
        var newKey = issuer.Issuer.RotateSigningKey();
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api));

        var after = await ValidateAsync(token, TokenKind.Api);

        Assert.True(before.IsValid, before.Refusal);
        Assert.Equal("dev-key-2", newKey);
        Assert.True(after.IsValid, after.Refusal);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKeyIdAfterRefresh_RefusedNamingTheKey()
    {
        await ValidateAsync(issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api)), TokenKind.Api);
        // A second issuer with the same key id name but another key: its key id is not published by ours.
        await using var other = await DevelopmentTokenIssuerHost.StartAsync();
        other.Issuer.RotateSigningKey();
        var token = other.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api) with { Issuer = issuer.Issuer.Issuer });

        var verdict = await ValidateAsync(token, TokenKind.Api);

        AssertRefused(verdict, "signature invalid: signing key 'dev-key-2' is not published by the issuer", token);
    }

    [Fact]
    public async Task ValidateAsync_MetadataEndpointDown_RefusedWithReasonNotException()
    {
        var deadAddress = $"http://127.0.0.1:{FreePort.Next()}/.well-known/openid-configuration";
        await using var down = IdentityServices.Build(deadAddress);
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api) with { Issuer = deadAddress[..^"/.well-known/openid-configuration".Length] });

        var verdict = await down.GetRequiredService<ITokenValidator>().ValidateAsync(token, TokenKind.Api, CancellationToken.None);

        AssertRefused(verdict, $"could not be read from {deadAddress}", token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task ValidateAsync_Garbage_RefusedWithoutException(string token)
    {
        var verdict = await ValidateAsync(token, TokenKind.Api);

        Assert.False(verdict.IsValid);
        Assert.Contains(verdict.Refusal, new[] { "no token", "token malformed" });
    }

    [Fact]
    public async Task ValidateAsync_KindWithoutAudience_Refused()
    {
        await using var bare = IdentityServices.Build(issuer.MetadataAddress, new Dictionary<string, string?> { ["MlopsFlows:Identity:Api:Audiences:0"] = null });
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.Api));

        var verdict = await bare.GetRequiredService<ITokenValidator>().ValidateAsync(token, TokenKind.Api, CancellationToken.None);

        AssertRefused(verdict, "no audience is configured for Api tokens", token);
    }

    [Fact]
    public async Task ValidateAsync_TokenOfOneKindForAnother_Refused()
    {
        // A bot token presented at the API: the audience gives it away.
        var token = issuer.Issuer.CreateToken(IdentityServices.Valid(TokenKind.BotConnector));

        var verdict = await ValidateAsync(token, TokenKind.Api);

        AssertRefused(verdict, $"audience '{IdentityServices.BotAppId}' is not accepted", token);
    }

    private Task<TokenVerdict> ValidateAsync(string token, TokenKind kind) =>
        services.GetRequiredService<ITokenValidator>().ValidateAsync(token, kind, CancellationToken.None);

    private static void AssertRefused(TokenVerdict verdict, string reason, string token)
    {
        Assert.False(verdict.IsValid);
        Assert.Null(verdict.Principal);
        Assert.Contains(reason, verdict.Refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(token, verdict.Refusal!, StringComparison.Ordinal);
    }
}
