using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlopsFlows.Workflows.Ports;
using Polly;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// The one place where Databricks REST answers become results or classified exceptions. Retries happen before this,
/// in the resilience handler of each client; what reaches here has already been retried as far as it will be.
/// </summary>
internal static class DatabricksHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // MLflow writes non-finite metrics as "NaN" / "Infinity".
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<T> GetJsonAsync<T>(this HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await http.SendClassifiedAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, path, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<string> GetTextAsync(this HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await http.SendClassifiedAsync(request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task PutJsonAsync<TBody>(this HttpClient http, string path, TBody body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json) };
        using var response = await http.SendClassifiedAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public static async Task SendDeleteAsync(this HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        using var response = await http.SendClassifiedAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> and reads the JSON answer.</summary>
    public static async Task<TResult> PostJsonAsync<TBody, TResult>(this HttpClient http, string path, TBody body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        using var response = await http.SendClassifiedAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<TResult>(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>User-Agent</c> of every Databricks call, e.g. <c>MlopsFlows/1.0.0</c>: workspace admins can tell our calls
    /// apart in the audit logs.
    /// </summary>
    public static readonly ProductInfoHeaderValue UserAgent =
        new("MlopsFlows", typeof(DatabricksHttp).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    /// <summary>Escapes one path segment (a model's full name, an alias, an endpoint name).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    private static async Task<HttpResponseMessage> SendClassifiedAsync(this HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var what = $"{request.Method} {request.RequestUri}";
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new TransientDependencyException($"Databricks {what} failed: {ex.Message}", ex);
        }
        catch (ExecutionRejectedException ex)
        {
            // Polly gave up: the total timeout ran out or the circuit is open.
            throw new TransientDependencyException($"Databricks {what} was rejected by the resilience pipeline: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation, so HttpClient.Timeout or an attempt timeout fired.
            throw new TransientDependencyException($"Databricks {what} timed out", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ClassifyAsync(response, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The exception an unsuccessful answer stands for: 404 → not found, 408/429/5xx → transient, any other → <see cref="DatabricksApiException"/>.</summary>
    public static async Task<Exception> ClassifyAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var detail = $"Databricks {what} answered {status} {error.ErrorCode ?? "(no error_code)"}: {error.Message}";
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new DependencyNotFoundException(detail),
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => new TransientDependencyException(detail),
            _ when status >= 500 => new TransientDependencyException(detail),
            _ => new DatabricksApiException(response.StatusCode, error.ErrorCode, detail),
        };
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw new DatabricksApiException(response.StatusCode, null, $"Databricks GET {path} answered an empty body");
        }
        catch (JsonException ex)
        {
            throw new DatabricksApiException(response.StatusCode, null, $"Databricks GET {path} answered JSON of an unexpected shape: {ex.Message}");
        }
    }

    private static async Task<DatabricksError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var error = JsonSerializer.Deserialize<DatabricksError>(text, Json);
            if (error?.Message is not null || error?.ErrorCode is not null)
            {
                return error with { Message = error.Message ?? string.Empty };
            }
        }
        catch (JsonException)
        {
            // Gateways answer HTML or plain text; fall through to the raw body.
        }

        var snippet = text.Length > 200 ? text[..200] + "…" : text;
        return new DatabricksError(null, string.IsNullOrWhiteSpace(snippet) ? response.ReasonPhrase ?? string.Empty : snippet);
    }

    private sealed record DatabricksError(string? ErrorCode, string? Message);
}
