using System.Net;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Databricks refused a request for a reason retrying will not fix (a 4xx other than 404 and 429): bad input,
/// missing permission, a conflicting state. Carries Databricks' <c>error_code</c> and message, never the credentials.
/// </summary>
public sealed class DatabricksApiException(HttpStatusCode statusCode, string? errorCode, string message)
    : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Databricks' error code, e.g. <c>INVALID_PARAMETER_VALUE</c> or <c>RESOURCE_CONFLICT</c>; null when the body had none.</summary>
    public string? ErrorCode { get; } = errorCode;
}
