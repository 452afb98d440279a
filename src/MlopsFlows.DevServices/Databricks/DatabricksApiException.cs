namespace MlopsFlows.DevServices.Databricks;

/// <summary>A request the simulated workspace refuses, answered with Databricks' error body and status.</summary>
internal sealed class DatabricksApiException(int statusCode, string errorCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string ErrorCode { get; } = errorCode;

    public static DatabricksApiException NotFound(string message) => new(404, "RESOURCE_DOES_NOT_EXIST", message);

    public static DatabricksApiException InvalidParameter(string message) => new(400, "INVALID_PARAMETER_VALUE", message);

    public static DatabricksApiException Malformed(string message) => new(400, "MALFORMED_REQUEST", message);

    public static DatabricksApiException Conflict(string message) => new(409, "RESOURCE_CONFLICT", message);

    public static DatabricksApiException Unauthenticated(string message) => new(401, "UNAUTHENTICATED", message);
}
