using System.Security.Cryptography;
using System.Text;
using MlopsFlows.DevServices.Graph;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.DevServices.Microsoft365;
using MlopsFlows.Integrations.Approvals;

namespace MlopsFlows.Local;

/// <summary>
/// The Microsoft 365 side of a fully local host, so every approval path runs the production code: a development token
/// issuer trusted for API, Bot Connector and actionable-message tokens; a Graph directory holding the configured people,
/// one group per policy role; and loopback Teams (Bot Connector) and Graph mail services. Nothing here is trusted unless
/// the host runs with <c>--simulator true</c>.
/// </summary>
public sealed class SimulatedMicrosoft365 : IAsyncDisposable
{
    /// <summary>The API's app id URI: the audience of tokens for the API and the web approval page.</summary>
    public const string ApiAudience = "api://mlopsflows-local";

    /// <summary>The bot's app id: the audience of the connector's tokens.</summary>
    public const string BotAppId = "00000000-0000-4000-8000-00000000b07a";

    public const string TenantId = "00000000-0000-4000-8000-0000000000c0";

    /// <summary>The mailbox approval mails are sent from, and the <c>sender</c> actionable-message tokens must carry.</summary>
    public const string ServiceMailbox = "mlopsflows@contoso.example";

    /// <summary>The provider id Outlook's actionable-message registration would give the service mailbox.</summary>
    public const string ActionableMessageOriginator = "00000000-0000-4000-8000-0000000000a3";

    private const string ClientId = "mlopsflows-local-host";

    private readonly string clientSecret;
    private readonly Dictionary<string, string> objectIds;
    private readonly IReadOnlyList<string> roles;

    private SimulatedMicrosoft365(
        DevelopmentTokenIssuerHost issuer,
        GraphDirectoryHost directory,
        Microsoft365Fakes services,
        string clientSecret,
        Dictionary<string, string> objectIds,
        IReadOnlyList<string> roles)
    {
        Issuer = issuer;
        Directory = directory;
        Services = services;
        this.clientSecret = clientSecret;
        this.objectIds = objectIds;
        this.roles = roles;
    }

    public DevelopmentTokenIssuerHost Issuer { get; }

    public GraphDirectoryHost Directory { get; }

    /// <summary>The Bot Connector and Graph mail services: what Teams and Outlook received, and a way to press a card's buttons.</summary>
    public Microsoft365Fakes Services { get; }

    /// <summary>Starts the services with <paramref name="people"/> in the directory, each in a group per role they hold.</summary>
    public static async Task<SimulatedMicrosoft365> StartAsync(IReadOnlyList<ConfiguredApprover> people, CancellationToken cancellationToken)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var issuer = await DevelopmentTokenIssuerHost.StartAsync([new DevelopmentClient(ClientId, secret)], cancellationToken: cancellationToken);
        GraphDirectoryHost? directory = null;
        try
        {
            var state = new GraphDirectoryState(issuer.Issuer);
            var objectIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var person in people.Where(p => !string.IsNullOrWhiteSpace(p.Upn) && !string.IsNullOrWhiteSpace(p.ObjectId)))
            {
                state.AddUser(person.ObjectId!, person.Upn!);
                objectIds[person.Upn!] = person.ObjectId!;
            }

            var roles = people.SelectMany(p => p.Roles).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var role in roles)
            {
                state.AddGroup(GroupIdOf(role), role, [.. people.Where(p => p.Roles.Contains(role, StringComparer.OrdinalIgnoreCase)).Select(p => p.ObjectId!)]);
            }

            directory = await GraphDirectoryHost.StartAsync(state, cancellationToken: cancellationToken);
            var services = await Microsoft365Fakes.StartAsync(issuer.Issuer, cancellationToken: cancellationToken);
            services.BotConnector.ConnectorTokenFactory = serviceUrl => issuer.Issuer.CreateToken(new DevelopmentTokenRequest
            {
                Audience = BotAppId,
                Subject = BotAppId,
                Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            });
            return new SimulatedMicrosoft365(issuer, directory, services, secret, objectIds, roles);
        }
        catch
        {
            if (directory is not null)
            {
                await directory.DisposeAsync();
            }

            await issuer.DisposeAsync();
            throw;
        }
    }

    /// <summary>The configuration that points identity, the directory, Teams and mail at these services.</summary>
    /// <param name="apiBaseUrl">The host's public address: approval links and the audience of actionable-message tokens.</param>
    public IReadOnlyDictionary<string, string?> Settings(Uri apiBaseUrl)
    {
        var publicBase = apiBaseUrl.AbsoluteUri.TrimEnd('/');
        var settings = new Dictionary<string, string?>
        {
            ["MlopsFlows:Identity:Api:Audiences:0"] = ApiAudience,
            ["MlopsFlows:Identity:Api:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Identity:Api:UseAzureIssuers"] = "false",
            ["MlopsFlows:Identity:BotConnector:Audiences:0"] = BotAppId,
            ["MlopsFlows:Identity:BotConnector:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Identity:BotConnector:UseAzureIssuers"] = "false",
            ["MlopsFlows:Identity:ActionableMessage:Audiences:0"] = publicBase,
            ["MlopsFlows:Identity:ActionableMessage:Issuers:0:MetadataAddress"] = Issuer.MetadataAddress,
            ["MlopsFlows:Identity:ActionableMessage:UseAzureIssuers"] = "false",
            ["MlopsFlows:Identity:ActionableMessage:Sender"] = ServiceMailbox,
            ["MlopsFlows:Graph:BaseUrl"] = Directory.BaseUrl.AbsoluteUri,
            ["MlopsFlows:Graph:ClientCredentials:TokenEndpoint"] = Issuer.Issuer.TokenEndpoint,
            ["MlopsFlows:Graph:ClientCredentials:ClientId"] = ClientId,
            ["MlopsFlows:Graph:ClientCredentials:ClientSecret"] = clientSecret,
            ["MlopsFlows:Teams:BotAppId"] = BotAppId,
            ["MlopsFlows:Teams:TenantId"] = TenantId,
            ["MlopsFlows:Teams:ServiceUrl"] = Services.BotServiceUrl,
            ["MlopsFlows:Teams:ClientCredentials:TokenEndpoint"] = Issuer.Issuer.TokenEndpoint,
            ["MlopsFlows:Teams:ClientCredentials:ClientId"] = ClientId,
            ["MlopsFlows:Teams:ClientCredentials:ClientSecret"] = clientSecret,
            ["MlopsFlows:Email:ServiceMailbox"] = ServiceMailbox,
            ["MlopsFlows:Email:GraphBaseUrl"] = Services.GraphBaseUrl,
            ["MlopsFlows:Approvals:PublicBaseUrl"] = publicBase,
            ["MlopsFlows:Approvals:ActionableMessageOriginator"] = ActionableMessageOriginator,
        };
        foreach (var role in roles)
        {
            settings[$"MlopsFlows:Graph:RoleGroups:{role}"] = GroupIdOf(role);
        }

        return settings;
    }

    /// <summary>
    /// An API token for a person, as Entra would issue it after they sign in: their directory object id when the
    /// directory knows them, else a stable one made from the name (a stranger the workflows will refuse).
    /// </summary>
    public string ApiTokenFor(string upn, TimeSpan? lifetime = null) =>
        Issuer.Issuer.CreateToken(new DevelopmentTokenRequest
        {
            Audience = ApiAudience,
            Upn = upn,
            ObjectId = ObjectIdOf(upn),
            Lifetime = lifetime ?? TimeSpan.FromHours(1),
        });

    /// <summary>An actionable-message token as Outlook sends it when <paramref name="upn"/> presses a button of a mail card.</summary>
    public string ActionableTokenFor(string upn, Uri apiBaseUrl) =>
        Issuer.Issuer.CreateToken(new DevelopmentTokenRequest
        {
            Audience = apiBaseUrl.AbsoluteUri.TrimEnd('/'),
            Upn = upn,
            ObjectId = ObjectIdOf(upn),
            TokenId = Guid.NewGuid().ToString("N"),
            Lifetime = TimeSpan.FromMinutes(5),
            Claims = new Dictionary<string, object> { ["sender"] = ServiceMailbox },
        });

    public string ObjectIdOf(string upn) =>
        objectIds.TryGetValue(upn.Trim(), out var known) ? known : StableGuid("user:" + upn.Trim());

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Directory.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    // A group id per role, stable across starts so a restarted host finds the same groups.
    private static string GroupIdOf(string role) => StableGuid("role:" + role);

    private static string StableGuid(string name) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name.ToUpperInvariant()))[..16]).ToString();
}
