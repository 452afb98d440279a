using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksAuthenticationHandlerTests
{
    private static readonly string Healthy = Answers.Endpoint("NOT_UPDATING", (11, 100));

    [Fact]
    public async Task SendAsync_PersonalAccessToken_SendsItAsBearer()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, Healthy));
        await using var services = TestServices.Databricks(server.BaseUrl, "dapi-123");

        await services.GetRequiredService<IServingEndpoints>().GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal("Bearer dapi-123", Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task SendAsync_NoToken_AsksTheCredentialForTheDatabricksScopeOnce()
    {
        var credential = new CountingCredential();
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, Healthy));
        await using var services = TestServices.Databricks(server.BaseUrl, token: null, configure: s => s.AddSingleton<TokenCredential>(credential));
        var serving = services.GetRequiredService<IServingEndpoints>();

        await serving.GetTrafficAsync("scorer", CancellationToken.None);
        await serving.GetTrafficAsync("scorer", CancellationToken.None);

        Assert.All(server.Requests, r => Assert.Equal("Bearer entra-token-1", r.Authorization));
        Assert.Equal(1, credential.Calls);
        Assert.Equal([DatabricksOptions.AzureDatabricksScope], credential.Scopes);
    }

    [Fact]
    public async Task SendAsync_CachedTokenNearExpiry_AsksForANewOne()
    {
        var credential = new CountingCredential { Lifetime = TimeSpan.FromMinutes(2) };
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(context, Healthy));
        await using var services = TestServices.Databricks(server.BaseUrl, token: null, configure: s => s.AddSingleton<TokenCredential>(credential));
        var serving = services.GetRequiredService<IServingEndpoints>();

        await serving.GetTrafficAsync("scorer", CancellationToken.None);
        await serving.GetTrafficAsync("scorer", CancellationToken.None);

        Assert.Equal(["Bearer entra-token-1", "Bearer entra-token-2"], server.Requests.Select(r => r.Authorization));
    }

    private sealed class CountingCredential : TokenCredential
    {
        private int _calls;

        public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

        public int Calls => _calls;

        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            var call = Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(new AccessToken($"entra-token-{call}", DateTimeOffset.UtcNow + Lifetime));
        }
    }
}
