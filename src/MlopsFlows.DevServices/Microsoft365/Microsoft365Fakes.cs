using System.Globalization;
using Microsoft.AspNetCore.Routing;
using MlopsFlows.DevServices.Identity;

namespace MlopsFlows.DevServices.Microsoft365;

/// <summary>Maps the fakes' routes into a host of the caller's.</summary>
public static class Microsoft365FakeEndpoints
{
    /// <summary>The Bot Connector routes (<c>/v3/conversations…</c>) under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapBotConnectorFake(this IEndpointRouteBuilder endpoints, BotConnectorFake state, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Map(endpoints, prefix);
        return endpoints;
    }

    /// <summary>The Graph sendMail route (<c>/v1.0/users/{mailbox}/sendMail</c>) under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapGraphMailFake(this IEndpointRouteBuilder endpoints, GraphMailFake state, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Map(endpoints, prefix);
        return endpoints;
    }
}

/// <summary>
/// The Bot Connector and Graph sendMail fakes on one loopback Kestrel server: the connector's service URL is
/// <see cref="BotServiceUrl"/>, Graph's base is <see cref="GraphBaseUrl"/>. For tests and the local host.
/// </summary>
public sealed class Microsoft365Fakes : IAsyncDisposable
{
    private readonly LoopbackWebServer server;

    private Microsoft365Fakes(LoopbackWebServer server, BotConnectorFake bot, GraphMailFake mail)
    {
        this.server = server;
        BotConnector = bot;
        Mail = mail;
    }

    public BotConnectorFake BotConnector { get; }

    public GraphMailFake Mail { get; }

    public int Port => server.Port;

    /// <summary>The connector's service URL as Teams hands it out (with a trailing slash).</summary>
    public string BotServiceUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/bot/");

    /// <summary>Graph's base address (no trailing slash), e.g. <c>http://127.0.0.1:41234/graph</c>.</summary>
    public string GraphBaseUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/graph");

    /// <param name="issuer">When given, both fakes accept only tokens it signed for their resource.</param>
    public static async Task<Microsoft365Fakes> StartAsync(DevelopmentTokenIssuer? issuer = null, int port = 0, CancellationToken cancellationToken = default)
    {
        var bot = new BotConnectorFake(issuer);
        var mail = new GraphMailFake(issuer);
        var server = await LoopbackWebServer.StartAsync(port, app => app.MapBotConnectorFake(bot, "/bot").MapGraphMailFake(mail, "/graph"), cancellationToken)
            .ConfigureAwait(false);
        var fakes = new Microsoft365Fakes(server, bot, mail);
        bot.ServiceUrl = fakes.BotServiceUrl;
        return fakes;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
