using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksModelRegistryTests
{
    private const string Model = "main.credit.scorer";

    [Fact]
    public async Task GetModelVersionAsync_RegisteredVersion_ReadsVersionTagsRunMetricsAndArtefacts()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var runId = harness.Simulator.AddModelVersion(
            Model,
            12,
            new Dictionary<string, double> { ["auc"] = 0.91, ["log_loss"] = 0.33 },
            tags: new Dictionary<string, string> { ["model_card.intended_use"] = "credit decisions", ["evaluation_set"] = "eval/credit.parquet" },
            createdBy: "dev@contoso.com",
            artifacts: ["model/MLmodel", "reports/explainability_report.html"]);
        var before = harness.Simulator.RequestLog.Count;

        var details = await harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 12, CancellationToken.None);

        Assert.Equal((Model, 12, runId, "dev@contoso.com"), (details.Model, details.Version, details.RunId, details.CreatedBy));
        Assert.Equal(0.91, details.Metrics["auc"]);
        Assert.Equal(0.33, details.Metrics["log_loss"]);
        Assert.Equal("credit decisions", details.Tags["model_card.intended_use"]);
        Assert.Equal("eval/credit.parquet", details.Tags["evaluation_set"]);
        Assert.Equal(["model/MLmodel", "reports/explainability_report.html"], details.Artefacts);
        var lineage = details.Lineage;
        Assert.StartsWith("dbfs:/databricks/mlflow-tracking/", lineage.Source, StringComparison.Ordinal);
        Assert.EndsWith($"/{runId}/artifacts/model", lineage.Source, StringComparison.Ordinal);
        Assert.StartsWith("abfss://", lineage.StorageLocation, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", lineage.ArtefactSha256);
        Assert.Matches("^[0-9a-f]{40}$", lineage.GitCommit);
        Assert.Equal(("https://github.com/contoso/credit-models", "/Workspace/Repos/ml/credit-models/train_scorer"), (lineage.GitRepository, lineage.SourceName));
        Assert.Equal(
            [
                ("scorer_training", "52", "delta", "main.credit.scorer_training", "training"),
                ("scorer_holdout", "17", "delta", "main.credit.scorer_holdout", "evaluation"),
            ],
            lineage.Datasets.Select(d => (d.Name, d.Version, d.SourceType, d.Source, d.Context)));
        Assert.All(lineage.Datasets, d => Assert.Matches("^[0-9a-f]{8}$", d.Digest));
        Assert.Equal(["income", "debt_to_income", "credit_utilisation", "months_employed", "delinquencies_2y"], lineage.Features);
        Assert.Equal(["databricks_runtime", "python", "requirements"], lineage.Environment.Keys);
        Assert.Equal(("16.4.x-cpu-ml-scala2.12", "3.12.3"), (lineage.Environment["databricks_runtime"], lineage.Environment["python"]));
        var requests = harness.RequestsSince(before);
        Assert.Collection(
            requests,
            r => Assert.Equal(("GET", "/api/2.1/unity-catalog/models/main.credit.scorer/versions/12", ""), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/unity-catalog/model-versions/get", "?name=main.credit.scorer&version=12"), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/runs/get", $"?run_id={runId}"), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/artifacts/list", $"?run_id={runId}"), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/artifacts/list", $"?run_id={runId}&path=model"), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/artifacts/list", $"?run_id={runId}&path=reports"), (r.Method, r.Path, r.Query)));
        Assert.All(requests, r => Assert.True(r.HasAuthorization));
    }

    [Fact]
    public void ModelVersionDetails_FromAdapter_RoundTripsThroughJson()
    {
        var details = new ModelVersionDetails(Model, 12, "run-1", new Dictionary<string, double> { ["auc"] = 0.9 })
        {
            CreatedBy = "dev@contoso.com",
            Tags = new Dictionary<string, string> { ["a"] = "b" },
            Artefacts = ["model/MLmodel"],
            Lineage = new ModelLineage
            {
                GitCommit = "1a2b3c4",
                Datasets = [new DatasetVersion("loans", "42", "d41d8cd9", "delta", "main.credit.loans", "training")],
                Features = ["income"],
                Environment = new Dictionary<string, string> { ["python"] = "3.12.3" },
            },
        };

        var copy = JsonSerializer.Deserialize<ModelVersionDetails>(JsonSerializer.Serialize(details))!;

        Assert.Equal(("dev@contoso.com", "b", "model/MLmodel"), (copy.CreatedBy, copy.Tags["a"], Assert.Single(copy.Artefacts)));
        Assert.Equal(("1a2b3c4", "income", "3.12.3"), (copy.Lineage.GitCommit, Assert.Single(copy.Lineage.Features), copy.Lineage.Environment["python"]));
        Assert.Equal(details.Lineage.Datasets, copy.Lineage.Datasets);
    }

    [Fact]
    public async Task GetModelVersionAsync_RunWithOddLineage_ReadsWhatIsReadableAndNeverThrows()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            var path = context.Request.Path.Value!;
            return Answers.Json(context, path switch
            {
                _ when path.Contains("/versions/", StringComparison.Ordinal) =>
                    """{"version":3,"run_id":"r1","source":"models:/m-abc","storage_location":"abfss://uc@acct.dfs.core.windows.net/x/models/y/versions/z"}""",
                _ when path.EndsWith("/model-versions/get", StringComparison.Ordinal) =>
                    """{"model_version":{"tags":[{"key":"target","value":"label, weight"},{"key":"environment.python","value":"3.11.9"},{"key":"environment.","value":"nameless"}]}}""",
                _ when path.EndsWith("/runs/get", StringComparison.Ordinal) => """
                    {"run":{"data":{"tags":[
                        {"key":"mlflow.source.git.commit","value":"0123abc"},{"key":"mlflow.runtime.version","value":"2.19.0"},
                        {"key":"environment.python","value":"3.10.0"},{"key":"environment.cuda","value":"12.4"}]},
                     "inputs":{"dataset_inputs":[
                        {"tags":[{"key":"mlflow.data.context","value":"evaluation"}],
                         "dataset":{"name":"broken","digest":"aa","source_type":"delta","source":"{not json","schema":"{\"mlflow_colspec\":[{\"name\":\"ignored\"}]}"}},
                        {"tags":[{"key":"mlflow.data.context","value":"training"}],
                         "dataset":{"name":"loans","digest":"bb","source_type":"delta","source":"{\"path\":\"/Volumes/main/credit/loans\",\"version\":\"7\"}",
                                    "schema":"{\"mlflow_colspec\":[{\"name\":\"income\",\"type\":\"double\"},{\"type\":\"long\"},{\"name\":\"label\"},{\"name\":\"weight\"},{\"name\":\"age\"}]}"}},
                        {"tags":[],"dataset":{"name":"web","source_type":"http","source":"\"https://example.com/data.csv\""}},
                        {"tags":[]}
                     ]}}}
                    """,
                _ => "{}",
            });
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var lineage = (await services.GetRequiredService<IModelRegistry>().GetModelVersionAsync(Model, 3, CancellationToken.None)).Lineage;

        Assert.Equal(("models:/m-abc", "abfss://uc@acct.dfs.core.windows.net/x/models/y/versions/z"), (lineage.Source, lineage.StorageLocation));
        Assert.Equal(("0123abc", null, null, null), (lineage.GitCommit, lineage.GitRepository, lineage.SourceName, lineage.ArtefactSha256));
        Assert.Equal(
            [
                new DatasetVersion("broken", null, "aa", "delta", "{not json", "evaluation"),
                new DatasetVersion("loans", "7", "bb", "delta", "/Volumes/main/credit/loans", "training"),
                new DatasetVersion("web", null, null, "http", "https://example.com/data.csv", null),
            ],
            lineage.Datasets);
        // No features tag: the training schema's columns less the targets; a column without a name is skipped.
        Assert.Equal(["income", "age"], lineage.Features);
        // The version's environment tag wins over the run's; a tag with no name after the prefix is ignored.
        Assert.Equal(
            new Dictionary<string, string> { ["cuda"] = "12.4", ["databricks_runtime"] = "2.19.0", ["python"] = "3.11.9" },
            lineage.Environment);
    }

    [Fact]
    public async Task GetModelVersionAsync_UnknownVersion_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 99, CancellationToken.None));

        Assert.Contains("RESOURCE_DOES_NOT_EXIST", error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Simulator.RequestLog);
    }

    [Fact]
    public async Task GetRegisteredModelAsync_TaggedModelWithAliases_ReadsOwnerTagsAndAliases()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 11);
        harness.Simulator.AddModelVersion(Model, 12);
        harness.Simulator.SetRegisteredModel(Model, owner: "credit-risk-team", tags: new Dictionary<string, string> { ["risk_tier"] = "high" });
        var registry = harness.Get<IModelRegistry>();
        await registry.SetAliasAsync(Model, "champion", 11, CancellationToken.None);
        await registry.SetAliasAsync(Model, "challenger", 12, CancellationToken.None);
        var before = harness.Simulator.RequestLog.Count;

        var details = await registry.GetRegisteredModelAsync(Model, CancellationToken.None);

        Assert.Equal((Model, "credit-risk-team"), (details.Name, details.Owner));
        Assert.Equal("high", Assert.Single(details.Tags, t => t.Key == "risk_tier").Value);
        Assert.Equal(new Dictionary<string, int> { ["challenger"] = 12, ["champion"] = 11 }, details.Aliases);
        var requests = harness.RequestsSince(before);
        Assert.Collection(
            requests,
            r => Assert.Equal(("GET", "/api/2.1/unity-catalog/models/main.credit.scorer", "?include_aliases=true"), (r.Method, r.Path, r.Query)),
            r => Assert.Equal(("GET", "/api/2.0/mlflow/unity-catalog/registered-models/get", "?name=main.credit.scorer"), (r.Method, r.Path, r.Query)));
        Assert.All(requests, r => Assert.True(r.HasAuthorization));
    }

    [Fact]
    public async Task GetRegisteredModelAsync_UnknownModel_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => harness.Get<IModelRegistry>().GetRegisteredModelAsync("main.credit.nobody", CancellationToken.None));
    }

    [Fact]
    public async Task GetRegisteredModelAsync_ServiceUnavailableOnce_RetriesAndMapsTheDocumentedShape()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) => (n, context.Request.Path.Value) switch
        {
            (1, _) => Answers.Error(context, 503, "TEMPORARILY_UNAVAILABLE", "try again"),
            (_, "/api/2.1/unity-catalog/models/main.credit.scorer") => Answers.Json(context, """
                {"name":"scorer","catalog_name":"main","schema_name":"credit","full_name":"main.credit.scorer","owner":"risk@contoso.com",
                 "created_at":1700000000000,"created_by":"dev@contoso.com",
                 "aliases":[{"alias_name":"champion","version_num":7,"id":"a1","model_name":"scorer","catalog_name":"main","schema_name":"credit"}]}
                """),
            (_, _) => Answers.Json(context, """{"registered_model":{"name":"main.credit.scorer","tags":[{"key":"risk_tier","value":"medium"},{"key":"empty"}]}}"""),
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var details = await services.GetRequiredService<IModelRegistry>().GetRegisteredModelAsync(Model, CancellationToken.None);

        Assert.Equal("risk@contoso.com", details.Owner);
        Assert.Equal(7, details.Aliases["champion"]);
        Assert.Equal(("medium", ""), (details.Tags["risk_tier"], details.Tags["empty"]));
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("Bearer token", r.Authorization));
    }

    [Fact]
    public async Task GetModelVersionAsync_ArtefactListingThrottledAndPaged_RetriesAndFollowsPages()
    {
        var throttled = 0;
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            var path = context.Request.Path.Value;
            var query = context.Request.QueryString.Value ?? string.Empty;
            if (path!.EndsWith("/artifacts/list", StringComparison.Ordinal) && query == "?run_id=r1" && Interlocked.Exchange(ref throttled, 1) == 0)
            {
                context.Response.Headers.RetryAfter = "0";
                await Answers.Error(context, 429, "REQUEST_LIMIT_EXCEEDED", "slow down");
                return;
            }

            await Answers.Json(context, (path, query) switch
            {
                (_, _) when path.Contains("/versions/", StringComparison.Ordinal) => """{"model_name":"scorer","version":3,"run_id":"r1","created_by":"dev@contoso.com"}""",
                (_, _) when path.EndsWith("/model-versions/get", StringComparison.Ordinal) => """{"model_version":{"name":"main.credit.scorer","version":"3"}}""",
                (_, _) when path.EndsWith("/runs/get", StringComparison.Ordinal) => """{"run":{"data":{"metrics":[{"key":"auc","value":"NaN"}]}}}""",
                (_, "?run_id=r1") => """{"root_uri":"dbfs:/x","files":[{"path":"a.txt","is_dir":false,"file_size":1}],"next_page_token":"p2"}""",
                (_, "?run_id=r1&page_token=p2") => """{"root_uri":"dbfs:/x","files":[{"path":"docs","is_dir":true}]}""",
                _ => """{"root_uri":"dbfs:/x","files":[{"path":"docs/card.md","is_dir":false,"file_size":2}]}""",
            });
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var details = await services.GetRequiredService<IModelRegistry>().GetModelVersionAsync(Model, 3, CancellationToken.None);

        Assert.True(double.IsNaN(details.Metrics["auc"]));
        Assert.Empty(details.Tags);
        Assert.Equal(["a.txt", "docs/card.md"], details.Artefacts);
        Assert.Equal(
            [
                "/api/2.0/mlflow/artifacts/list?run_id=r1",
                "/api/2.0/mlflow/artifacts/list?run_id=r1",
                "/api/2.0/mlflow/artifacts/list?run_id=r1&page_token=p2",
                "/api/2.0/mlflow/artifacts/list?run_id=r1&path=docs",
            ],
            server.Requests.Select(r => r.PathAndQuery).Where(p => p.Contains("artifacts", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(1, 10, new[] { "a.txt" })]
    [InlineData(4, 2, new[] { "a.txt" })]
    [InlineData(4, 10, new[] { "a.txt", "deep/b.txt" })]
    public async Task GetModelVersionAsync_ArtefactBounds_StopsAtDepthAndCount(int maxDepth, int maxArtefacts, string[] expected)
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            var path = context.Request.Path.Value!;
            var query = context.Request.QueryString.Value ?? string.Empty;
            return Answers.Json(context, path switch
            {
                _ when path.Contains("/versions/", StringComparison.Ordinal) => """{"version":3,"run_id":"r1"}""",
                _ when path.EndsWith("/model-versions/get", StringComparison.Ordinal) => "{}",
                _ when path.EndsWith("/runs/get", StringComparison.Ordinal) => """{"run":{"data":{}}}""",
                _ when query.Contains("path=deep", StringComparison.Ordinal) => """{"files":[{"path":"deep/b.txt","is_dir":false}]}""",
                _ => """{"files":[{"path":"a.txt","is_dir":false},{"path":"deep","is_dir":true},{"path":"z.txt","is_dir":false}]}""",
            });
        });
        await using var services = TestServices.Databricks(server.BaseUrl, "token", new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:MaxArtefactDepth"] = maxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MlopsFlows:Databricks:MaxArtefacts"] = maxArtefacts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var details = await services.GetRequiredService<IModelRegistry>().GetModelVersionAsync(Model, 3, CancellationToken.None);

        Assert.Equal(expected, details.Artefacts.Where(a => a != "z.txt"));
    }

    [Fact]
    public async Task GetModelVersionAsync_VersionWithoutRun_ReadsNoMetricsOrArtefacts()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Answers.Json(
            context,
            context.Request.Path.Value!.Contains("/versions/", StringComparison.Ordinal) ? """{"version":3,"created_by":""}""" : "{}"));
        await using var services = TestServices.Databricks(server.BaseUrl, "token");

        var details = await services.GetRequiredService<IModelRegistry>().GetModelVersionAsync(Model, 3, CancellationToken.None);

        Assert.Equal((null, null, 0, 0), (details.RunId, details.CreatedBy, details.Metrics.Count, details.Artefacts.Count));
        Assert.Equal((null, null, null, 0, 0, 0), (details.Lineage.Source, details.Lineage.GitCommit, details.Lineage.ArtefactSha256, details.Lineage.Datasets.Count, details.Lineage.Features.Count, details.Lineage.Environment.Count));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SetAliasAsync_Version_PutsVersionNumAndMovesAlias()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 12);
        var before = harness.Simulator.RequestLog.Count;

        await harness.Get<IModelRegistry>().SetAliasAsync(Model, "champion", 12, CancellationToken.None);

        var put = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("PUT", "/api/2.1/unity-catalog/models/main.credit.scorer/aliases/champion"), (put.Method, put.Path));
        Assert.True(put.HasAuthorization);
        using var body = JsonDocument.Parse(put.Body!);
        Assert.Equal(12, body.RootElement.GetProperty("version_num").GetInt32());
        Assert.Equal(12, harness.Simulator.GetAliases(Model)["champion"]);
    }

    [Fact]
    public async Task SetAliasAsync_SameVersionTwice_LeavesAliasInPlace()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var registry = harness.Get<IModelRegistry>();

        await registry.SetAliasAsync(Model, "champion", 12, CancellationToken.None);
        await registry.SetAliasAsync(Model, "champion", 12, CancellationToken.None);

        Assert.Equal(12, harness.Simulator.GetAliases(Model)["champion"]);
    }

    [Fact]
    public async Task GetModelVersionAsync_WrongToken_ThrowsDatabricksApiExceptionWithoutTheToken()
    {
        const string wrongToken = "dapi-not-the-right-one";
        await using var harness = await SimulatorHarness.StartAsync(token: wrongToken);

        var error = await Assert.ThrowsAsync<DatabricksApiException>(
            () => harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 1, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("UNAUTHENTICATED", error.ErrorCode);
        Assert.DoesNotContain(wrongToken, error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Simulator.RequestLog);
    }

    [Fact]
    public async Task GetModelVersionAsync_RunWithParams_ReadsTheRunsParams()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 5, parameters: new Dictionary<string, string> { ["max_depth"] = "8", ["algorithm"] = "xgboost" });

        var details = await harness.Get<IModelRegistry>().GetModelVersionAsync(Model, 5, CancellationToken.None);

        Assert.Equal(("8", "xgboost"), (details.Params["max_depth"], details.Params["algorithm"]));
    }

    [Fact]
    public async Task DeleteAliasAsync_AliasSet_RemovesIt()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 3);
        var registry = (DatabricksModelRegistry)harness.Get<IModelRegistry>();
        await registry.SetAliasAsync(Model, "challenger", 3, CancellationToken.None);
        var before = harness.Simulator.RequestLog.Count;

        await registry.DeleteAliasAsync(Model, "challenger", CancellationToken.None);

        Assert.DoesNotContain("challenger", harness.Simulator.GetAliases(Model).Keys);
        var delete = Assert.Single(harness.RequestsSince(before));
        Assert.Equal(("DELETE", "/api/2.1/unity-catalog/models/main.credit.scorer/aliases/challenger", null), (delete.Method, delete.Path, delete.Body));
    }

    [Fact]
    public async Task DeleteAliasAsync_AliasAlreadyGone_IsANoOp()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        harness.Simulator.AddModelVersion(Model, 3);
        var registry = (DatabricksModelRegistry)harness.Get<IModelRegistry>();

        await registry.DeleteAliasAsync(Model, "previous", CancellationToken.None);
        await registry.DeleteAliasAsync(Model, "previous", CancellationToken.None);

        Assert.Empty(harness.Simulator.GetAliases(Model));
    }

    [Fact]
    public async Task DeleteAliasAsync_UnknownModel_ThrowsDependencyNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { AutoCreate = false });

        await Assert.ThrowsAsync<DependencyNotFoundException>(
            () => ((DatabricksModelRegistry)harness.Get<IModelRegistry>()).DeleteAliasAsync("main.credit.nobody", "champion", CancellationToken.None));
    }
}
