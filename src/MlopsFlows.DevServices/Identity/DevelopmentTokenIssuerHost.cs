using System.Globalization;

namespace MlopsFlows.DevServices.Identity;

/// <summary>
/// A <see cref="DevelopmentTokenIssuer"/> on its own loopback Kestrel server, its issuer URL the server's root
/// (e.g. <c>http://127.0.0.1:41234</c>). For tests and for hosts that do not mount the routes themselves.
/// </summary>
public sealed class DevelopmentTokenIssuerHost : IAsyncDisposable
{
    private readonly LoopbackWebServer server;
    private int disposed;

    private DevelopmentTokenIssuerHost(LoopbackWebServer server, DevelopmentTokenIssuer issuer)
    {
        this.server = server;
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
        // The issuer's URL names the port, which is known only once the server listens: routes ask for it lazily.
        DevelopmentTokenIssuer? issuer = null;
        var server = await LoopbackWebServer.StartAsync(
            port,
            app => DevelopmentTokenIssuerEndpoints.Map(app, string.Empty, () => issuer ?? throw new InvalidOperationException("The issuer is still starting.")),
            cancellationToken).ConfigureAwait(false);
        issuer = new DevelopmentTokenIssuer(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{server.Port}")), clients, timeProvider);
        return new DevelopmentTokenIssuerHost(server, issuer);
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

        await server.DisposeAsync().ConfigureAwait(false);
        Issuer.Dispose();
    }
}
