using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    private readonly WebApplication app;
    private int disposed;

    private Microsoft365Fakes(WebApplication app, BotConnectorFake bot, GraphMailFake mail, int port)
    {
        this.app = app;
        BotConnector = bot;
        Mail = mail;
        Port = port;
    }

    public BotConnectorFake BotConnector { get; }

    public GraphMailFake Mail { get; }

    public int Port { get; }

    /// <summary>The connector's service URL as Teams hands it out (with a trailing slash).</summary>
    public string BotServiceUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/bot/");

    /// <summary>Graph's base address (no trailing slash), e.g. <c>http://127.0.0.1:41234/graph</c>.</summary>
    public string GraphBaseUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/graph");

    /// <param name="issuer">When given, both fakes accept only tokens it signed for their resource.</param>
    public static async Task<Microsoft365Fakes> StartAsync(DevelopmentTokenIssuer? issuer = null, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Microsoft365Fakes).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var bot = new BotConnectorFake(issuer);
        var mail = new GraphMailFake(issuer);
        app.MapBotConnectorFake(bot, "/bot").MapGraphMailFake(mail, "/graph");
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var fakes = new Microsoft365Fakes(app, bot, mail, new Uri(address).Port);
        bot.ServiceUrl = fakes.BotServiceUrl;
        return fakes;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
