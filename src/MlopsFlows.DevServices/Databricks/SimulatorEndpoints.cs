using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>
/// The simulator's HTTP surface: the Databricks REST routes our adapters call (under <c>/api</c>, bearer token required)
/// and the simulator's own control routes (under <c>/sim</c>, no token) for seeding and fault injection.
/// </summary>
internal static class SimulatorEndpoints
{
    public static void Map(WebApplication app, SimulatedWorkspace workspace, string token)
    {
        app.Use(RecordRequests(workspace));
        app.Use(TranslateErrors);
        app.Use(RequireBearerToken(token));

        MapUnityCatalog(app.MapGroup("/api/2.1/unity-catalog"), workspace);
        MapMlflow(app.MapGroup("/api/2.0/mlflow"), workspace);
        MapServingEndpoints(app.MapGroup("/api/2.0/serving-endpoints"), workspace);
        app.MapFallback("/api/{**path}", IResult (HttpRequest request) =>
            throw new DatabricksApiException(404, "ENDPOINT_NOT_FOUND", $"No API found for '{request.Method} {request.Path}'."));

        MapControl(app.MapGroup("/sim"), workspace);
    }

    private static void MapUnityCatalog(RouteGroupBuilder api, SimulatedWorkspace workspace)
    {
        api.MapGet("/models/{fullName}/versions/{version}", (string fullName, string version) =>
            Databricks(workspace.GetModelVersion(fullName, ParseVersion(version))));

        api.MapPut("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, HttpRequest request) =>
        {
            var body = await ReadAsync<SetAliasRequest>(request, ApiJson.Databricks).ConfigureAwait(false);
            var version = PositiveVersion(body.VersionNum, "version_num");
            return Databricks(workspace.SetAlias(fullName, alias, version));
        });

        api.MapDelete("/models/{fullName}/aliases/{alias}", (string fullName, string alias) =>
        {
            workspace.DeleteAlias(fullName, alias);
            return Databricks(new { });
        });
    }

    private static void MapMlflow(RouteGroupBuilder api, SimulatedWorkspace workspace) =>
        api.MapGet("/runs/get", (HttpRequest request) =>
        {
            var runId = request.Query["run_id"].FirstOrDefault() ?? request.Query["run_uuid"].FirstOrDefault();
            return string.IsNullOrEmpty(runId)
                ? throw DatabricksApiException.InvalidParameter("Missing required parameter 'run_id'.")
                : Databricks(workspace.GetRun(runId));
        });

    private static void MapServingEndpoints(RouteGroupBuilder api, SimulatedWorkspace workspace)
    {
        api.MapGet("/{name}", (string name) => Databricks(workspace.GetEndpoint(name)));

        api.MapPut("/{name}/config", async (string name, HttpRequest request) =>
        {
            var body = await ReadAsync<EndpointConfigInput>(request, ApiJson.Databricks).ConfigureAwait(false);
            return Databricks(workspace.UpdateConfig(name, body));
        });

        api.MapGet("/{name}/metrics", (string name) => Results.Text(workspace.GetMetrics(name), PrometheusExposition.ContentType));
    }

    private static void MapControl(RouteGroupBuilder control, SimulatedWorkspace workspace)
    {
        control.MapPost("/models", async (HttpRequest request) =>
        {
            var body = await ReadAsync<SeedModelVersionRequest>(request, ApiJson.Control).ConfigureAwait(false);
            Refuse(SimulatedWorkspace.ProblemWithModelName(body.Name));
            var version = PositiveVersion(body.Version, "version");
            var runId = workspace.AddModelVersion(body.Name!, version, body.Metrics, body.Params);
            return Control(new SeededModelVersion(body.Name!, version, runId));
        });

        control.MapPost("/endpoints", async (HttpRequest request) =>
        {
            var body = await ReadAsync<SeedEndpointRequest>(request, ApiJson.Control).ConfigureAwait(false);
            Refuse(SimulatedWorkspace.ProblemWithEndpointName(body.Name));
            Refuse(SimulatedWorkspace.ProblemWithModelName(body.Model));
            var version = PositiveVersion(body.Version, "version");
            return Control(workspace.AddServingEndpoint(body.Name!, body.Model!, version));
        });

        control.MapPost("/regressions", async (HttpRequest request) =>
        {
            var body = await ReadAsync<RegressionRequest>(request, ApiJson.Control).ConfigureAwait(false);
            Refuse(SimulatedWorkspace.ProblemWithEndpointName(body.Endpoint));
            var version = PositiveVersion(body.Version, "version");
            var addedLatencyMs = body.AddedLatencyMs ?? 0;
            var errorRate = body.ErrorRate ?? LatencyProfile.HealthyServerErrorRate;
            Refuse(ProblemWithRegression(addedLatencyMs, errorRate));
            workspace.InjectRegression(body.Endpoint!, version, addedLatencyMs, errorRate);
            return Results.NoContent();
        });

        control.MapDelete("/regressions", () =>
        {
            workspace.ClearRegressions();
            return Results.NoContent();
        });

        control.MapGet("/state", () => Control(workspace.State()));
    }

    /// <summary>Why a regression cannot be simulated, or null when it can.</summary>
    internal static string? ProblemWithRegression(double addedLatencyMs, double errorRate) =>
        !double.IsFinite(addedLatencyMs) || addedLatencyMs < 0 ? "addedLatencyMs must be zero or more."
        : !double.IsFinite(errorRate) || errorRate is < 0 or > 1 ? "errorRate must be between 0 and 1."
        : null;

    private static Func<HttpContext, RequestDelegate, Task> RecordRequests(SimulatedWorkspace workspace) => async (context, next) =>
    {
        var request = context.Request;
        string? body = null;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            // Buffered so the handler can read the body again after the log has.
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
            body = text.Length == 0 ? null : text;
        }

        workspace.Record(new RecordedRequest(
            request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, request.Headers.Authorization.Count > 0, body));
        await next(context).ConfigureAwait(false);
    };

    private static async Task TranslateErrors(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (DatabricksApiException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = e.StatusCode;
            await context.Response.WriteAsJsonAsync(new ErrorBody(e.ErrorCode, e.Message), ApiJson.Databricks, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static Func<HttpContext, RequestDelegate, Task> RequireBearerToken(string token) => (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.Length == 0)
            {
                throw DatabricksApiException.Unauthenticated("Credential was not sent or was of an unsupported type for this API.");
            }

            const string scheme = "Bearer ";
            if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || !string.Equals(header[scheme.Length..].Trim(), token, StringComparison.Ordinal))
            {
                throw DatabricksApiException.Unauthenticated("Invalid access token.");
            }
        }

        return next(context);
    };

    private static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions json)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, json, request.HttpContext.RequestAborted).ConfigureAwait(false)
                ?? throw DatabricksApiException.Malformed("The request body is empty.");
        }
        catch (JsonException e)
        {
            throw DatabricksApiException.Malformed($"The request body does not fit this call: {e.Message}");
        }
    }

    private static int ParseVersion(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw DatabricksApiException.InvalidParameter($"'{version}' is not a model version number.");

    private static int PositiveVersion(int? version, string field) =>
        version is { } value && value > 0 ? value : throw DatabricksApiException.InvalidParameter($"{field} must be a positive model version.");

    private static void Refuse(string? problem)
    {
        if (problem is not null)
        {
            throw DatabricksApiException.InvalidParameter(problem);
        }
    }

    private static IResult Databricks<T>(T body) => Results.Json(body, ApiJson.Databricks);

    private static IResult Control<T>(T body) => Results.Json(body, ApiJson.Control);
}
