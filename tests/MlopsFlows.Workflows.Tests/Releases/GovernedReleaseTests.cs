using System.Text;
using System.Text.Json;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Workflows.Monitoring;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Releases;

/// <summary>Each tier's happy path, the tier from the inventory, the evidence gates and the redaction of what is recorded, on the in-memory host.</summary>
public sealed class GovernedReleaseTests(ReleaseHost host) : IClassFixture<ReleaseHost>
{
    // Personal data planted in every channel that reaches evidence.
    private const string CustomerEmail = "jane.customer@gmail.com";
    private const string RationaleEmail = "ana.garcia@example.org";
    private const string Ssn = "123-45-6789";
    private const string Card = "4111 1111 1111 1111";
    private const string Iban = "DE89 3704 0044 0532 0130 00";
    private const string Account = "0012345678";

    [Fact]
    public async Task RunAsync_MediumTierApprovedByAValidator_PromotesThroughEveryCanaryStep()
    {
        var release = new ReleaseScenario(host, "medium-happy", "medium");
        await release.StartAsync();

        var approval = await release.ApprovalAsync();
        Assert.Equal([TestPolicies.ValidationRole], approval.OutstandingRoles);
        await release.VoteAsync(Validator);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(
            [TrafficSplit.Canary(Champion, Candidate, 10), TrafficSplit.Canary(Champion, Candidate, 50), TrafficSplit.AllTo(Candidate)],
            release.TrafficRequests);
        Assert.Equal(Candidate, host.Registry.AliasOf(release.Key.Model, ModelAliases.Champion));
        Assert.Equal(Champion, host.Registry.AliasOf(release.Key.Model, ModelAliases.Previous));
        Assert.Equal(Champion, outcome.RollbackTarget);

        var request = release.Notifications.First(n => n.Kind == ApprovalNotificationKind.Request);
        Assert.Equal("medium", request.RiskTier);
        Assert.Equal(
            [BothRoles, Requester, Developer, SecondValidator, Validator],
            request.Recipients.Select(p => p.Upn).Order(StringComparer.Ordinal));
        Assert.Equal(approval.EvidenceDigest, request.EvidenceDigest);

        var evidence = await release.EvidenceAsync();
        var set = TestPolicies.Set();
        Assert.All(evidence, r => Assert.Equal(new PolicyStamp(set.Id, set.Version, set.ContentHash), r.Policy));
        Assert.Equal(["policy", "lineage", "gate", "gate", "gate", "notification", "vote", "approval"], evidence.Take(8).Select(r => r.Step));
        Assert.Equal(["resolved", "recorded", "pass", "pass", "pass", "request", "counted", "approved"], evidence.Take(8).Select(r => r.Decision));
        Assert.Equal(Validator, evidence[6].Actor);

        // What approvers were shown, and their votes bound to: the policy, the lineage and every gate.
        Assert.Equal(EvidenceDigest.Of([.. evidence.Take(5).Select(EvidenceChain.HashOf)]), approval.EvidenceDigest);
        Assert.Equal(2, evidence.Count(r => r.Step == "judge" && r.Decision == "pass"));
        Assert.Equal(["promote", "monitor", "outcome"], evidence.TakeLast(3).Select(r => r.Step));
        Assert.Equal("started", evidence[^2].Decision);
        Assert.Equal(outcome.EvidenceCount, evidence.Count);

        // From now on the promoted version is watched, with the champion before it as the rollback target.
        var monitor = await host.Client.GetInstanceAsync(MonitorIds.For(release.Key.Model, "prod"), getInputsAndOutputs: true);
        Assert.NotNull(monitor);
        var watched = monitor.ReadInputAs<MonitorInput>()!;
        Assert.Equal((Candidate, (int?)Champion, release.RunId), (watched.Version, watched.PreviousVersion, watched.RunId));
    }

    [Fact]
    public async Task RunAsync_HighTier_NeedsAValidatorAndARiskOfficerAndPassesFairnessAndDataQuality()
    {
        var release = new ReleaseScenario(host, "high-happy", "high");
        await release.StartAsync();

        await release.VoteAsync(Validator);
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        Assert.Equal([TestPolicies.RiskRole], (await release.ApprovalAsync()).OutstandingRoles);
        await release.VoteAsync(RiskOfficer);
        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Equal(4, release.TrafficRequests.Count);
        var evidence = await release.EvidenceAsync();
        var gates = evidence.Where(r => r.Step == "gate").ToArray();
        Assert.Equal(["metrics", "performance", "artefacts", "data_quality", "fairness"], gates.Select(g => g.Data.GetProperty("report").GetProperty("gate").GetString()));
        Assert.All(gates, g => Assert.Equal("pass", g.Decision));
        var approval = evidence.Single(r => r.Step == "approval");
        Assert.Contains("model-validation: val@example.com", approval.Summary, StringComparison.Ordinal);
        Assert.Contains("risk: risk@example.com", approval.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LowTierBlueGreen_IsPreApprovedAndSwitchesAllAtOnce()
    {
        var release = new ReleaseScenario(host, "low-happy", "low");
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);
        Assert.Empty(release.Notifications);
        Assert.Equal(
            [new TrafficSplit([new TrafficRoute(Candidate, 100), new TrafficRoute(Champion, 0)]), TrafficSplit.AllTo(Candidate)],
            release.TrafficRequests);
        var evidence = await release.EvidenceAsync();
        Assert.Contains(evidence, r => r.Step == "approval" && r.Summary.StartsWith("pre-approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RequestNamesALowerTierThanTheInventory_IsRefusedBeforeAnythingElse()
    {
        var release = new ReleaseScenario(host, "tier-lowered", "high");
        await release.StartAsync(requestedTier: "low");

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("never lower", outcome.Reason, StringComparison.Ordinal);
        release.AssertTrafficUntouched();
        var evidence = await release.EvidenceAsync();
        Assert.Equal([("policy", "refused"), ("outcome", "gatefailed")], evidence.Select(r => (r.Step, r.Decision)));
    }

    [Fact]
    public async Task RunAsync_RequestRaisesTheTier_RunsUnderTheHigherTier()
    {
        var release = new ReleaseScenario(host, "tier-raised", "low");
        await release.StartAsync(requestedTier: "medium");

        var progress = await release.WaitForAsync(p => p.WaitingFor == ReleaseWaits.Approval, "waiting for approval");

        Assert.Equal("medium", progress.RiskTier);
        await release.CommandAsync(Domain.Approvals.OversightCommandKind.Stop);
        Assert.Equal(ReleaseStage.Cancelled, (await release.OutcomeAsync()).Stage);
    }

    [Fact]
    public async Task RunAsync_NoInventoryTag_UsesThePolicysDefaultTier()
    {
        var release = new ReleaseScenario(host, "tier-default", tierTag: null);
        await release.StartAsync();

        var progress = await release.WaitForAsync(p => p.RiskTier is not null, "tier resolved");

        Assert.Equal("medium", progress.RiskTier);
        await release.CommandAsync(Domain.Approvals.OversightCommandKind.Stop);
        await release.OutcomeAsync();
    }

    [Fact]
    public async Task RunAsync_FairnessGateFails_StopsBeforeAnyoneIsAskedWithTheReasons()
    {
        var release = new ReleaseScenario(host, "unfair", "high", fairData: false);
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("fairness", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("sex=f", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(release.Notifications);
        release.AssertTrafficUntouched();
        var evidence = await release.EvidenceAsync();
        var fairness = evidence.Single(r => r.Step == "gate" && r.Data.GetProperty("report").GetProperty("gate").GetString() == "fairness");
        Assert.Equal("fail", fairness.Decision);
        var findings = fairness.Data.GetProperty("report").GetProperty("findings");
        Assert.Contains(findings.EnumerateArray(), f => f.GetProperty("sampleSize").ValueKind == System.Text.Json.JsonValueKind.Number && f.TryGetProperty("interval", out _));
    }

    [Fact]
    public async Task RunAsync_RequiredArtefactsMissingAndAucRegressed_FailsEveryGateItShouldWithEveryReason()
    {
        var release = new ReleaseScenario(host, "no-card", "medium");
        host.Registry.Register(release.Key.Model, Candidate, new Dictionary<string, double> { ["auc"] = 0.75 }, new Dictionary<string, string>(), Developer);
        await release.StartAsync();

        var outcome = await release.OutcomeAsync();

        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("intended_use", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("performance", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(release.Notifications);
        var gates = (await release.EvidenceAsync()).Where(r => r.Step == "gate").ToArray();
        Assert.Equal(["pass", "insufficient-data", "fail"], gates.Select(g => g.Decision));
    }

    [Fact]
    public async Task RunAsync_CandidateAndChampionWithLineage_RecordsLineageAndTheChangeLogBeforeTheGates()
    {
        var release = new ReleaseScenario(host, "lineage", "low");
        await release.StartAsync();

        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);
        var evidence = await release.EvidenceAsync();
        Assert.Equal(["policy", "lineage", "gate"], evidence.Take(3).Select(r => r.Step));
        var record = Assert.Single(evidence, r => r.Step == "lineage");
        Assert.Equal("recorded", record.Decision);
        Assert.Equal(
            $"v12 from run {FakeModelRegistry.RunIdOf(release.Key.Model, Candidate)} (git 1a2b3c4) on 2 datasets; vs champion v11: 2 metrics, 1 param, 2 features changed",
            record.Summary);

        var data = record.Data;
        Assert.Equal(
            ["model", "version", "runId", "createdBy", "tags", "metrics", "params", "artefacts", "lineage", "champion", "championProblem", "changes"],
            Names(data));
        Assert.Equal((release.Key.Model, Candidate, Developer), (data.GetProperty("model").GetString(), data.GetProperty("version").GetInt32(), data.GetProperty("createdBy").GetString()));
        Assert.Equal("2026-11-01", data.GetProperty("tags").GetProperty(ModelVersionTags.EvaluationSetVersion).GetString());
        Assert.Equal(["auc", "log_loss"], Names(data.GetProperty("metrics")));
        Assert.Equal("8", data.GetProperty("params").GetProperty("max_depth").GetString());
        Assert.Equal(2, data.GetProperty("artefacts").GetArrayLength());

        var lineage = data.GetProperty("lineage");
        Assert.Equal(
            ["source", "storageLocation", "artefactSha256", "gitCommit", "gitRepository", "sourceName", "datasets", "features", "environment"],
            Names(lineage));
        Assert.Equal((CandidateCommit, "https://github.com/contoso/credit-models"), (lineage.GetProperty("gitCommit").GetString(), lineage.GetProperty("gitRepository").GetString()));
        var training = lineage.GetProperty("datasets")[0];
        Assert.Equal(["name", "version", "digest", "sourceType", "source", "context"], Names(training));
        Assert.Equal(
            ("main.credit.applications", "42", "training"),
            (training.GetProperty("source").GetString(), training.GetProperty("version").GetString(), training.GetProperty("context").GetString()));
        Assert.Equal(["income", "sex", "utilisation"], lineage.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("3.12.3", lineage.GetProperty("environment").GetProperty("python").GetString());

        var champion = data.GetProperty("champion");
        Assert.Equal(["version", "runId", "metrics", "params", "features"], Names(champion));
        Assert.Equal((Champion, 0.81), (champion.GetProperty("version").GetInt32(), champion.GetProperty("metrics").GetProperty("auc").GetDouble()));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("championProblem").ValueKind);

        var changes = data.GetProperty("changes");
        Assert.Equal(["metrics", "params", "featuresAdded", "featuresRemoved"], Names(changes));
        var metrics = changes.GetProperty("metrics").EnumerateArray().ToArray();
        Assert.Equal(["auc", "log_loss"], metrics.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["name", "champion", "candidate", "delta"], Names(metrics[0]));
        Assert.Equal((0.81, 0.82), (metrics[0].GetProperty("champion").GetDouble(), metrics[0].GetProperty("candidate").GetDouble()));
        Assert.Equal(0.01, metrics[0].GetProperty("delta").GetDouble(), precision: 12);
        var param = Assert.Single(changes.GetProperty("params").EnumerateArray());
        Assert.Equal(("max_depth", "6", "8"), (param.GetProperty("name").GetString(), param.GetProperty("champion").GetString(), param.GetProperty("candidate").GetString()));
        Assert.Equal(["utilisation"], changes.GetProperty("featuresAdded").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["tenure"], changes.GetProperty("featuresRemoved").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task RunAsync_ChampionVersionDeletedFromTheRegistry_RecordsLineageWithTheReasonAndGoesOn()
    {
        var release = new ReleaseScenario(host, "champion-gone", "low");
        host.Registry.Delete(release.Key.Model, Champion);
        // A metric the run logged as NaN is evidence too: it must not break the record.
        host.Registry.Register(
            release.Key.Model,
            Candidate,
            new Dictionary<string, double> { ["auc"] = 0.82, ["calibration_slope"] = double.NaN },
            lineage: new ModelLineage { GitCommit = CandidateCommit });
        await release.StartAsync();

        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);
        var record = Assert.Single(await release.EvidenceAsync(), r => r.Step == "lineage");
        Assert.Equal("recorded", record.Decision);
        Assert.StartsWith($"v12 from run {FakeModelRegistry.RunIdOf(release.Key.Model, Candidate)} (git 1a2b3c4) on 0 datasets; champion v11 could not be read: ", record.Summary, StringComparison.Ordinal);
        Assert.Contains("does not exist", record.Summary, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, record.Data.GetProperty("champion").ValueKind);
        Assert.Equal(JsonValueKind.Null, record.Data.GetProperty("changes").ValueKind);
        Assert.StartsWith("champion v11 could not be read", record.Data.GetProperty("championProblem").GetString(), StringComparison.Ordinal);
        Assert.Equal("NaN", record.Data.GetProperty("metrics").GetProperty("calibration_slope").GetString());
    }

    [Fact]
    public async Task RunAsync_NoChampion_RecordsLineageWithoutAChangeLog()
    {
        var release = new ReleaseScenario(host, "first-version", "low");
        host.Registry.RemoveAlias(release.Key.Model, ModelAliases.Champion);
        await release.StartAsync();

        await release.OutcomeAsync();
        var record = Assert.Single(await release.EvidenceAsync(), r => r.Step == "lineage");
        Assert.EndsWith("on 2 datasets; no champion to compare with", record.Summary, StringComparison.Ordinal);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null), (record.Data.GetProperty("champion").ValueKind, record.Data.GetProperty("championProblem").ValueKind, record.Data.GetProperty("changes").ValueKind));
    }

    [Fact]
    public async Task RunAsync_ModelNotInTheInventory_EndsWithAReasonInsteadOfCrashing()
    {
        var release = new ReleaseScenario(host, "unregistered", "medium");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ReleaseOrchestrator),
            new ReleaseInput(new ReleaseKey("main.credit.nobody", Candidate, "prod"), release.RunId, release.Endpoint, Requester, TestPolicies.Set(), null, [], DateTimeOffset.UnixEpoch),
            new Microsoft.DurableTask.StartOrchestrationOptions("release:main.credit.nobody:12:prod"));

        using var timeout = new CancellationTokenSource(Deadline);
        var instance = await host.Client.WaitForInstanceCompletionAsync("release:main.credit.nobody:12:prod", getInputsAndOutputs: true, timeout.Token);

        var outcome = instance.ReadOutputAs<ReleaseOutcome>()!;
        Assert.Equal(ReleaseStage.GateFailed, outcome.Stage);
        Assert.Contains("not in the inventory", outcome.Reason, StringComparison.Ordinal);
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    /// <summary>Redaction before evidence is written (EvidenceWriter), proven on a whole release.</summary>
    [Fact]
    public async Task RunAsync_PersonalDataInTagsVotesAdditionsAndRequest_NoneOfItIsStoredAndTheChainVerifies()
    {
        var release = new ReleaseScenario(host, "redacted", "high");
        host.Registry.TagVersion(release.Key.Model, Candidate, "customer_contact", $"escalations go to {CustomerEmail}");
        host.Registry.TagVersion(release.Key.Model, Candidate, "model_card.limitations", $"not validated on disputed payments such as card {Card}");
        await release.StartAsync(evidenceRefs: ["mlflow-run:abc123", $"complaint file for acct {Account}"]);

        var shown = await release.ApprovalAsync();
        await release.AddEvidenceAsync($"the customer's statement for IBAN {Iban} is attached");
        await release.ApprovalAsync(p => p.EvidenceDigest != shown.EvidenceDigest);
        await release.VoteAsync(Validator, rationale: $"called the customer {RationaleEmail} (SSN {Ssn}); reason codes hold");
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        await release.VoteAsync(RiskOfficer, rationale: $"agree with {Validator}");
        var outcome = await release.OutcomeAsync();
        Assert.Equal(ReleaseStage.Promoted, outcome.Stage);

        var records = await release.EvidenceAsync(); // verifies the chain: intact, this release's, this run's
        var monitor = await Poll.UntilAsync(
            () => host.Evidence.ReadChainAsync(MonitorIds.For(release.Key.Model, "prod"), release.RunId, CancellationToken.None),
            chain => chain.Count > 0,
            Deadline,
            "the monitor's first record");
        var releaseChain = await host.Evidence.ReadChainAsync(release.Id, release.RunId, CancellationToken.None);
        var stored = releaseChain.Concat(monitor).Select(s => Encoding.UTF8.GetString(s.Content.Span)).ToList();

        // Nothing planted survives, in any form the canonical writer could give it.
        string[] planted = [CustomerEmail, RationaleEmail, Ssn, Card, Card.Replace(" ", string.Empty, StringComparison.Ordinal), Iban, Iban.Replace(" ", string.Empty, StringComparison.Ordinal), Account];
        Assert.All(stored, json => Assert.All(planted, value => Assert.DoesNotContain(value, json, StringComparison.Ordinal)));

        // Whatever any rule still finds in the stored bytes is someone who acted, kept on purpose.
        var everyRule = new EvidenceRedactor(RedactionSettings.Default);
        Assert.Contains(stored, json => everyRule.FindMatches(json).Count > 0); // the UPNs of the people who acted are there to be found
        Assert.All(stored, json =>
        {
            var kept = KeptValues(EvidenceChain.Parse(Encoding.UTF8.GetBytes(json)));
            Assert.All(everyRule.FindMatches(json), match =>
            {
                var text = json.Substring(match.Start, match.Length);
                Assert.True(kept.Any(value => value.Contains(text, StringComparison.Ordinal)), $"{match.Rule} match '{text}' is not an identity value");
            });
        });

        // Each record says where and by which rule.
        var policy = records.Single(r => r.Step == "policy");
        Assert.Equal([new Redaction("data.evidenceRefs[1]", RedactionRuleNames.AccountNumber)], policy.Redactions);
        Assert.Equal("complaint file for acct [redacted:account-number]", policy.Data.GetProperty("evidenceRefs")[1].GetString());

        var artefacts = records.Single(r => r.Step == "gate" && r.Data.GetProperty("report").GetProperty("gate").GetString() == "artefacts");
        Assert.Equal(
            [
                new Redaction("data.tags.customer_contact", RedactionRuleNames.PayloadAllowList),
                new Redaction("data.tags.model_card.limitations", RedactionRuleNames.CardNumber),
            ],
            artefacts.Redactions.OrderBy(r => r.Field, StringComparer.Ordinal));
        var tags = artefacts.Data.GetProperty("tags");
        Assert.False(tags.TryGetProperty("customer_contact", out _));
        Assert.Equal("consumer credit decisions", tags.GetProperty("model_card.intended_use").GetString());
        Assert.Equal("not validated on disputed payments such as card [redacted:card-number]", tags.GetProperty("model_card.limitations").GetString());
        Assert.Equal("pass", artefacts.Decision);

        var addition = records.Single(r => r.Step == "evidence");
        Assert.Equal([new Redaction("summary", RedactionRuleNames.Iban), new Redaction("data.note", RedactionRuleNames.Iban)], addition.Redactions);
        Assert.Equal(Validator, addition.Actor);

        var vote = records.Single(r => r.Step == "vote" && r.Actor == Validator && r.Decision == "counted");
        Assert.Equal([new Redaction("data.vote.rationale", RedactionRuleNames.Email), new Redaction("data.vote.rationale", RedactionRuleNames.NationalId)], vote.Redactions);
        Assert.Equal("called the customer [redacted:email] (SSN [redacted:national-id]); reason codes hold", vote.Data.GetProperty("vote").GetProperty("rationale").GetString());
        Assert.Equal(Validator, vote.Data.GetProperty("vote").GetProperty("upn").GetString());

        // Identity is per record: the risk officer's own vote does not name the validator as someone who acted, so the
        // address in its rationale goes; the approval names both seats, so there it stays and the summary says who decided.
        var riskVote = records.Single(r => r.Step == "vote" && r.Actor == RiskOfficer);
        Assert.Equal("agree with [redacted:email]", riskVote.Data.GetProperty("vote").GetProperty("rationale").GetString());
        var approval = records.Single(r => r.Step == "approval");
        Assert.Equal($"approved: model-validation: {Validator}; risk: {RiskOfficer}", approval.Summary);
        Assert.Equal($"agree with {Validator}", approval.Data.GetProperty("seats")[1].GetProperty("vote").GetProperty("rationale").GetString());
        Assert.Equal(
            [new Redaction("data.seats[0].vote.rationale", RedactionRuleNames.Email), new Redaction("data.seats[0].vote.rationale", RedactionRuleNames.NationalId)],
            approval.Redactions);

        Assert.All(records.Where(r => r.Step is "judge" or "watch" or "canary" or "promote" or "outcome"), r => Assert.Empty(r.Redactions));
    }

    /// <summary>The values a record may keep: its actor and every string under an identity or reference field of the default settings.</summary>
    private static List<string> KeptValues(EvidenceRecord record)
    {
        var fields = new HashSet<string>(RedactionSettings.Default.IdentityFields.Concat(RedactionSettings.Default.ReferenceFields), StringComparer.OrdinalIgnoreCase);
        var values = new List<string> { record.Actor };
        void Walk(JsonElement element, bool kept)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, kept || fields.Contains(property.Name));
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, kept);
                    }

                    break;
                case JsonValueKind.String when kept:
                    values.Add(element.GetString()!);
                    break;
            }
        }

        Walk(record.Data, kept: false);
        return values;
    }
}
