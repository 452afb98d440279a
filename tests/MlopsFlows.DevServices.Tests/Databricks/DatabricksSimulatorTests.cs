using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.DevServices.Tests.Support;

namespace MlopsFlows.DevServices.Tests.Databricks;

/// <summary>Authentication, Unity Catalog, MLflow and the control routes. Serving is in <see cref="DatabricksSimulatorServingTests"/>.</summary>
public sealed class DatabricksSimulatorTests
{
    private const string Model = "main.credit.scorer";

    [Fact]
    public async Task ApiRequest_WithoutToken_Returns401WithDatabricksError()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Http.DefaultRequestHeaders.Authorization = null;

        var (status, body) = await session.GetAsync($"api/2.1/unity-catalog/models/{Model}/versions/1");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", (string?)body!["error_code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }

    [Fact]
    public async Task ApiRequest_WithWrongToken_Returns401()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { Token = "dapi-expected" });
        session.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dapi-other");

        var (status, body) = await session.GetAsync("api/2.0/serving-endpoints/credit-scorer");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task ControlRequest_WithoutToken_IsAnswered()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Http.DefaultRequestHeaders.Authorization = null;

        var (status, _) = await session.GetAsync("sim/state");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task GetModelVersion_SeededVersion_ReturnsDocumentedFields()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12, new Dictionary<string, double> { ["auc"] = 0.86 });
        session.Simulator.AddModelVersion(Model, 11);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":12}""")).Status);

        var version = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}/versions/12");

        Assert.Equal("scorer", (string?)version["model_name"]);
        Assert.Equal("main", (string?)version["catalog_name"]);
        Assert.Equal("credit", (string?)version["schema_name"]);
        Assert.Equal(12, (int)version["version"]!);
        Assert.Equal(runId, (string?)version["run_id"]);
        Assert.Equal("READY", (string?)version["status"]);
        Assert.Contains(runId, (string?)version["source"], StringComparison.Ordinal);
        Assert.Matches("^abfss://[^/]+/[0-9a-f-]{36}/models/[0-9a-f-]{36}/versions/[0-9a-f-]{36}$", (string?)version["storage_location"]);
        Assert.True((long)version["created_at"]! > 0);
        var alias = Assert.Single(version["aliases"]!.AsArray());
        Assert.Equal("champion", (string?)alias!["alias_name"]);
        Assert.Equal(12, (int)alias["version_num"]!);
    }

    [Fact]
    public async Task GetModelVersion_UnknownWithoutAutoCreate_Returns404WithErrorBody()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });

        var (status, body) = await session.GetAsync($"api/2.1/unity-catalog/models/{Model}/versions/99");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(["error_code", "message"], body!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)body["error_code"]);
    }

    [Fact]
    public async Task GetModelVersion_UnknownVersionWithAutoCreate_RegistersHealthyDefaultRun()
    {
        await using var session = await SimulatorSession.StartAsync();

        var version = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}/versions/13");
        var run = await session.GetOkAsync($"api/2.0/mlflow/runs/get?run_id={(string?)version["run_id"]}");

        var metrics = run["run"]!["data"]!["metrics"]!.AsArray().ToDictionary(m => (string)m!["key"]!, m => (double)m!["value"]!);
        Assert.Equal(0.82, metrics["auc"]);
        Assert.Equal(0.41, metrics["log_loss"]);
        Assert.Equal(0.9, metrics["accuracy"]);
    }

    [Fact]
    public async Task GetModelVersion_NotThreePartNameWithAutoCreate_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, _) = await session.GetAsync("api/2.1/unity-catalog/models/scorer/versions/1");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task GetModelVersion_VersionNotANumber_Returns400()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.GetAsync($"api/2.1/unity-catalog/models/{Model}/versions/latest");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task GetRun_SeededVersion_ReturnsFinishedRunWithMetricsAndParams()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(
            Model, 12, new Dictionary<string, double> { ["auc"] = 0.86, ["log_loss"] = 0.38 }, new Dictionary<string, string> { ["max_depth"] = "8" });

        var run = (await session.GetOkAsync($"api/2.0/mlflow/runs/get?run_id={runId}"))["run"]!;

        Assert.Equal(runId, (string?)run["info"]!["run_id"]);
        Assert.Equal("FINISHED", (string?)run["info"]!["status"]);
        var metric = run["data"]!["metrics"]!.AsArray().Single(m => (string?)m!["key"] == "auc")!;
        Assert.Equal(0.86, (double)metric["value"]!);
        Assert.True((long)metric["timestamp"]! > 0);
        Assert.Equal(0, (long)metric["step"]!);
        var param = Assert.Single(run["data"]!["params"]!.AsArray());
        Assert.Equal("max_depth", (string?)param!["key"]);
        Assert.Equal("8", (string?)param["value"]);
    }

    [Fact]
    public async Task GetRun_DefaultRun_CarriesGitSourceRuntimeAndTheDeltaTablesItWasTrainedAndEvaluatedOn()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12);

        var run = (await session.GetOkAsync($"api/2.0/mlflow/runs/get?run_id={runId}"))["run"]!;

        var tags = run["data"]!["tags"]!.AsArray().ToDictionary(t => (string)t!["key"]!, t => (string?)t!["value"]);
        Assert.Equal(
            ["environment.python", "mlflow.databricks.runtime", "mlflow.source.git.commit", "mlflow.source.git.repoURL", "mlflow.source.name"],
            tags.Keys);
        Assert.Matches("^[0-9a-f]{40}$", tags["mlflow.source.git.commit"]);
        Assert.Equal("https://github.com/contoso/credit-models", tags["mlflow.source.git.repoURL"]);
        Assert.Equal("16.4.x-cpu-ml-scala2.12", tags["mlflow.databricks.runtime"]);
        var inputs = run["inputs"]!["dataset_inputs"]!.AsArray();
        Assert.Equal(["training", "evaluation"], inputs.Select(i => (string?)i!["tags"]![0]!["value"]));
        Assert.All(inputs, i => Assert.Equal("mlflow.data.context", (string?)i!["tags"]![0]!["key"]));
        var training = inputs[0]!["dataset"]!;
        Assert.Equal(("scorer_training", "delta"), ((string?)training["name"], (string?)training["source_type"]));
        Assert.Matches("^[0-9a-f]{8}$", (string?)training["digest"]);
        var source = JsonNode.Parse((string)training["source"]!)!;
        Assert.Equal(("main.credit.scorer_training", 52L), ((string?)source["delta_table_name"], (long)source["delta_table_version"]!));
        var columns = JsonNode.Parse((string)training["schema"]!)!["mlflow_colspec"]!.AsArray().Select(c => (string)c!["name"]!).ToArray();
        Assert.Equal(["income", "debt_to_income", "credit_utilisation", "months_employed", "delinquencies_2y", "defaulted_12m"], columns);
        Assert.Equal(184_213L, (long)JsonNode.Parse((string)training["profile"]!)!["num_rows"]!);
    }

    [Fact]
    public async Task GetModelVersionTags_DefaultVersion_CarryTheReleaseJobsLineageTags()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddModelVersion(Model, 12, features: ["income", "utilisation"]);
        session.Simulator.AddModelVersion(Model, 13, artifacts: ["model/MLmodel"]);

        var tags12 = await VersionTagsAsync(session, 12);
        var tags13 = await VersionTagsAsync(session, 13);

        Assert.Equal(["artifact_sha256", "environment.requirements", "features", "target"], tags12.Keys);
        Assert.Equal(("income,utilisation", "defaulted_12m"), (tags12["features"], tags12["target"]));
        Assert.Matches("^[0-9a-f]{64}$", tags12["artifact_sha256"]);
        Assert.NotEqual(tags12["artifact_sha256"], tags13["artifact_sha256"]);
        Assert.Contains("mlflow==", tags12["environment.requirements"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRun_UnknownRun_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.GetAsync("api/2.0/mlflow/runs/get?run_id=0123456789abcdef");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task SetAlias_ExistingVersion_ReturnsAliasAndMovesIt()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddModelVersion(Model, 11);
        session.Simulator.AddModelVersion(Model, 12);

        await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":11}""");
        var (status, body) = await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":12}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("champion", (string?)body!["alias_name"]);
        Assert.Equal(12, (int)body["version_num"]!);
        Assert.Equal(12, session.Simulator.GetAliases(Model)["champion"]);
        Assert.Empty((await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}/versions/11"))["aliases"]!.AsArray());
    }

    [Fact]
    public async Task SetAlias_UnknownVersionWithoutAutoCreate_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });
        session.Simulator.AddModelVersion(Model, 12);

        var (status, _) = await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":13}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Empty(session.Simulator.GetAliases(Model));
    }

    [Fact]
    public async Task SetAlias_BodyWithoutVersion_Returns400()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task DeleteAlias_ExistingThenAgain_RemovesItThenReturns404()
    {
        await using var session = await SimulatorSession.StartAsync();
        await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/challenger", """{"version_num":3}""");

        var first = await session.SendAsync(HttpMethod.Delete, $"api/2.1/unity-catalog/models/{Model}/aliases/challenger");
        var second = await session.SendAsync(HttpMethod.Delete, $"api/2.1/unity-catalog/models/{Model}/aliases/challenger");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.NotFound, second.Status);
        Assert.Empty(session.Simulator.GetAliases(Model));
    }

    [Fact]
    public async Task GetModelVersion_SeededCreator_ReturnsItAsCreatedBy()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddModelVersion(Model, 12, createdBy: "dev@contoso.com");
        session.Simulator.AddModelVersion(Model, 13);

        var seeded = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}/versions/12");
        var defaulted = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}/versions/13");

        Assert.Equal("dev@contoso.com", (string?)seeded["created_by"]);
        Assert.Equal("simulator@localhost", (string?)defaulted["created_by"]);
        Assert.Null(seeded["tags"]);
    }

    [Fact]
    public async Task GetRegisteredModel_WithAliases_ReturnsOwnerAndAliasesButNoTags()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddModelVersion(Model, 11);
        session.Simulator.SetRegisteredModel(Model, owner: "credit-risk", tags: new Dictionary<string, string> { ["risk_tier"] = "high" });
        await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":11}""");

        var model = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}?include_aliases=true");
        var withoutAliases = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}");

        Assert.Equal(("scorer", "main", "credit", Model, "credit-risk"), ((string?)model["name"], (string?)model["catalog_name"], (string?)model["schema_name"], (string?)model["full_name"], (string?)model["owner"]));
        Assert.True((long)model["created_at"]! > 0);
        var alias = Assert.Single(model["aliases"]!.AsArray())!;
        Assert.Equal(("champion", 11), ((string?)alias["alias_name"], (int)alias["version_num"]!));
        Assert.Null(model["tags"]);
        Assert.Null(withoutAliases["aliases"]);
    }

    [Fact]
    public async Task GetRegisteredModel_UnknownWithoutAutoCreate_Returns404()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });

        var (status, body) = await session.GetAsync($"api/2.1/unity-catalog/models/{Model}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task MlflowUnityCatalogGets_SeededTags_ReturnModelAndVersionTags()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12, tags: new Dictionary<string, string> { ["model_card.owner"] = "ada", ["evaluation_set"] = "eval/x.csv" }, createdBy: "dev@contoso.com");
        session.Simulator.SetRegisteredModel(Model, tags: new Dictionary<string, string> { ["risk_tier"] = "medium" });
        await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":12}""");

        var model = (await session.GetOkAsync($"api/2.0/mlflow/unity-catalog/registered-models/get?name={Model}"))["registered_model"]!;
        var version = (await session.GetOkAsync($"api/2.0/mlflow/unity-catalog/model-versions/get?name={Model}&version=12"))["model_version"]!;

        Assert.Equal(Model, (string?)model["name"]);
        Assert.Equal([("risk_tier", "medium")], model["tags"]!.AsArray().Select(t => ((string?)t!["key"], (string?)t["value"])));
        Assert.Equal(("champion", "12"), ((string?)model["aliases"]![0]!["alias"], (string?)model["aliases"]![0]!["version"]));
        Assert.Equal(("12", runId, "dev@contoso.com", "READY"), ((string?)version["version"], (string?)version["run_id"], (string?)version["user_id"], (string?)version["status"]));
        var tags = version["tags"]!.AsArray().Select(t => ((string?)t!["key"], (string?)t["value"])).ToArray();
        Assert.Equal(
            ["artifact_sha256", "environment.requirements", "evaluation_set", "features", "model_card.owner", "target"],
            tags.Select(t => t.Item1));
        Assert.Contains(("evaluation_set", "eval/x.csv"), tags);
        Assert.Contains(("model_card.owner", "ada"), tags);
    }

    [Fact]
    public async Task MlflowModelVersionGet_SeededTagNamedLikeALineageTag_OverridesIt()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Simulator.AddModelVersion(Model, 12, tags: new Dictionary<string, string> { ["features"] = "income", ["target"] = "" });

        var tags = await VersionTagsAsync(session, 12);

        Assert.Equal(("income", ""), (tags["features"], tags["target"]));
    }

    [Theory]
    [InlineData("api/2.0/mlflow/unity-catalog/registered-models/get")]
    [InlineData("api/2.0/mlflow/unity-catalog/model-versions/get?name=main.credit.scorer")]
    public async Task MlflowUnityCatalogGets_MissingParameter_Return400(string path)
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task ListArtifacts_SeededFiles_ListsOneFolderLevelAtATime()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12, artifacts: ["model/MLmodel", "model/model.pkl", "reports/explainability_report.html", "card.md"]);

        var root = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}");
        var model = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=model");
        var nothing = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=absent");

        Assert.Matches($"^dbfs:/databricks/mlflow-tracking/[0-9]+/{runId}/artifacts$", (string?)root["root_uri"]);
        Assert.Equal(
            [("card.md", false), ("model", true), ("reports", true)],
            root["files"]!.AsArray().Select(f => ((string)f!["path"]!, (bool)f["is_dir"]!)));
        Assert.Null(root["files"]![1]!["file_size"]);
        Assert.True((long)root["files"]![0]!["file_size"]! > 0);
        Assert.Equal(["model/MLmodel", "model/model.pkl"], model["files"]!.AsArray().Select(f => (string)f!["path"]!));
        Assert.Empty(nothing["files"]!.AsArray());
        Assert.Null(root["next_page_token"]);
    }

    [Fact]
    public async Task ListArtifacts_ManyFiles_PagesWithToken()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12, artifacts: [.. Enumerable.Range(0, 150).Select(i => $"plots/p{i:000}.png")]);

        var first = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=plots");
        var second = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=plots&page_token={(string?)first["next_page_token"]}");

        Assert.Equal(100, first["files"]!.AsArray().Count);
        Assert.Equal(50, second["files"]!.AsArray().Count);
        Assert.Equal("plots/p100.png", (string?)second["files"]![0]!["path"]);
        Assert.Null(second["next_page_token"]);
    }

    [Fact]
    public async Task ListArtifacts_DefaultRun_ListsAnMlflowModelFolder()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12);

        var model = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=model");

        Assert.Contains("model/MLmodel", model["files"]!.AsArray().Select(f => (string)f!["path"]!));
    }

    [Theory]
    [InlineData("api/2.0/mlflow/artifacts/list?run_id=0123", HttpStatusCode.NotFound)]
    [InlineData("api/2.0/mlflow/artifacts/list", HttpStatusCode.BadRequest)]
    public async Task ListArtifacts_UnknownRunOrNoRunId_Refused(string path, HttpStatusCode expected)
    {
        await using var session = await SimulatorSession.StartAsync();

        Assert.Equal(expected, (await session.GetAsync(path)).Status);
    }

    [Fact]
    public async Task ListArtifacts_BadPageToken_Returns400()
    {
        await using var session = await SimulatorSession.StartAsync();
        var runId = session.Simulator.AddModelVersion(Model, 12);

        var (status, _) = await session.GetAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&page_token=abc");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task ControlRoutes_SeedModelWithTagsCreatorArtifactsAndInventory_AllVisibleThroughTheApi()
    {
        await using var session = await SimulatorSession.StartAsync();

        var seeded = await session.SendAsync(
            HttpMethod.Post,
            "sim/models",
            """{"name":"main.credit.scorer","version":12,"tags":{"model_card.intended_use":"credit"},"createdBy":"dev@contoso.com","artifacts":["reports/reason_code_mapping.csv"],"modelTags":{"risk_tier":"high"},"owner":"risk-team","runTags":{"mlflow.source.git.commit":"abc123"},"features":["income","age"]}""");
        var again = await session.SendAsync(HttpMethod.Post, "sim/models", """{"name":"main.credit.scorer","version":13}""");
        var runId = (string?)seeded.Body!["runId"];

        var version = (await session.GetOkAsync($"api/2.0/mlflow/unity-catalog/model-versions/get?name={Model}&version=12"))["model_version"]!;
        var model = await session.GetOkAsync($"api/2.1/unity-catalog/models/{Model}");
        var tags = (await session.GetOkAsync($"api/2.0/mlflow/unity-catalog/registered-models/get?name={Model}"))["registered_model"]!["tags"]!;
        var listing = await session.GetOkAsync($"api/2.0/mlflow/artifacts/list?run_id={runId}&path=reports");
        var state = await session.GetOkAsync("sim/state");
        var run = (await session.GetOkAsync($"api/2.0/mlflow/runs/get?run_id={runId}"))["run"]!;

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (seeded.Status, again.Status));
        var versionTags = version["tags"]!.AsArray().ToDictionary(t => (string)t!["key"]!, t => (string?)t!["value"]);
        Assert.Equal(("credit", "income,age"), (versionTags["model_card.intended_use"], versionTags["features"]));
        Assert.Equal([("mlflow.source.git.commit", "abc123")], run["data"]!["tags"]!.AsArray().Select(t => ((string?)t!["key"], (string?)t["value"])));
        Assert.Equal("dev@contoso.com", (string?)version["user_id"]);
        Assert.Equal("risk-team", (string?)model["owner"]);
        Assert.Equal("high", (string?)tags[0]!["value"]);
        Assert.Equal("reports/reason_code_mapping.csv", (string?)listing["files"]![0]!["path"]);
        Assert.Equal("risk-team", (string?)state["models"]![0]!["owner"]);
        Assert.Equal("high", (string?)state["models"]![0]!["tags"]!["risk_tier"]);
    }

    [Fact]
    public async Task UnknownApiRoute_Returns404EndpointNotFound()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.GetAsync("api/2.0/clusters/list");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ENDPOINT_NOT_FOUND", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task ControlRoutes_SeedModelAndEndpoint_ShowInState()
    {
        await using var session = await SimulatorSession.StartAsync();

        var seeded = await session.SendAsync(HttpMethod.Post, "sim/models", """{"name":"main.credit.scorer","version":12,"metrics":{"auc":0.85},"params":{"max_depth":"8"}}""");
        var endpoint = await session.SendAsync(HttpMethod.Post, "sim/endpoints", """{"name":"credit-scorer","model":"main.credit.scorer","version":12}""");
        var state = await session.GetOkAsync("sim/state");

        Assert.Equal(HttpStatusCode.OK, seeded.Status);
        Assert.False(string.IsNullOrEmpty((string?)seeded.Body!["runId"]));
        Assert.Equal(HttpStatusCode.OK, endpoint.Status);
        Assert.Equal([12], state["models"]![0]!["versions"]!.AsArray().Select(v => (int)v!));
        var route = Assert.Single(state["endpoints"]![0]!["routes"]!.AsArray());
        Assert.Equal(12, (int)route!["version"]!);
        Assert.Equal(100, (int)route["percent"]!);
        var run = await session.GetOkAsync($"api/2.0/mlflow/runs/get?run_id={(string?)seeded.Body["runId"]}");
        Assert.Equal(0.85, (double)run["run"]!["data"]!["metrics"]![0]!["value"]!);
    }

    [Fact]
    public async Task ControlRoutes_SeedModelWithoutThreePartName_Returns400()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.SendAsync(HttpMethod.Post, "sim/models", """{"name":"scorer","version":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
    }

    [Fact]
    public async Task RequestLog_ApiCalls_RecordsMethodPathQueryAuthorizationAndBody()
    {
        await using var session = await SimulatorSession.StartAsync();
        await session.GetAsync("api/2.0/mlflow/runs/get?run_id=abc");
        await session.SendAsync(HttpMethod.Put, $"api/2.1/unity-catalog/models/{Model}/aliases/champion", """{"version_num":2}""");
        session.Http.DefaultRequestHeaders.Authorization = null;
        await session.GetAsync("api/2.0/serving-endpoints/credit-scorer");

        var log = session.Simulator.RequestLog;

        Assert.Equal(
            [
                new RecordedRequest("GET", "/api/2.0/mlflow/runs/get", "?run_id=abc", true, null),
                new RecordedRequest("PUT", $"/api/2.1/unity-catalog/models/{Model}/aliases/champion", string.Empty, true, """{"version_num":2}"""),
                new RecordedRequest("GET", "/api/2.0/serving-endpoints/credit-scorer", string.Empty, false, null),
            ],
            log.Select(r => new RecordedRequest(r.Method, r.Path, r.Query, r.HasAuthorization, r.Body)));
        Assert.Equal([$"Bearer {session.Simulator.Token}", $"Bearer {session.Simulator.Token}", null], log.Select(r => r.Authorization));
        Assert.DoesNotContain(session.Simulator.Token, log[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_TwoInstances_KeepSeparateState()
    {
        await using var first = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });
        await using var second = await SimulatorSession.StartAsync(new SimulatorOptions { AutoCreate = false });
        first.Simulator.AddModelVersion(Model, 1);

        var inFirst = await first.GetAsync($"api/2.1/unity-catalog/models/{Model}/versions/1");
        var inSecond = await second.GetAsync($"api/2.1/unity-catalog/models/{Model}/versions/1");

        Assert.NotEqual(first.Simulator.Port, second.Simulator.Port);
        Assert.Equal(HttpStatusCode.OK, inFirst.Status);
        Assert.Equal(HttpStatusCode.NotFound, inSecond.Status);
    }

    [Fact]
    public async Task StartAsync_PortZero_BaseUrlIsLoopbackWithChosenPortAndNoTrailingSlash()
    {
        await using var session = await SimulatorSession.StartAsync();

        Assert.NotEqual(0, session.Simulator.Port);
        Assert.Equal($"http://127.0.0.1:{session.Simulator.Port}", session.Simulator.BaseUrl);
    }

    [Fact]
    public async Task AddModelVersion_NotThreePartName_ThrowsArgumentException()
    {
        await using var session = await SimulatorSession.StartAsync();

        Assert.Throws<ArgumentException>(() => session.Simulator.AddModelVersion("scorer", 1));
    }

    private static async Task<Dictionary<string, string?>> VersionTagsAsync(SimulatorSession session, int version) =>
        (await session.GetOkAsync($"api/2.0/mlflow/unity-catalog/model-versions/get?name={Model}&version={version}"))["model_version"]!["tags"]!
            .AsArray().ToDictionary(t => (string)t!["key"]!, t => (string?)t!["value"]);
}
