using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlopsFlows.DevServices.Identity;

/// <summary>
/// A <see cref="DevelopmentTokenIssuer"/> on its own loopback Kestrel server, its issuer URL the server's root
/// (e.g. <c>http://127.0.0.1:41234</c>). For tests and for hosts that do not mount the routes themselves.
/// </summary>
public sealed class DevelopmentTokenIssuerHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private DevelopmentTokenIssuerHost(WebApplication app, DevelopmentTokenIssuer issuer)
    {
        this.app = app;
        Issuer = issuer;
    }

    public DevelopmentTokenIssuer Issuer { get; }

    /// <summary>The issuer URL, which is also the server's base address.</summary>
    public string BaseUrl => Issuer.Issuer;

    public string MetadataAddress => Issuer.MetadataAddress;

    /// <param name="port">The loopback port; 0 lets the system choose.</param>
    public static async Task<DevelopmentTokenIssuerHost> StartAsync(
        IEnumerable<DevelopmentClient>? clients = null, int port = 0, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevelopmentTokenIssuerHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        DevelopmentTokenIssuer? issuer = null;
        DevelopmentTokenIssuerEndpoints.Map(app, string.Empty, () => issuer ?? throw new InvalidOperationException("The issuer is still starting."));
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
        var bound = new Uri(address).Port;
        issuer = new DevelopmentTokenIssuer(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{bound}")), clients, timeProvider);
        return new DevelopmentTokenIssuerHost(app, issuer);
    }

    public async Task StopAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        Issuer.Dispose();
    }
}
