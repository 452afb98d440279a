using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlopsFlows.Api.Webhooks;

namespace MlopsFlows.Api.Tests.Webhooks;

/// <summary>The shared local host has no webhook secret: the door stays shut, whatever the body says.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class DatabricksWebhookUnconfiguredTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Receive_NoSecretConfigured_503AndNothingStarted()
    {
        var body = JsonSerializer.Serialize(new
        {
            @event = "MODEL_VERSION_CREATED",
            event_timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            model_name = "main.hook.shut",
            version = "2",
            environment = "prod",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/databricks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute("any-secret", Encoding.UTF8.GetBytes(body)));

        using var response = await fixture.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("MlopsFlows:Webhooks:Databricks:Secret", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await fixture.Client.GetInstanceAsync("release:main.hook.shut:2:prod"));
    }
}
