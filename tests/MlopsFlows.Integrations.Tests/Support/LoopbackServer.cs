using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlopsFlows.Integrations.Tests.Support;

/// <summary>One request a <see cref="LoopbackServer"/> received.</summary>
public sealed record ReceivedRequest(int Number, string Method, string PathAndQuery, string? Authorization, DateTimeOffset At);

/// <summary>
/// A tiny real HTTP server on 127.0.0.1 whose every answer a test scripts: for failures the simulator does not produce
/// (throttling, server errors, races), so the adapters' HTTP stack is exercised for real.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests;

    private LoopbackServer(WebApplication app, ConcurrentQueue<ReceivedRequest> requests, Uri baseUrl)
    {
        _app = app;
        _requests = requests;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <param name="answer">Writes the response to the n-th request (1-based).</param>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, int, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new ConcurrentQueue<ReceivedRequest>();
        var count = 0;
        app.Run(context =>
        {
            var number = Interlocked.Increment(ref count);
            var request = context.Request;
            requests.Enqueue(new ReceivedRequest(number, request.Method, request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault(), DateTimeOffset.UtcNow));
            return answer(context, number);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackServer(app, requests, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Answers a scripted server writes.</summary>
public static class Answers
{
    public static Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    public static Task Error(HttpContext context, int status, string errorCode, string message) =>
        Json(context, $$"""{"error_code":"{{errorCode}}","message":"{{message}}"}""", status);

    /// <summary>A serving endpoint serving <paramref name="routes"/> of main.credit.scorer, in the Databricks shape.</summary>
    public static string Endpoint(string configUpdate, params (int Version, int Percent)[] routes)
    {
        var entities = string.Join(",", routes.Select(r => $$"""{"name":"scorer-{{r.Version}}","entity_name":"main.credit.scorer","entity_version":"{{r.Version}}","workload_size":"Medium","scale_to_zero_enabled":false}"""));
        var traffic = string.Join(",", routes.Select(r => $$"""{"served_model_name":"scorer-{{r.Version}}","traffic_percentage":{{r.Percent}}}"""));
        return $$"""{"name":"scorer","state":{"ready":"READY","config_update":"{{configUpdate}}"},"config":{"served_entities":[{{entities}}],"traffic_config":{"routes":[{{traffic}}""" + "]}}}";
    }
}
