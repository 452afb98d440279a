using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MlopsFlows.Api.Http;

/// <summary>
/// Reads a JSON object body with a hard size limit, before anything else happens, so an oversized or malformed
/// request is refused without side effects whichever host received it.
/// </summary>
public static class JsonBody
{
    /// <summary>The largest body any endpoint accepts: 256 KiB.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Reads the body and validates it with <paramref name="parse"/>; exactly one of the two results is set.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadValidatedAsync<T>(
        HttpRequest request, Func<JsonElement, (T? Value, IDictionary<string, string[]> Errors)> parse)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parse);
        var (body, problem) = await ReadObjectAsync(request, request.HttpContext.RequestAborted);
        if (problem is not null)
        {
            return (null, problem);
        }

        var (value, errors) = parse(body);
        return value is null ? (null, Problems.Validation(errors)) : (value, null);
    }

    public static async Task<(JsonElement Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (default, Problems.TooLarge(MaxBytes));
        }

        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, Problems.UnsupportedMediaType($"Send the body as application/json, not {contentType}."));
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (default, Problems.TooLarge(MaxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (default, Problems.Validation("body", "The request body is empty; send a JSON object."));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Problems.Validation("body", $"The request body must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}."));
            }

            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            return (default, Problems.Validation("body", $"The request body is not valid JSON{where}."));
        }
    }
}
