namespace MlopsFlows.DevServices.Graph;

/// <summary>The fake Graph directory on its own loopback Kestrel server, for tests and hosts that do not mount it.</summary>
public sealed class GraphDirectoryHost : IAsyncDisposable
{
    private readonly LoopbackWebServer server;

    private GraphDirectoryHost(LoopbackWebServer server, GraphDirectoryState state)
    {
        this.server = server;
        State = state;
    }

    public GraphDirectoryState State { get; }

    /// <summary>The server's root with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c> (Graph's base URL, without the version).</summary>
    public Uri BaseUrl => server.BaseUrl;

    public static async Task<GraphDirectoryHost> StartAsync(GraphDirectoryState state, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var server = await LoopbackWebServer.StartAsync(port, app => app.MapGraphDirectory(state), cancellationToken).ConfigureAwait(false);
        return new GraphDirectoryHost(server, state);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
