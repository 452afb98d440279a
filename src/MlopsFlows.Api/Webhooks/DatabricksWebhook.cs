using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Api.Webhooks;

/// <summary>
/// A registry-webhook style door for Databricks: a body such as
/// <c>{"event":"MODEL_VERSION_CREATED","webhook_id":"…","event_timestamp":1767225600000,"model_name":"main.credit.scorer","version":"8"}</c>,
/// signed with HMAC-SHA256 of the raw body under a shared secret, starts the release exactly as
/// <c>POST /api/releases</c> does. Nothing is read from the body before its signature and age are checked.
/// </summary>
public static class DatabricksWebhook
{
    public const string Route = "/api/webhooks/databricks";

    public static IServiceCollection AddDatabricksWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DatabricksWebhookOptions>()
            .Bind(configuration.GetSection(DatabricksWebhookOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapDatabricksWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, (HttpRequest request, DurableTaskClient client) => ReceiveAsync(request, client))
            .WithTags("Webhooks").WithName("DatabricksWebhook")
            .WithSummary("Start the release of a registered model version from a signed Databricks registry-webhook body.");
        return app;
    }

    public static async Task<IResult> ReceiveAsync(HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var services = request.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DatabricksWebhookOptions>>().CurrentValue;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabricksWebhook));
        if (string.IsNullOrEmpty(options.Secret))
        {
            Log.WebhookNotConfigured(logger);
            return Problems.Problem(
                StatusCodes.Status503ServiceUnavailable,
                "Webhook not configured.",
                $"No shared secret is configured ({DatabricksWebhookOptions.SectionName}:Secret), so no webhook is accepted.");
        }

        var (body, tooLarge) = await ReadRawAsync(request, cancellationToken);
        if (body is null)
        {
            return tooLarge!;
        }

        var signature = request.Headers[WebhookSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            return Refuse(logger, $"The {WebhookSignature.HeaderName} header is missing.");
        }

        if (!WebhookSignature.Matches(options.Secret, body, signature))
        {
            return Refuse(logger, $"The {WebhookSignature.HeaderName} header is not the HMAC-SHA256 of this body under the configured secret.");
        }

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problems.Validation("body", "The request body is not valid JSON.");
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return Problems.Validation("body", "The request body must be a JSON object.");
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (StaleReason(payload, now, options.MaxAge) is { } stale)
        {
            return Refuse(logger, stale);
        }

        var eventName = payload.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : string.Empty;
        if (!options.Starts(eventName))
        {
            Log.EventIgnored(logger, eventName);
            return TypedResults.Ok(new WebhookIgnored(eventName, "This event does not start a release."));
        }

        var (start, errors) = ReleaseRequests.ParseStart(ToStartBody(payload, options));
        if (start is null)
        {
            return Problems.Validation(errors.ToDictionary(pair => WireName(pair.Key), pair => pair.Value, StringComparer.Ordinal));
        }

        Log.WebhookAccepted(logger, eventName, start.Key.InstanceId);
        return await ReleasesApi.StartReleaseAsync(start, services, client, cancellationToken);
    }

    /// <summary>Why the body's <c>event_timestamp</c> (milliseconds since the epoch) is not fresh enough, or null.</summary>
    private static string? StaleReason(JsonElement payload, DateTimeOffset now, TimeSpan maxAge)
    {
        if (!payload.TryGetProperty("event_timestamp", out var value) || !value.TryGetInt64(out var milliseconds))
        {
            return "The body has no numeric 'event_timestamp' (milliseconds since the epoch), so a replay cannot be ruled out.";
        }

        DateTimeOffset sent;
        try
        {
            sent = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            return "The body's 'event_timestamp' is not a time.";
        }

        var skew = (now - sent).Duration();
        return skew > maxAge
            ? $"The body's event_timestamp ({sent:O}) is {skew.TotalSeconds:F0} s away from now, beyond the {maxAge.TotalSeconds:F0} s allowed: refused as a replay."
            : null;
    }

    /// <summary>The <c>POST /api/releases</c> body the event stands for, so one parser validates both doors.</summary>
    private static JsonElement ToStartBody(JsonElement payload, DatabricksWebhookOptions options)
    {
        var start = new Dictionary<string, object?>(StringComparer.Ordinal);
        Copy(payload, "model_name", start, "model");
        if (payload.TryGetProperty("version", out var version))
        {
            // Registry webhooks send the version as a string ("8").
            start["version"] = version.ValueKind == JsonValueKind.String
                && int.TryParse(version.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : version;
        }

        if (!Copy(payload, "environment", start, "environment") && !string.IsNullOrWhiteSpace(options.Environment))
        {
            start["environment"] = options.Environment;
        }

        Copy(payload, "serving_endpoint", start, "servingEndpoint");
        var webhookId = payload.TryGetProperty("webhook_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        start["requestedBy"] = string.IsNullOrWhiteSpace(webhookId) ? "databricks-webhook" : $"databricks-webhook:{webhookId}";
        return JsonSerializer.SerializeToElement(start);
    }

    private static bool Copy(JsonElement payload, string from, Dictionary<string, object?> start, string to)
    {
        if (!payload.TryGetProperty(from, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        start[to] = value;
        return true;
    }

    private static string WireName(string field) => field switch
    {
        "model" => "model_name",
        "servingEndpoint" => "serving_endpoint",
        "requestedBy" => "webhook_id",
        _ => field,
    };

    private static IResult Refuse(ILogger logger, string reason)
    {
        Log.WebhookRefused(logger, reason);
        return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", reason);
    }

    /// <summary>The body's exact bytes (the signature covers them), at most <see cref="JsonBody.MaxBytes"/>.</summary>
    private static async Task<(byte[]? Body, IResult? Problem)> ReadRawAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > JsonBody.MaxBytes)
        {
            return (null, Problems.TooLarge(JsonBody.MaxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > JsonBody.MaxBytes)
            {
                return (null, Problems.TooLarge(JsonBody.MaxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }
}

/// <summary>The answer to a correctly signed event that does not start a release.</summary>
public sealed record WebhookIgnored(string Event, string Reason);
