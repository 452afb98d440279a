using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlopsFlows.DevServices.Databricks;

/// <summary>
/// The simulator's HTTP surface: the Databricks REST routes our adapters call (under <c>/api</c>) and served-model
/// invocations (under <c>/serving-endpoints</c>), both requiring the bearer token, and the simulator's own control
/// routes (under <c>/sim</c>, no token) for seeding and fault injection.
/// </summary>
internal static class SimulatorEndpoints
{
    public static void Map(WebApplication app, SimulatedWorkspace workspace, SimulatedFeatures features, string token, TimeProvider time)
    {
        app.Use(RecordRequests(workspace));
        app.Use(TranslateErrors);
        app.Use(RequireBearerToken(token));

        MapUnityCatalog(app.MapGroup("/api/2.1/unity-catalog"), workspace);
        MapMlflow(app.MapGroup("/api/2.0/mlflow"), workspace);
        MapServingEndpoints(app.MapGroup("/api/2.0/serving-endpoints"), workspace);
        MapInvocations(app.MapGroup("/serving-endpoints"), workspace, time);
        MapJobs(app.MapGroup("/api/2.2/jobs"), workspace.Jobs);
        app.MapFallback("/api/{**path}", IResult (HttpRequest request) =>
            throw new DatabricksApiException(404, "ENDPOINT_NOT_FOUND", $"No API found for '{request.Method} {request.Path}'."));

        MapControl(app.MapGroup("/sim"), workspace);
        MapFeatures(app.MapGroup("/sim"), features, time);
    }

    private static void MapUnityCatalog(RouteGroupBuilder api, SimulatedWorkspace workspace)
    {
        api.MapGet("/models/{fullName}", (string fullName, HttpRequest request) =>
            Databricks(workspace.GetRegisteredModel(fullName, IsTrue(request.Query["include_aliases"].FirstOrDefault()))));

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

    private static void MapMlflow(RouteGroupBuilder api, SimulatedWorkspace workspace)
    {
        api.MapGet("/runs/get", (HttpRequest request) =>
        {
            var runId = request.Query["run_id"].FirstOrDefault() ?? request.Query["run_uuid"].FirstOrDefault();
            return string.IsNullOrEmpty(runId)
                ? throw DatabricksApiException.InvalidParameter("Missing required parameter 'run_id'.")
                : Databricks(workspace.GetRun(runId));
        });

        api.MapGet("/artifacts/list", (HttpRequest request) =>
        {
            var runId = request.Query["run_id"].FirstOrDefault() ?? request.Query["run_uuid"].FirstOrDefault();
            return string.IsNullOrEmpty(runId)
                ? throw DatabricksApiException.InvalidParameter("Missing required parameter 'run_id'.")
                : Databricks(workspace.ListArtifacts(runId, request.Query["path"].FirstOrDefault(), request.Query["page_token"].FirstOrDefault()));
        });

        api.MapGet("/unity-catalog/registered-models/get", (HttpRequest request) =>
            Databricks(workspace.GetMlflowRegisteredModel(Required(request, "name"))));

        api.MapGet("/unity-catalog/model-versions/get", (HttpRequest request) =>
            Databricks(workspace.GetMlflowModelVersion(Required(request, "name"), ParseVersion(Required(request, "version")))));
    }

    /// <summary>
    /// Served-model invocations: each waits the entity's simulated latency, fails (500) at its error rate and otherwise
    /// answers one prediction in [0, 1] per input row. A prediction depends only on the row (plus the version's injected
    /// shift), so versions agree unless told otherwise. Invocations are not added to the metrics export.
    /// </summary>
    private static void MapInvocations(RouteGroupBuilder api, SimulatedWorkspace workspace, TimeProvider time) =>
        api.MapPost("/{name}/served-models/{servedModel}/invocations", async (string name, string servedModel, HttpRequest request) =>
        {
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            }

            var rows = InvocationRows(body);
            var plan = workspace.PlanInvocation(name, servedModel);
            if (plan.Latency > TimeSpan.Zero)
            {
                await Task.Delay(plan.Latency, time, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }

            if (plan.Fails)
            {
                throw new DatabricksApiException(500, "INTERNAL_ERROR", $"Served model '{servedModel}' failed to answer (simulated).");
            }

            return Results.Json(
                new { predictions = rows.Select(row => Math.Round(Math.Clamp(SimulatedWorkspace.Uniform($"prediction/{row}") + plan.PredictionShift, 0, 1), 4)).ToArray() },
                ApiJson.Databricks);
        });

    private static void MapJobs(RouteGroupBuilder api, SimulatedJobs jobs)
    {
        api.MapPost("/run-now", async (HttpRequest request) =>
            Databricks(jobs.RunNow(await ReadAsync<RunNowRequest>(request, ApiJson.Databricks).ConfigureAwait(false))));

        api.MapGet("/runs/get", (HttpRequest request) => Databricks(jobs.GetRun(Required(request, "run_id"))));
    }

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
            var runId = workspace.AddModelVersion(body.Name!, version, new VersionSeed(body.Metrics, body.Params, body.Tags, body.CreatedBy, body.Artifacts, body.RunTags, body.Features));
            if (body.ModelTags is not null || body.Owner is not null)
            {
                workspace.SetRegisteredModel(body.Name!, body.Owner, body.ModelTags);
            }

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
            var predictionShift = body.PredictionShift ?? 0;
            Refuse(ProblemWithRegression(addedLatencyMs, errorRate, predictionShift));
            workspace.InjectRegression(body.Endpoint!, version, addedLatencyMs, errorRate, predictionShift);
            return Results.NoContent();
        });

        control.MapDelete("/regressions", () =>
        {
            workspace.ClearRegressions();
            return Results.NoContent();
        });

        control.MapGet("/state", () => Control(workspace.State()));
    }

    /// <summary>
    /// <c>POST /sim/features</c>: write the features a model receives in an environment, drifted or not, where the
    /// monitor's file adapter reads them (see <see cref="SimulatedFeatures"/>). Defaults: shift 0, 200 rows per batch,
    /// one batch per second for 60 seconds from now.
    /// </summary>
    private static void MapFeatures(RouteGroupBuilder control, SimulatedFeatures features, TimeProvider time) =>
        control.MapPost("/features", async (HttpRequest request) =>
        {
            var body = await ReadAsync<FeatureBatchesRequest>(request, ApiJson.Control).ConfigureAwait(false);
            var (shift, rows) = (body.Shift ?? 0, body.Rows ?? 200);
            // Clamped only to keep TimeSpan from overflowing; anything beyond a day is refused below.
            var (duration, batch) = (Seconds(body.Seconds ?? 60), Seconds(body.BatchSeconds ?? 1));
            Refuse(SimulatedFeatures.Problem(body.Model, body.Environment, shift, rows, duration, batch));
            return Control(features.Write(body.Model!, body.Environment!, body.From ?? time.GetUtcNow(), duration, batch, rows, shift));
        });

    /// <summary>Why a regression cannot be simulated, or null when it can.</summary>
    internal static string? ProblemWithRegression(double addedLatencyMs, double errorRate, double predictionShift = 0) =>
        !double.IsFinite(addedLatencyMs) || addedLatencyMs < 0 ? "addedLatencyMs must be zero or more."
        : !double.IsFinite(errorRate) || errorRate is < 0 or > 1 ? "errorRate must be between 0 and 1."
        : !double.IsFinite(predictionShift) || predictionShift is < -1 or > 1 ? "predictionShift must be between -1 and 1."
        : null;

    /// <summary>
    /// The input rows of an invocation body, each as text: <c>dataframe_records</c>, <c>dataframe_split.data</c>,
    /// <c>instances</c> or <c>inputs</c> (one row per element); any other JSON object is one row.
    /// </summary>
    private static List<string> InvocationRows(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw DatabricksApiException.Malformed($"The request body is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw DatabricksApiException.Malformed("The request body must be a JSON object.");
            }

            JsonElement rows = default;
            var found = root.TryGetProperty("dataframe_records", out rows)
                || (root.TryGetProperty("dataframe_split", out var split) && split.ValueKind == JsonValueKind.Object && split.TryGetProperty("data", out rows))
                || root.TryGetProperty("instances", out rows)
                || root.TryGetProperty("inputs", out rows);
            return found && rows.ValueKind == JsonValueKind.Array
                ? [.. rows.EnumerateArray().Select(row => row.GetRawText())]
                : [root.GetRawText()];
        }
    }

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
            request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, request.Headers.Authorization.Count > 0, body)
        {
            Authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null,
            UserAgent = request.Headers.UserAgent.Count > 0 ? request.Headers.UserAgent.ToString() : null,
            ContentType = request.ContentType,
        });
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
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            || context.Request.Path.StartsWithSegments("/serving-endpoints", StringComparison.Ordinal))
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

    private static string Required(HttpRequest request, string parameter) =>
        request.Query[parameter].FirstOrDefault() is { Length: > 0 } value
            ? value
            : throw DatabricksApiException.InvalidParameter($"Missing required parameter '{parameter}'.");

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 2 * 86_400));

    private static bool IsTrue(string? flag) => string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);

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
