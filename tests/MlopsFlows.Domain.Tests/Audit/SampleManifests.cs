using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Audit;

namespace MlopsFlows.Domain.Tests.Audit;

/// <summary>
/// Audit manifests as the packet builder would write them, one per way a release ends: promoted after two canary
/// steps, rolled back at step 1 on an SLO breach, rejected at approval, expired waiting for approvers, and cancelled
/// (that one also without lineage, plan or redactions). Shared with the Chromium tests by a linked file.
/// </summary>
internal static class SampleManifests
{
    public const string Model = "main.credit.scorer";
    public const int Candidate = 12;
    public const int Champion = 11;
    public const string Requester = "dev.lee@contoso.com";
    public const string Validator = "priya.natarajan@contoso.com";
    public const string RiskOfficer = "tomas.berg@contoso.com";
    public const string Operator = "ops.oncall@contoso.com";
    public const double SloLatencyMs = 250;
    public const double SloErrorRate = 0.01;

    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Every sample by name, for theories.</summary>
    public static TheoryData<string> Names => new(nameof(Promoted), nameof(RolledBackOnSlo), nameof(RejectedAtApproval), nameof(ExpiredApproval), nameof(Cancelled));

    public static AuditManifest ByName(string name) => name switch
    {
        nameof(Promoted) => Promoted(),
        nameof(RolledBackOnSlo) => RolledBackOnSlo(),
        nameof(RejectedAtApproval) => RejectedAtApproval(),
        nameof(ExpiredApproval) => ExpiredApproval(),
        nameof(Cancelled) => Cancelled(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such sample manifest."),
    };

    /// <summary>Approved by a validator and a risk officer (the requester's own vote refused), 10% then 50%, both judged pass, promoted.</summary>
    public static AuditManifest Promoted()
    {
        var steps = new[]
        {
            Step("10%", 7, 10, [Watch(8, "Met", 182.4, 0.0021, 1840), Watch(9, "Met", 191.0, 0.0034, 1912)], Judge(10, "Pass", Metric("p95_latency_ms", "Pass", 190.2, 250), Metric("error_rate", "Pass", 0.0028, 0.01))),
            Step("50%", 11, 50, [Watch(12, "Met", 201.7, 0.0040, 9620), Watch(13, "Met", 196.3, 0.0031, 9811), Watch(14, "Met", 188.9, 0.0027, 9702)], Judge(15, "Pass", Metric("p95_latency_ms", "Pass", 195.5, 250), Metric("error_rate", "Pass", 0.0033, 0.01), Metric("prediction_psi", "Pass", 0.031, 0.2))),
        };
        return Build(
            "Promoted",
            "all canary steps passed; v12 serves 100%",
            Approved(),
            new DeploymentSection("Canary", Slo(), steps, new DeploymentDecision("promote", "system (canary judge)", Start.AddHours(3), "every step passed its SLO watches and the judge", null, [new RouteEntry(Candidate, 100)]), ChangeLog()),
            records: 17);
    }

    /// <summary>Approved, then at 10% the second watch breached the p95 latency SLO and traffic went back to v11.</summary>
    public static AuditManifest RolledBackOnSlo()
    {
        var steps = new[]
        {
            Step("10%", 7, 10, [Watch(8, "Met", 231.0, 0.0040, 1790), Watch(9, "Breached", 412.6, 0.0180, 1802)], judge: null),
        };
        return Build(
            "RolledBack",
            "SLO breached at step 10%: p95 latency 412.6 ms above 250 ms, error rate 1.8% above 1%",
            Approved(),
            new DeploymentSection("Canary", Slo(), steps, new DeploymentDecision("roll-back", "system (SLO watch)", Start.AddHours(2), "watch #9 breached the SLO", Champion, [new RouteEntry(Champion, 100)]), ChangeLog()),
            records: 11);
    }

    /// <summary>The risk officer rejected with a rationale; nothing was deployed.</summary>
    public static AuditManifest RejectedAtApproval()
    {
        var approvals = new ApprovalsSection(
            true,
            "Rejected",
            RequiredSeats(),
            [Approver("model-validator", Validator, "Looks good: metrics above thresholds.")],
            [
                Vote(4, Validator, true, "Counted", "counted towards model-validator", "Looks good: metrics above thresholds."),
                Vote(5, RiskOfficer, false, "Rejected", "a valid rejection ends the approval", "Fairness evidence for applicants over 70 is too thin."),
            ],
            [],
            []);
        return Build("Rejected", "rejected by " + RiskOfficer, approvals, NotDeployed("approval rejected"), records: 6);
    }

    /// <summary>Nobody approved in time, even after escalation.</summary>
    public static AuditManifest ExpiredApproval()
    {
        var approvals = new ApprovalsSection(
            true,
            "Expired",
            RequiredSeats(),
            [],
            [],
            [new EscalationEntry(4, Start.AddHours(12), ["ml-governance-lead"], ["lead@contoso.com"])],
            []);
        return Build("Expired", "no approval within 24 h", approvals, NotDeployed("approval expired"), records: 5);
    }

    /// <summary>An operator stopped the release while it waited for approval; the registry had no lineage for it.</summary>
    public static AuditManifest Cancelled()
    {
        var approvals = new ApprovalsSection(
            true,
            "Pending",
            RequiredSeats(),
            [],
            [],
            [],
            [new OverrideEntry(4, Start.AddHours(1), "stop", Operator, "Upstream feature store incident; stop this release.", "cancelled")]);
        var manifest = Build("Cancelled", "stopped by " + Operator, approvals, NotDeployed("cancelled before deployment"), records: 5);
        return manifest with
        {
            Lineage = new LineageSection(false, Model, Candidate, null, null, null, null, null, null, null, null, [], [], new Dictionary<string, string>(), new Dictionary<string, string>(), null),
            Monitoring = manifest.Monitoring with { Plan = null, MonitorInstance = null, MonitorState = null },
            Redactions = [],
        };
    }

    /// <summary>A seal like the signer's: the SHA-256 of the manifest's JSON and a fixed test key.</summary>
    public static PacketSeal Seal(AuditManifest manifest) => new(
        Hex(JsonSerializer.SerializeToUtf8Bytes(manifest)),
        "ES256",
        "local:packet-signing/1",
        Hex(Encoding.UTF8.GetBytes("test signing key")));

    private static AuditManifest Build(string outcome, string reason, ApprovalsSection approvals, DeploymentSection deployment, int records) => new()
    {
        Generator = new PacketGenerator("MlopsFlows", "1.6.0"),
        GeneratedAt = Start.AddHours(4),
        Release = new ReleaseSection($"release:{Model}:{Candidate}:prod", "20261120T090000Z-3f9a1c2e", Model, Candidate, "prod", Requester, Start, outcome, reason, Start.AddHours(3)),
        Inventory = new InventorySection(
            Model,
            "credit-risk-ds@contoso.com",
            "Scores consumer credit applications for manual review priority.",
            "Not validated for business lending.\nScores below 0.2 are not calibrated.",
            new Dictionary<string, string> { ["training_data"] = "applications 2023-2025", ["evaluation"] = "holdout 2025-Q3", ["contact"] = "credit-risk-ds@contoso.com" },
            "high",
            "high",
            "medium",
            "consumer credit decisions are high risk under the model risk policy",
            new PolicyReference("credit-policy", "3", new string('c', 64))),
        Lineage = new LineageSection(
            true,
            Model,
            Candidate,
            "models:/main.credit.scorer/12",
            "abfss://models@contoso.dfs.core.windows.net/credit/12",
            new string('d', 64),
            "run-8841",
            "4f2a9c1",
            "https://dev.azure.com/contoso/credit/_git/scorer",
            "train.py",
            Requester,
            [new DataSource("applications", "2025-10", "sha256:" + new string('e', 64), "delta", "main.credit.applications", "training")],
            ["income", "debt_ratio", "age_band", "tenure_months"],
            new Dictionary<string, string> { ["max_depth"] = "6", ["learning_rate"] = "0.05" },
            new Dictionary<string, string> { ["python"] = "3.11", ["xgboost"] = "2.1.1" },
            2),
        Validation = new ValidationSection(
            [
                new GateEntry("performance", "Pass", 2, new Dictionary<string, string> { ["dataset"] = "holdout-2025q3.parquet", ["rows"] = "48210" }, [
                    new FindingEntry("auc", "candidate", "Pass", 0.8412, "AtLeast", 0.8, 48210, new IntervalEntry(0.8361, 0.8463, 0.95, "hanley-mcneil"), new Dictionary<string, double?> { ["champion"] = 0.8305 }, "0.8412 is at least 0.8"),
                    new FindingEntry("brier", "candidate", "Pass", 0.1123, "AtMost", 0.15, 48210, null, new Dictionary<string, double?>(), "0.1123 is at most 0.15"),
                ]),
                new GateEntry("data_quality", "Pass", 2, new Dictionary<string, string>(), [
                    new FindingEntry("missing_share", "income", "Pass", 0.004, "AtMost", 0.02, 48210, null, new Dictionary<string, double?>(), "0.4% missing"),
                ]),
            ],
            new ChampionComparisonEntry(Champion, [new MetricChange("auc", 0.8305, 0.8412, 0.0107), new MetricChange("brier", 0.1180, 0.1123, -0.0057)], null),
            [new ValidatorEntry(Validator, "7d1e6c1a-0000-4000-8000-000000000001", "model-validator", Start.AddHours(1), true, "not the developer and not the requester")]),
        Fairness = new FairnessSection(
            true,
            "Pass",
            3,
            [
                new FindingEntry("disparate_impact", "age_band=18-25", "Pass", 0.91, "AtLeast", 0.8, 5210, new IntervalEntry(0.86, 0.96, 0.95, "katz-log"), new Dictionary<string, double?> { ["selection_rate"] = 0.41 }, "0.91 is at least 0.8"),
                new FindingEntry("disparate_impact", "age_band=70+", "InsufficientData", null, "AtLeast", 0.8, 38, null, new Dictionary<string, double?>(), "38 rows, fewer than the 100 required"),
            ],
            "DI: disparate impact below 0.8; SMALL: group too small to judge"),
        Approvals = approvals,
        Deployment = deployment,
        Monitoring = new MonitoringSection(
            JsonSerializer.SerializeToElement(new { drift = new { interval = "1h", threshold = 0.2, features = new[] { "income", "debt_ratio" } }, slo = new { p95_latency_ms = 250 } }),
            "monitor:main.credit.scorer:prod",
            "Running",
            Start.AddDays(180),
            "high tier: revalidate every 180 days",
            new RetentionEntry("high", 2555, Start.AddHours(3).AddDays(2555))),
        Redactions = [new RedactionEntry(4, "votes[1].comment", "email-address"), new RedactionEntry(6, "request.headers.authorization", "secret")],
        Evidence = Chain(records),
    };

    private static ApprovalsSection Approved() => new(
        true,
        "Approved",
        RequiredSeats(),
        [Approver("model-validator", Validator, "Validated on the 2025-Q3 holdout."), Approver("risk-officer", RiskOfficer, "Within appetite; revalidate in 6 months.")],
        [
            Vote(4, Requester, true, "SelfApproval", "the requester may not approve their own release", "LGTM"),
            Vote(5, Validator, true, "Counted", "counted towards model-validator", "Validated on the 2025-Q3 holdout."),
            Vote(6, RiskOfficer, true, "Counted", "counted towards risk-officer", "Within appetite; revalidate in 6 months."),
        ],
        [],
        []);

    private static RequiredApproval[] RequiredSeats() => [new("model-validator", 1), new("risk-officer", 1)];

    private static ApproverEntry Approver(string role, string upn, string rationale) =>
        new(role, upn, ObjectIdOf(upn), Start.AddHours(1), "teams", true, false, "independent", rationale);

    private static VoteEntry Vote(int sequence, string upn, bool approve, string admission, string reason, string rationale) =>
        new(sequence, upn, ObjectIdOf(upn), approve, admission, reason, "teams", true, rationale, Start.AddMinutes(30 + sequence));

    private static SloEntry Slo() => new(SloLatencyMs, SloErrorRate);

    private static DeploymentStep Step(string label, int sequence, int percent, WatchEntry[] watches, JudgeEntry? judge) =>
        new(label, sequence, percent, [new RouteEntry(Champion, 100 - percent), new RouteEntry(Candidate, percent)], watches, judge);

    private static WatchEntry Watch(int sequence, string verdict, double p95, double errorRate, long requests) => new(sequence, verdict, p95, errorRate, requests);

    private static JudgeEntry Judge(int sequence, string verdict, params JudgedMetric[] metrics) => new(sequence, verdict, metrics, 18000, 2000, 0.031);

    private static JudgedMetric Metric(string name, string outcome, double observed, double threshold) =>
        new(name, outcome, observed, threshold, 0.42, 0.01, $"{name} {observed} within {threshold}");

    private static DeploymentSection NotDeployed(string why) =>
        new("Canary", Slo(), [], new DeploymentDecision("not-deployed", "approval", Start.AddHours(2), why, null, [new RouteEntry(Champion, 100)]), null);

    private static ChangeLogEntry ChangeLog() => new(
        Champion,
        [new MetricChange("auc", 0.8305, 0.8412, 0.0107)],
        [new ParamChange("max_depth", "5", "6")],
        ["tenure_months"],
        ["postcode_prefix"]);

    private static EvidenceSection Chain(int count)
    {
        string[] steps = ["request", "gates", "fairness", "approval", "approval", "approval", "canary", "watch", "watch", "judge", "canary", "watch", "watch", "watch", "judge", "promote", "outcome"];
        var records = new List<EvidenceEntryLine>();
        string? previous = null;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var step = sequence == count ? "outcome" : steps[(sequence - 1) % steps.Length];
            var hash = Hex(Encoding.UTF8.GetBytes($"record {sequence} {previous}"));
            records.Add(new EvidenceEntryLine(sequence, step, sequence == count ? "ended" : "pass", sequence is 4 or 5 or 6 ? Validator : "system", Start.AddMinutes(sequence * 10), hash, previous, $"{step} record {sequence}"));
            previous = hash;
        }

        return new EvidenceSection(count, previous, records);
    }

    private static string ObjectIdOf(string upn) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(upn)).AsSpan(0, 16)).ToString();

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
