using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Releases;
using MlopsFlows.Api.Webhooks;

namespace MlopsFlows.Api.Tests.Webhooks;

/// <summary><c>POST /api/webhooks/databricks</c> on the local host: only a fresh body signed with the shared secret starts a release.</summary>
[Collection(WebhookHostCollection.Name)]
public sealed class DatabricksWebhookTests(WebhookHostFixture fixture)
{
    private DurableTaskClient Client => fixture.Host.App.Services.GetRequiredService<DurableTaskClient>();

    [Fact]
    public async Task Receive_GoodSignature_StartsTheReleaseAsPostReleasesDoes()
    {
        await fixture.SeedModelAsync("main.hook.created", "created-prod", 1, 2);
        var body = Event("MODEL_VERSION_CREATED", "main.hook.created", "2", environment: "prod");

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));
        using var again = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<ReleaseAccepted>())!;
        Assert.Equal(("release:main.hook.created:2:prod", true), (accepted.Id, accepted.Created));
        Assert.Equal($"/api/releases/{accepted.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<ReleaseAccepted>())!.Created);
        var instance = await Client.GetInstanceAsync(accepted.Id, getInputsAndOutputs: true);
        Assert.NotNull(instance);
        Assert.Equal("databricks-webhook:wh-1234", instance.ReadInputAs<MlopsFlows.Workflows.Releases.ReleaseInput>()!.RequestedBy);
    }

    [Fact]
    public async Task Receive_NoEnvironmentInTheBody_UsesTheConfiguredOne()
    {
        await fixture.SeedModelAsync("main.hook.staged", "staged-staging", 1, 3);
        var body = Event("TRANSITION_REQUEST_CREATED", "main.hook.staged", "3", environment: null);

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"release:main.hook.staged:3:{WebhookHostFixture.DefaultEnvironment}", (await response.Content.ReadFromJsonAsync<ReleaseAccepted>())!.Id);
    }

    [Fact]
    public async Task Receive_WrongSignature_401AndNothingStarted()
    {
        var body = Event("MODEL_VERSION_CREATED", "main.hook.forged", "2", environment: "prod");

        using var response = await SendAsync(body, WebhookSignature.Compute("not-the-secret", Encoding.UTF8.GetBytes(body)));

        await AssertRefusedAsync(response, "release:main.hook.forged:2:prod", "not the HMAC-SHA256");
    }

    [Fact]
    public async Task Receive_SignatureNotHex_401AndNothingStarted()
    {
        var body = Event("MODEL_VERSION_CREATED", "main.hook.garbled", "2", environment: "prod");

        using var response = await SendAsync(body, new string('z', 64));

        await AssertRefusedAsync(response, "release:main.hook.garbled:2:prod", "not the HMAC-SHA256");
    }

    [Fact]
    public async Task Receive_MissingSignatureHeader_401AndNothingStarted()
    {
        var body = Event("MODEL_VERSION_CREATED", "main.hook.unsigned", "2", environment: "prod");

        using var response = await SendAsync(body, signature: null);

        await AssertRefusedAsync(response, "release:main.hook.unsigned:2:prod", "X-Databricks-Signature header is missing");
    }

    [Fact]
    public async Task Receive_BodyTamperedAfterSigning_401AndNothingStarted()
    {
        var signed = Event("MODEL_VERSION_CREATED", "main.hook.tampered", "2", environment: "prod");
        var signature = WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(signed));
        var tampered = signed.Replace("\"2\"", "\"3\"", StringComparison.Ordinal);

        using var response = await SendAsync(tampered, signature);

        await AssertRefusedAsync(response, "release:main.hook.tampered:3:prod", "not the HMAC-SHA256");
    }

    [Fact]
    public async Task Receive_StaleTimestamp_401AsAReplay()
    {
        var body = Event("MODEL_VERSION_CREATED", "main.hook.replayed", "2", environment: "prod", sentAt: DateTimeOffset.UtcNow.AddMinutes(-10));

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        await AssertRefusedAsync(response, "release:main.hook.replayed:2:prod", "replay");
    }

    [Fact]
    public async Task Receive_NoTimestamp_401()
    {
        var body = JsonSerializer.Serialize(new { @event = "MODEL_VERSION_CREATED", model_name = "main.hook.timeless", version = "2", environment = "prod" });

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        await AssertRefusedAsync(response, "release:main.hook.timeless:2:prod", "event_timestamp");
    }

    [Fact]
    public async Task Receive_EventThatStartsNothing_200Ignored()
    {
        var body = Event("COMMENT_CREATED", "main.hook.commented", "2", environment: "prod");

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("COMMENT_CREATED", (await response.Content.ReadFromJsonAsync<WebhookIgnored>())!.Event);
        Assert.Null(await Client.GetInstanceAsync("release:main.hook.commented:2:prod"));
    }

    [Fact]
    public async Task Receive_SignedButInvalidModelName_400NamingTheField()
    {
        var body = Event("MODEL_VERSION_CREATED", "legacy_workspace_model", "2", environment: "prod");

        using var response = await SendAsync(body, WebhookSignature.Compute(WebhookHostFixture.Secret, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("model_name", out _), problem.ToString());
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string wouldBeRelease, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookHostFixture.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await Client.GetInstanceAsync(wouldBeRelease));
    }

    private Task<HttpResponseMessage> SendAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/databricks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignature.HeaderName, signature);
        }

        return fixture.Api.SendAsync(request);
    }

    /// <summary>A registry-webhook body (the documented fields), plus our optional <c>environment</c>.</summary>
    private static string Event(string name, string model, string version, string? environment, DateTimeOffset? sentAt = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["event"] = name,
            ["webhook_id"] = "wh-1234",
            ["event_timestamp"] = (sentAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
            ["model_name"] = model,
            ["version"] = version,
            ["to_stage"] = "Production",
            ["text"] = $"Registered model '{model}' version {version} created.",
            ["environment"] = environment,
        }.Where(pair => pair.Value is not null).ToDictionary());
}
