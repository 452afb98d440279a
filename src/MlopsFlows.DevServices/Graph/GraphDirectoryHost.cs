using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlopsFlows.DevServices.Graph;

/// <summary>The fake Graph directory on its own loopback Kestrel server, for tests and hosts that do not mount it.</summary>
public sealed class GraphDirectoryHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private GraphDirectoryHost(WebApplication app, GraphDirectoryState state, Uri baseUrl)
    {
        this.app = app;
        State = state;
        BaseUrl = baseUrl;
    }

    public GraphDirectoryState State { get; }

    /// <summary>The server's root with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c> (Graph's base URL, without the version).</summary>
    public Uri BaseUrl { get; }

    public static async Task<GraphDirectoryHost> StartAsync(GraphDirectoryState state, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GraphDirectoryHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGraphDirectory(state);
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
        return new GraphDirectoryHost(app, state, new Uri(address.TrimEnd('/') + "/"));
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
