using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;

namespace MlopsFlows.Workflows.Tests.Support;

/// <summary>
/// One release in the shared in-memory host with everything around it arranged: the model in the inventory (tier tag,
/// champion v11), candidate v12 with a model card, artefacts, an evaluation set and lineage (retrained on a newer table
/// version with a changed feature and parameter), a serving endpoint, healthy canary telemetry and a directory of
/// people. Tests change what they prove and drive the release through its events.
/// </summary>
public sealed class ReleaseScenario
{
    public const int Champion = 11;
    public const int Candidate = 12;
    public const string Requester = "ci@example.com";
    public const string Developer = "dev@example.com";
    public const string Validator = "val@example.com";
    public const string SecondValidator = "val2@example.com";
    public const string RiskOfficer = "risk@example.com";
    public const string BothRoles = "both@example.com";
    public const string RiskLead = "lead@example.com";
    public const string ReleaseManager = "ops@example.com";
    public const string Outsider = "eve@example.com";

    /// <summary>The git commit the candidate was trained at.</summary>
    public const string CandidateCommit = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private static readonly DateTimeOffset RequestedAt = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly ReleaseHost host;

    public ReleaseScenario(ReleaseHost host, string name, string? tierTag, bool fairData = true)
    {
        this.host = host;
        Key = new ReleaseKey($"main.credit.{name.Replace('-', '_')}", Candidate, "prod");
        Endpoint = $"credit-{name}";
        RunId = "20261126T090000Z-" + Guid.NewGuid().ToString("N")[..8];
        var evaluationSet = $"/data/{name}/eval.parquet";
        Dictionary<string, string> tags = new()
        {
            ["model_card.intended_use"] = "consumer credit decisions",
            ["model_card.limitations"] = "not for small-business lending",
            [ModelVersionTags.EvaluationSet] = evaluationSet,
            [ModelVersionTags.EvaluationSetVersion] = "2026-11-01",
        };
        host.Registry.Register(
            Key.Model,
            Candidate,
            new Dictionary<string, double> { ["auc"] = 0.82, ["log_loss"] = 0.40 },
            tags,
            Developer,
            ["reports/explainability_report.html", "reason_code_mapping.csv"],
            new Dictionary<string, string> { ["max_depth"] = "8", ["learning_rate"] = "0.05" },
            LineageOf(CandidateCommit, trainingTableVersion: "42", ["income", "sex", "utilisation"]));
        host.Registry.Register(
            Key.Model,
            Champion,
            new Dictionary<string, double> { ["auc"] = 0.81, ["log_loss"] = 0.43 },
            tags,
            "someone@example.com",
            parameters: new Dictionary<string, string> { ["max_depth"] = "6", ["learning_rate"] = "0.05" },
            lineage: LineageOf("9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", trainingTableVersion: "37", ["income", "sex", "tenure"]));
        host.Registry.SetAlias(Key.Model, ModelAliases.Champion, Champion);
        if (tierTag is not null)
        {
            host.Registry.TagModel(Key.Model, "risk_tier", tierTag);
        }

        host.EvaluationData.Add(evaluationSet, Schema, Columns(fairData));
        host.Serving.Seed(Endpoint, TrafficSplit.AllTo(Champion));
        host.Canary.Answer(Endpoint, _ => FakeCanaryTelemetry.Alike());

        host.Directory.Add(Requester, TestPolicies.ValidationRole);
        host.Directory.Add(Developer, TestPolicies.ValidationRole);
        host.Directory.Add(Validator, TestPolicies.ValidationRole);
        host.Directory.Add(SecondValidator, TestPolicies.ValidationRole);
        host.Directory.Add(RiskOfficer, TestPolicies.RiskRole);
        host.Directory.Add(BothRoles, TestPolicies.ValidationRole, TestPolicies.RiskRole);
        host.Directory.Add(RiskLead, TestPolicies.RiskLeadsRole);
        host.Directory.Add(ReleaseManager, TestPolicies.OversightRole);
        host.Directory.Add(Outsider);
    }

    public ReleaseKey Key { get; }

    public string Endpoint { get; }

    public string RunId { get; }

    public string Id => Key.InstanceId;

    public ReleaseHost Host => host;

    public static DatasetSchema Schema => new(
    [
        new DeclaredColumn("income", ColumnKind.Numeric, Nullable: false, Min: 0, Max: 1_000_000),
        new DeclaredColumn("sex", ColumnKind.Categorical, Nullable: false, AllowedCategories: ["f", "m"]),
        new DeclaredColumn("label", ColumnKind.Numeric, Nullable: false, Min: 0, Max: 1),
        new DeclaredColumn("prediction", ColumnKind.Numeric, Nullable: false, Min: 0, Max: 1),
    ]);

    public Task StartAsync(PolicySet? policies = null, string? requestedTier = null, IReadOnlyList<string>? evidenceRefs = null) =>
        host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ReleaseOrchestrator),
            new ReleaseInput(Key, RunId, Endpoint, Requester, policies ?? TestPolicies.Set(), requestedTier, evidenceRefs ?? ["mlflow-run:abc123"], RequestedAt),
            new StartOrchestrationOptions(Id));

    /// <summary>Waits until approvers are being asked and returns the approval's status (open seats, digest).</summary>
    public async Task<ApprovalProgress> ApprovalAsync(Func<ApprovalProgress, bool>? until = null)
    {
        var id = ApprovalOrchestrator.InstanceIdFor(Id, RunId);
        var progress = await Poll.UntilAsync(
            async () => (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true)) is { SerializedCustomStatus: not null } i ? i.ReadCustomStatusAs<ApprovalProgress>() : null,
            p => p is not null && (until is null || until(p)),
            Deadline,
            $"{id} waiting for votes");
        return progress!;
    }

    // Votes and commands arrive as the API hands them over: identity proven by a validated token unless a test says not.
    public async Task VoteAsync(
        string upn, bool approve = true, string? rationale = "reviewed the evidence", string channel = "http", string? digest = null, bool verified = true)
    {
        digest ??= (await ApprovalAsync()).EvidenceDigest;
        await host.Client.RaiseEventAsync(
            Id, ReleaseEvents.Decision, new ApprovalDecision(approve, upn, rationale, RequestedAt.AddMinutes(5), channel, verified, EvidenceDigest: digest));
    }

    public Task DecideAsync(string upn, bool goOn, string rationale = "looked at the dashboards", bool verified = true) =>
        host.Client.RaiseEventAsync(Id, ReleaseEvents.Decision, new ApprovalDecision(goOn, upn, rationale, RequestedAt.AddMinutes(9), IdentityVerified: verified));

    public Task CommandAsync(
        OversightCommandKind kind, string upn = ReleaseManager, string rationale = "change freeze", string? target = null, bool verified = true) =>
        host.Client.RaiseEventAsync(
            Id, ReleaseEvents.Oversight, new OversightRequest(kind, upn, rationale, RequestedAt.AddMinutes(7), IdentityVerified: verified, Target: target));

    public Task AddEvidenceAsync(string note = "re-ran the validation suite") =>
        host.Client.RaiseEventAsync(Id, ReleaseEvents.EvidenceAdded, new EvidenceAddition(["mlflow-run:def456"], Validator, note, RequestedAt.AddMinutes(6)));

    public async Task<ReleaseProgress> WaitForAsync(Func<ReleaseProgress, bool> condition, string what) =>
        (await Poll.UntilAsync(
            async () => (await host.Client.GetInstanceAsync(Id, getInputsAndOutputs: true))?.ReadCustomStatusAs<ReleaseProgress>(),
            p => p is not null && condition(p),
            Deadline,
            $"{Id}: {what}"))!;

    public async Task<ReleaseOutcome> OutcomeAsync()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        OrchestrationMetadata instance;
        try
        {
            instance = await host.Client.WaitForInstanceCompletionAsync(Id, getInputsAndOutputs: true, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{Id} did not finish within {Deadline.TotalSeconds} s (ProcessorCount = {Environment.ProcessorCount}; the runsettings raise it)");
        }

        Assert.True(
            instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{Id} ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorType} {instance.FailureDetails?.ErrorMessage}");
        return instance.ReadOutputAs<ReleaseOutcome>() ?? throw new InvalidOperationException($"{Id} has no output");
    }

    /// <summary>Reads the run's chain, proves it intact and its own, and returns its records.</summary>
    public async Task<List<EvidenceRecord>> EvidenceAsync()
    {
        var chain = await host.Evidence.ReadChainAsync(Id, RunId, CancellationToken.None);
        var check = EvidenceChain.Verify(chain, Id, RunId);
        Assert.True(check.Intact, check.Reason);
        Assert.NotEmpty(chain);
        return [.. chain.Select(stored => EvidenceChain.Parse(stored.Content.Span))];
    }

    public IReadOnlyList<TrafficSplit> TrafficRequests => host.Serving.RequestsTo(Endpoint);

    public IReadOnlyList<ApprovalRequest> Notifications => host.Notifier.SentFor(Id);

    public void AssertTrafficUntouched()
    {
        Assert.Empty(host.Serving.RequestsTo(Endpoint));
        Assert.Equal(Champion, host.Registry.AliasOf(Key.Model, ModelAliases.Champion));
    }

    /// <summary>A version trained at <paramref name="commit"/> on the applications table at a version, checked on the hold-out table.</summary>
    private static ModelLineage LineageOf(string commit, string trainingTableVersion, IReadOnlyList<string> features) => new()
    {
        Source = $"dbfs:/databricks/mlflow-tracking/1/{commit[..8]}/artifacts/model",
        StorageLocation = $"abfss://uc@metastore.dfs.core.windows.net/models/{commit[..8]}",
        ArtefactSha256 = new string(commit[0], 64),
        GitCommit = commit,
        GitRepository = "https://github.com/contoso/credit-models",
        SourceName = "train_scorer.py",
        Datasets =
        [
            new DatasetVersion("applications", trainingTableVersion, "d41d8cd9", "delta", "main.credit.applications", DatasetVersion.TrainingContext),
            new DatasetVersion("holdout", "7", "0cc175b9", "delta", "main.credit.holdout", "evaluation"),
        ],
        Features = features,
        Environment = new Dictionary<string, string> { ["python"] = "3.12.3", ["databricks_runtime"] = "16.4.x-cpu-ml-scala2.12" },
    };

    /// <summary>400 rows: sexes f and m, income in range; the model selects both alike unless <paramref name="fair"/> is false.</summary>
    private static EvaluationColumns Columns(bool fair)
    {
        const int rows = 400;
        var income = new double[rows];
        var sex = new string?[rows];
        var label = new double[rows];
        var prediction = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            income[i] = 20_000 + (i * 250);
            sex[i] = i % 2 == 0 ? "f" : "m";
            label[i] = i % 3 == 0 ? 0 : 1;
            var favoured = fair || sex[i] == "m";
            prediction[i] = favoured ? label[i] : (i % 10 == 1 ? label[i] : 0);
        }

        return new EvaluationColumns(
            rows,
            new Dictionary<string, double[]> { ["income"] = income, ["label"] = label, ["prediction"] = prediction },
            new Dictionary<string, string?[]> { ["sex"] = sex });
    }
}
