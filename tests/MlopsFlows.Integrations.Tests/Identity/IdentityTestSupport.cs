using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Identity;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>The validator wired by <see cref="IdentityRegistration.AddIdentity"/>, trusting a development issuer for every kind.</summary>
internal static class IdentityServices
{
    public const string ApiAudience = "api://mlopsflows";
    public const string BotAppId = "5b1d0000-0000-0000-0000-00000000b07a";
    public const string PublicBaseUrl = "https://mlopsflows.contoso.test";
    public const string ServiceMailbox = "approvals@contoso.test";

    public static ServiceProvider Build(string metadataAddress, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MlopsFlows:Identity:Api:Audiences:0"] = ApiAudience,
            ["MlopsFlows:Identity:Api:Issuers:0:MetadataAddress"] = metadataAddress,
            ["MlopsFlows:Identity:BotConnector:Audiences:0"] = BotAppId,
            // Locally the Bot Framework's own issuer is not reachable: only the development issuer is trusted.
            ["MlopsFlows:Identity:BotConnector:UseAzureIssuers"] = "false",
            ["MlopsFlows:Identity:BotConnector:Issuers:0:MetadataAddress"] = metadataAddress,
            ["MlopsFlows:Identity:ActionableMessage:Audiences:0"] = PublicBaseUrl,
            ["MlopsFlows:Identity:ActionableMessage:Sender"] = ServiceMailbox,
            ["MlopsFlows:Identity:ActionableMessage:Issuers:0:MetadataAddress"] = metadataAddress,
            ["MlopsFlows:Identity:KeyRefreshInterval"] = "00:00:01",
            ["MlopsFlows:Identity:MetadataTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            // Null removes the setting.
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        return new ServiceCollection()
            .AddLogging()
            .AddIdentity(TestServices.Configuration(settings))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A token that passes every check of <paramref name="kind"/>, before <paramref name="change"/>.</summary>
    public static DevelopmentTokenRequest Valid(TokenKind kind) => kind switch
    {
        TokenKind.Api => new DevelopmentTokenRequest { Audience = ApiAudience, ObjectId = "6f1c0000-0000-0000-0000-000000000001", Upn = "ada@contoso.test" },
        TokenKind.BotConnector => new DevelopmentTokenRequest
        {
            Audience = BotAppId,
            Claims = new Dictionary<string, object> { ["serviceurl"] = "https://smba.trafficmanager.net/emea/" },
        },
        TokenKind.ActionableMessage => new DevelopmentTokenRequest
        {
            Audience = PublicBaseUrl,
            ObjectId = "6f1c0000-0000-0000-0000-000000000001",
            Upn = "ada@contoso.test",
            Claims = new Dictionary<string, object> { ["sender"] = ServiceMailbox },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
