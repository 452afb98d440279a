using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Local.Demo;

namespace MlopsFlows.Local.Cli;

/// <summary>
/// Two releases end to end on the local host, through the same HTTP API a Databricks job uses:
/// one approved and promoted, one whose canary regresses and is rolled back.
/// </summary>
internal static class DemoCommand
{
    private const string Model = "main.credit.scorer";
    private const string Endpoint = "scorer-prod";
    private const string Approver = "risk.officer@contoso.example";

    /// <summary>The model-risk auditor who reads the packets.</summary>
    private const string Auditor = "model.risk.auditor@contoso.example";

    /// <summary>The Databricks job's service identity, as its token names it.</summary>
    private const string Requester = "databricks-job:train-credit-scorer";

    /// <summary>The demo's policy set: the shipped one with second-scale timings (Demo/policies/demo.yaml, copied to the output).</summary>
    public static string DemoPolicies => Path.Combine(AppContext.BaseDirectory, "demo-policies");

    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        var data = ArgumentValue(args, "--data") ?? Path.Combine(".mlopsflows", "demo");
        var hub = "demo" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var configuration = LocalHost.ReadConfiguration(
        [
            .. args.Where(a => a != "--data" && a != data),
            "--MlopsFlows:Local:ApiPort=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            "--MlopsFlows:Local:Simulator=true",
            $"--MlopsFlows:Local:TaskHub={hub}",
            $"--MlopsFlows:Local:AzuriteDataFolder={Path.Combine(data, "azurite")}",
            $"--MlopsFlows:Policies:Path={DemoPolicies}",
            "--MlopsFlows:Policies:Active=demo",
            $"--MlopsFlows:Approvers:0:Upn={Approver}",
            "--MlopsFlows:Approvers:0:ObjectId=5f1c2a9e-0000-4000-8000-00000000a001",
            "--MlopsFlows:Approvers:0:Roles:0=model-validation",
            "--MlopsFlows:Approvers:1:Upn=release.manager@contoso.example",
            "--MlopsFlows:Approvers:1:ObjectId=5f1c2a9e-0000-4000-8000-00000000a002",
            "--MlopsFlows:Approvers:1:Roles:0=release-managers",
        ]);

        DemoConsole.Say("Starting the local host: Azurite, the Durable engine, the releases API, the Databricks simulator and simulated Microsoft 365 (sign-in, directory, Teams, mail)…");
        await using var host = await LocalHost.StartAsync(configuration, stop);
        var simulator = host.Simulator!;
        DemoConsole.Say($"Releases API on {host.ApiBaseUrl}api/releases, Databricks simulator on {simulator.BaseUrl}, task hub '{hub}'.");

        // The job that starts releases signs in as its service identity; the approvers answer in Teams and Outlook.
        using var api = new HttpClient { BaseAddress = host.ApiBaseUrl };
        api.DefaultRequestHeaders.Authorization = new("Bearer", host.Microsoft365!.ApiTokenFor(Requester));
        using var people = new HttpClient();
        using var workspace = new HttpClient { BaseAddress = new Uri(simulator.BaseUrl) };
        workspace.DefaultRequestHeaders.Authorization = new("Bearer", simulator.Token);
        await SeedWorkspaceAsync(workspace, stop);
        DemoConsole.Say($"Workspace: {Model} v11 is the champion and serves 100% of {Endpoint}; v12 and v13 are registered candidates.");

        var verifier = host.App.Services.GetRequiredService<EvidenceVerifier>();
        var runner = new DemoRelease(api, new SimulatedApprovers(host, people), verifier);

        DemoConsole.Heading("Release 1: main.credit.scorer v12 → prod (healthy candidate; approved in Teams)");
        var first = await runner.RunAsync(Model, 12, "prod", approver: Approver, DemoChannel.Teams, stop);

        DemoConsole.Heading("Release 2: main.credit.scorer v13 → prod (approved by email; the simulator injects a +400 ms latency regression)");
        await PostAsync(workspace, "/sim/regressions", new { endpoint = Endpoint, version = 13, addedLatencyMs = 400.0, errorRate = 0.0 }, stop);
        var second = await runner.RunAsync(Model, 13, "prod", approver: Approver, DemoChannel.Email, stop);

        var traffic = await workspace.GetFromJsonAsync<JsonElement>($"/api/2.0/serving-endpoints/{Endpoint}", stop);
        DemoConsole.Heading("Result");
        DemoConsole.Say($"Release 1 ended {first}; release 2 ended {second}.");
        DemoConsole.Say("Serving now: " + string.Join(", ", traffic.GetProperty("config").GetProperty("traffic_config").GetProperty("routes").EnumerateArray()
            .Select(r => $"{r.GetProperty("served_model_name").GetString()} {r.GetProperty("traffic_percentage").GetInt32()}%")));
        DemoConsole.Say($"Evidence: blob container 'evidence' and table 'EvidenceIndex' in Azurite (data in {Path.GetFullPath(Path.Combine(data, "azurite"))}).");

        DemoConsole.Say($"Re-check offline later: dotnet run --project src/MlopsFlows.Local -- verify release:{Model}:12:prod --data {Path.Combine(data, "azurite")}");

        DemoConsole.Heading("Audit packets (an auditor downloads each release's signed packet and checks it offline)");
        using var auditor = new HttpClient { BaseAddress = host.ApiBaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        auditor.DefaultRequestHeaders.Authorization = new("Bearer", host.Microsoft365.ApiTokenFor(Auditor));
        var packets = Path.Combine(data, "packets");
        var verified = true;
        foreach (var version in new[] { 12, 13 })
        {
            verified &= await DemoPackets.FetchAndVerifyAsync(auditor, $"release:{Model}:{version}:prod", packets, stop);
        }

        var succeeded = first == nameof(Domain.Releases.ReleaseStage.Promoted) && second == nameof(Domain.Releases.ReleaseStage.RolledBack) && verified;
        DemoConsole.Say(succeeded ? "Demo finished as expected: one promotion, one rollback, two verified audit packets." : "Demo did NOT end as expected.");
        return succeeded ? 0 : 1;
    }

    private static async Task SeedWorkspaceAsync(HttpClient workspace, CancellationToken stop)
    {
        await PostAsync(workspace, "/sim/models", Version(11, auc: 0.79, logLoss: 0.45), stop);
        await PostAsync(workspace, "/sim/models", Version(12, auc: 0.83, logLoss: 0.40), stop);
        await PostAsync(workspace, "/sim/models", Version(13, auc: 0.84, logLoss: 0.39), stop);
        await PostAsync(workspace, "/sim/endpoints", new { name = Endpoint, model = Model, version = 11 }, stop);

        // The serving version is the champion, as a promotion would have left it: each release compares against it.
        using var champion = await workspace.PutAsJsonAsync($"/api/2.1/unity-catalog/models/{Model}/aliases/champion", new { version_num = 11 }, stop);
        champion.EnsureSuccessStatusCode();
    }

    /// <summary>A registered version as a training job leaves it: metrics, the model card as tags, its evaluation set, who built it.</summary>
    private static object Version(int version, double auc, double logLoss) => new
    {
        name = Model,
        version,
        owner = "credit-risk-models@contoso.example",
        modelTags = new Dictionary<string, string> { ["risk_tier"] = "medium" },
        createdBy = "data.scientist@contoso.example",
        metrics = new { auc, log_loss = logLoss },
        tags = new Dictionary<string, string>
        {
            ["model_card.intended_use"] = "Probability of default for consumer credit applications",
            ["model_card.limitations"] = "Not validated for small-business lending",
            ["model_card.training_data"] = "main.credit.applications_2019_2025",
            ["model_card.evaluation_data"] = "main.credit.holdout_2026q3",
            ["model_card.owner"] = "credit-risk-models@contoso.example",
            ["evaluation_set"] = "main.credit.holdout_2026q3",
            ["evaluation_set_version"] = "17",
        },
        artifacts = new[] { "model/MLmodel", "reports/explainability_report.html" },
    };

    private static async Task PostAsync(HttpClient client, string path, object body, CancellationToken stop)
    {
        using var response = await client.PostAsJsonAsync(path, body, stop);
        response.EnsureSuccessStatusCode();
    }

    private static string? ArgumentValue(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
