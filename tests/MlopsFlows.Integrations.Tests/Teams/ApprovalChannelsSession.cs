using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Teams;

/// <summary>
/// What the Teams and email notifier tests share: Azurite for the deliveries table, the development issuer handing
/// out client-credentials tokens, and the Bot Connector and Graph fakes accepting only tokens it signed for them.
/// </summary>
public sealed class ApprovalChannelsSession : IAsyncLifetime
{
    public const string ClientId = "mlopsflows-bot";
    public const string ClientSecret = "bot-secret-for-tests";
    public const string BotAppId = "00000000-0000-4000-8000-00000000b07";
    public const string TenantId = "00000000-0000-4000-8000-0000000000t1";

    private readonly AzuriteFixture azurite = new();

    public DevelopmentTokenIssuerHost Issuer { get; private set; } = null!;

    public Microsoft365Fakes Fakes { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public string StorageConnectionString => azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        Issuer = await DevelopmentTokenIssuerHost.StartAsync([new DevelopmentClient(ClientId, ClientSecret)]);
        Fakes = await Microsoft365Fakes.StartAsync(Issuer.Issuer);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Fakes.DisposeAsync();
        await Issuer.DisposeAsync();
        await azurite.DisposeAsync();
    }

    /// <summary>Client-credentials tokens from the development issuer, as the hosts get them.</summary>
    public ClientCredentialsTokenSource Tokens() => new(
        Http,
        new ClientCredentialsOptions { TokenEndpoint = new Uri(Issuer.Issuer.TokenEndpoint), ClientId = ClientId, ClientSecret = ClientSecret },
        TimeProvider.System,
        NullLogger<ClientCredentialsTokenSource>.Instance);

    public ApprovalDeliveries Deliveries() =>
        ApprovalDeliveries.Create(new EvidenceStorageOptions { ConnectionString = StorageConnectionString }, credential: null);

    /// <summary>A notification with a fresh release id (the deliveries table is shared by the tests).</summary>
    public static ApprovalRequest Request(ApprovalNotificationKind kind, string releaseId, string notificationId, params DirectoryPerson[] recipients) => new(
        notificationId,
        kind,
        releaseId,
        "main.credit.scorer",
        7,
        "prod",
        "job:train",
        "medium",
        new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero),
        recipients,
        ["model-validation"],
        new string('a', 64),
        kind == ApprovalNotificationKind.Outcome ? ["approved by risk@contoso.example", "auc 0.82 >= 0.80"] : ["auc 0.82 >= 0.80", "fairness passed"]);

    public static string NewReleaseId() => $"release:main.teams.m{Guid.NewGuid():N}"[..40] + ":7:prod";

    public static DirectoryPerson Ada { get; } = new("00000000-0000-4000-8000-0000000000a1", "ada@contoso.example", ["model-validation"]);

    public static DirectoryPerson Grace { get; } = new("00000000-0000-4000-8000-0000000000a2", "grace@contoso.example", ["model-validation"]);

    public static IOptions<T> Options<T>(T value)
        where T : class => Microsoft.Extensions.Options.Options.Create(value);
}
