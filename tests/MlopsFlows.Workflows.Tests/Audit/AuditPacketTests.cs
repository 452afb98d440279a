using System.Security.Cryptography;
using MlopsFlows.Domain.Approvals;
using MlopsFlows.Domain.Audit;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Audit;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Tests.Fakes;
using MlopsFlows.Workflows.Tests.Support;
using static MlopsFlows.Workflows.Tests.Support.ReleaseScenario;

namespace MlopsFlows.Workflows.Tests.Audit;

/// <summary>
/// A packet for each way a release ends (promoted, rolled back, rejected, expired, cancelled), built from the evidence
/// the workflow wrote on the in-memory host: every checklist item present and right, the manifest valid against the
/// published schema, and the packet verifying offline against the trusted key.
/// </summary>
public sealed class AuditPacketTests(ReleaseHost host) : IClassFixture<ReleaseHost>, IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => key.Dispose();

    [Fact]
    public async Task Packet_PromotedHighTierRelease_HoldsEveryChecklistItem()
    {
        var release = new ReleaseScenario(host, "packet-promoted", "high");
        await release.StartAsync();
        await release.VoteAsync(Validator, rationale: "validation report reviewed");
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        await release.VoteAsync(RiskOfficer, rationale: "within appetite");
        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);
        var ledger = (await host.Ledger.FindRunAsync(release.Id, release.RunId, CancellationToken.None))!;

        // 1. Inventory: model, intended use and limitations from the model card, tier, the policy applied.
        var set = TestPolicies.Set();
        Assert.Equal((release.Id, release.RunId, release.Key.Model, Candidate, "prod", "Promoted"),
            (manifest.Release.ReleaseId, manifest.Release.RunId, manifest.Release.Model, manifest.Release.Version, manifest.Release.Environment, manifest.Release.Outcome));
        Assert.Equal(Requester, manifest.Release.RequestedBy);
        Assert.Equal(release.Key.Model, manifest.Inventory.ModelId);
        Assert.Equal("consumer credit decisions", manifest.Inventory.IntendedUse);
        Assert.Equal("not for small-business lending", manifest.Inventory.Limitations);
        Assert.Equal("high", manifest.Inventory.RiskTier);
        Assert.Equal(new PolicyReference(set.Id, set.Version, set.ContentHash), manifest.Inventory.Policy);

        // 2. Lineage: the catalog version, training run, git, data sources, features, hyperparameters, environment.
        Assert.True(manifest.Lineage.Recorded);
        Assert.Equal((release.Key.Model, Candidate), (manifest.Lineage.CatalogName, manifest.Lineage.Version));
        Assert.False(string.IsNullOrEmpty(manifest.Lineage.TrainingRunId));
        Assert.False(string.IsNullOrEmpty(manifest.Lineage.GitCommit));
        Assert.NotEmpty(manifest.Lineage.DataSources);
        Assert.NotEmpty(manifest.Lineage.Features);
        Assert.Equal(Developer, manifest.Lineage.Developer);

        // 3. Validation: every gate with its findings (values, thresholds), the champion, an independent validator.
        Assert.Equal(["metrics", "performance", "artefacts", "data_quality", "fairness"], manifest.Validation.Gates.Select(g => g.Gate));
        Assert.All(manifest.Validation.Gates, g => Assert.Equal("pass", g.Verdict));
        var auc = manifest.Validation.Gates[0].Findings.Single(f => f.Subject == "auc");
        Assert.Equal((0.82, 0.70), (auc.Value, auc.Threshold));
        Assert.Equal(Champion, manifest.Validation.Champion!.Version);
        var validator = Assert.Single(manifest.Validation.Validators);
        Assert.Equal((Validator, TestPolicies.ValidationRole, true), (validator.Upn, validator.Role, validator.IndependentOfDeveloper));

        // 4. Fairness: per group with intervals and sizes; the reason-code mapping.
        Assert.True(manifest.Fairness.Required);
        Assert.Equal("pass", manifest.Fairness.Verdict);
        Assert.Contains(manifest.Fairness.Findings, f => f.Interval is not null && f.SampleSize > 0);
        Assert.Contains("reason", manifest.Fairness.ReasonCodeMapping, StringComparison.OrdinalIgnoreCase);

        // 5. Approvals: required versus actual, identity proven, segregation of duties, rationale.
        Assert.Equal([new RequiredApproval(TestPolicies.ValidationRole, 1), new RequiredApproval(TestPolicies.RiskRole, 1)], manifest.Approvals.RequiredApprovers);
        Assert.Equal("approved", manifest.Approvals.Outcome);
        Assert.Equal([Validator, RiskOfficer], manifest.Approvals.Approvers.Select(a => a.Upn).Order(StringComparer.Ordinal).Reverse());
        Assert.All(manifest.Approvals.Approvers, a =>
        {
            Assert.True(a.TokenVerified);
            Assert.Equal("http", a.Channel);
            Assert.NotNull(a.At);
            Assert.StartsWith("passed", a.SegregationOfDuties, StringComparison.Ordinal);
        });
        Assert.Equal("within appetite", manifest.Approvals.Approvers.Single(a => a.Upn == RiskOfficer).Rationale);
        Assert.Equal(2, manifest.Approvals.Votes.Count(v => v.Admission == "counted"));

        // 6. Deployment: each step's traffic, watches and verdicts; who decided; the change log against the champion.
        Assert.Equal("Canary", manifest.Deployment.Mode);
        Assert.Equal([5, 25, 50], manifest.Deployment.Steps.Select(s => s.CandidatePercent ?? -1));
        Assert.All(manifest.Deployment.Steps, s =>
        {
            Assert.Equal("pass", s.Judge!.Verdict);
            Assert.NotEmpty(s.Judge.Metrics);
            Assert.NotEmpty(s.Watches);
        });
        Assert.Equal(250, manifest.Deployment.Slo!.MaxP95LatencyMs);
        Assert.Equal("promoted", manifest.Deployment.Decision.Outcome);
        Assert.StartsWith("system: every judged step passed (3 of 3)", manifest.Deployment.Decision.DecidedBy, StringComparison.Ordinal);
        Assert.Equal(Champion, manifest.Deployment.Decision.RollbackTarget);
        Assert.Equal([new RouteEntry(Candidate, 100)], manifest.Deployment.Decision.TrafficAfter);
        Assert.Equal(Champion, manifest.Deployment.ChangeLog!.ChampionVersion);
        Assert.Contains(manifest.Deployment.ChangeLog.Metrics, m => m.Name == "auc" && m.Champion == 0.81 && m.Candidate == 0.82);

        // 7. Monitoring plan, retention (stamped on the blobs too), and the chain with its head.
        Assert.NotNull(manifest.Monitoring.Plan);
        var promotedAt = manifest.Evidence.Records.Single(r => r.Step == "promote").RecordedAt;
        Assert.Equal(promotedAt + TimeSpan.FromDays(365), manifest.Monitoring.RevalidationDue);
        Assert.Equal("tier high: every 365 days from promotion", manifest.Monitoring.RevalidationBasis);
        Assert.False(string.IsNullOrEmpty(manifest.Monitoring.MonitorInstance));
        Assert.Equal(("high", 365 * 7), (manifest.Monitoring.Retention.Tier, manifest.Monitoring.Retention.Days));
        Assert.Equal(ledger.EndedAt + TimeSpan.FromDays(365 * 7), manifest.Monitoring.Retention.Until);
        Assert.Contains(host.Immutability.Requests, r => r.ReleaseId == release.Id && r.Tier == "high" && r.Until == manifest.Monitoring.Retention.Until);
        Assert.Equal((ledger.EvidenceCount, ledger.EvidenceHead), (manifest.Evidence.Count, manifest.Evidence.Head));
        Assert.Equal(manifest.Evidence.Records.Select(r => r.Sha256).SkipLast(1), manifest.Evidence.Records.Skip(1).Select(r => r.PreviousHash!));

        AssertVerifies(packet);
    }

    [Fact]
    public async Task Packet_RolledBackRelease_NamesTheFailingStepAndTheSystemAsDecider()
    {
        var release = new ReleaseScenario(host, "packet-rolled-back", "medium");
        host.Canary.Answer(release.Endpoint, n => n == 1 ? FakeCanaryTelemetry.Alike(n) : FakeCanaryTelemetry.Slower());
        await release.StartAsync();
        await release.VoteAsync(Validator);
        Assert.Equal(ReleaseStage.RolledBack, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);

        Assert.Equal("RolledBack", manifest.Release.Outcome);
        Assert.Equal(["pass", "fail"], manifest.Deployment.Steps.Select(s => s.Judge!.Verdict));
        Assert.Contains(manifest.Deployment.Steps[1].Judge!.Metrics, m => m.Metric == "latency" && m.Outcome == "Fail");
        Assert.Equal("rolled back", manifest.Deployment.Decision.Outcome);
        Assert.StartsWith("system: ", manifest.Deployment.Decision.DecidedBy, StringComparison.Ordinal);
        Assert.Equal([new RouteEntry(Champion, 100)], manifest.Deployment.Decision.TrafficAfter);
        Assert.Equal("approved", manifest.Approvals.Outcome);
        Assert.Null(manifest.Monitoring.RevalidationDue);
        AssertVerifies(packet);
    }

    [Fact]
    public async Task Packet_RejectedRelease_ShowsTheRejectionItsRationaleAndNoDeployment()
    {
        var release = new ReleaseScenario(host, "packet-rejected", "high");
        await release.StartAsync();
        await release.VoteAsync(Validator);
        await release.ApprovalAsync(p => p.Approvers.Count == 1);
        await release.VoteAsync(RiskOfficer, approve: false, rationale: "reason codes do not cover declines");
        Assert.Equal(ReleaseStage.Rejected, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);

        Assert.Equal("Rejected", manifest.Release.Outcome);
        Assert.Equal("rejected", manifest.Approvals.Outcome);
        var rejection = Assert.Single(manifest.Approvals.Votes, v => v.Admission == "rejected");
        Assert.Equal((RiskOfficer, false, "reason codes do not cover declines", true), (rejection.Upn, rejection.Approve, rejection.Rationale, rejection.TokenVerified));
        Assert.Empty(manifest.Approvals.Approvers);
        Assert.Empty(manifest.Deployment.Steps);
        Assert.Equal(("not deployed", RiskOfficer), (manifest.Deployment.Decision.Outcome, manifest.Deployment.Decision.DecidedBy));
        AssertVerifies(packet);
    }

    [Fact]
    public async Task Packet_ExpiredRelease_ShowsTheEscalationAndTheClockAsDecider()
    {
        var medium = TestPolicies.Medium with
        {
            Approval = TestPolicies.Medium.Approval with
            {
                EscalateAfter = TimeSpan.FromSeconds(1),
                EscalationRole = TestPolicies.RiskLeadsRole,
                Timeout = TimeSpan.FromSeconds(2),
            },
        };
        var release = new ReleaseScenario(host, "packet-expired", "medium");
        await release.StartAsync(TestPolicies.Set(medium: medium));
        Assert.Equal(ReleaseStage.Expired, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);

        Assert.Equal("Expired", manifest.Release.Outcome);
        Assert.Equal("expired", manifest.Approvals.Outcome);
        var escalation = Assert.Single(manifest.Approvals.Escalations);
        Assert.Equal([TestPolicies.RiskLeadsRole], escalation.Roles);
        Assert.Equal([RiskLead], escalation.Recipients);
        Assert.Empty(manifest.Approvals.Votes);
        Assert.Equal(("not deployed", "system: the approval deadline passed"), (manifest.Deployment.Decision.Outcome, manifest.Deployment.Decision.DecidedBy));
        AssertVerifies(packet);
    }

    [Fact]
    public async Task Packet_CancelledRelease_NamesWhoStoppedItAndWhy()
    {
        var release = new ReleaseScenario(host, "packet-cancelled", "low");
        await release.StartAsync(TestPolicies.Set(low: TestPolicies.Low with
        {
            Deployment = TestPolicies.Fast(Domain.Policies.DeploymentMode.Canary, [10, 50]) with { BakeTime = TimeSpan.FromSeconds(3) },
        }));
        await release.WaitForAsync(p => p.Stage == ReleaseStage.Watching, "watching the first step");
        await release.CommandAsync(OversightCommandKind.Stop, rationale: "incident on the feature store");
        Assert.Equal(ReleaseStage.Cancelled, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);

        Assert.Equal("Cancelled", manifest.Release.Outcome);
        Assert.Equal("pre-approved by policy", manifest.Approvals.Outcome);
        Assert.False(manifest.Approvals.Required);
        Assert.Equal(("rolled back", ReleaseManager), (manifest.Deployment.Decision.Outcome, manifest.Deployment.Decision.DecidedBy));
        var stop = Assert.Single(manifest.Approvals.Overrides, o => o.Kind == "oversight");
        Assert.Equal((ReleaseManager, "incident on the feature store", "stop"), (stop.By, stop.Rationale, stop.Decision));
        Assert.Equal([new RouteEntry(Champion, 100)], manifest.Deployment.Decision.TrafficAfter);
        AssertVerifies(packet);
    }

    [Fact]
    public async Task Packet_RedactedRelease_ListsEachRedactionAndCarriesNoneOfThePersonalData()
    {
        const string customer = "jane.customer@gmail.com";
        const string ssn = "219-09-9999";
        var release = new ReleaseScenario(host, "packet-redacted", "medium");
        host.Registry.TagVersion(release.Key.Model, Candidate, "customer_contact", customer);
        await release.StartAsync();
        await release.VoteAsync(Validator, rationale: $"checked with {customer}, SSN {ssn}");
        Assert.Equal(ReleaseStage.Promoted, (await release.OutcomeAsync()).Stage);

        var (packet, manifest) = await IssueAsync(release);

        var vote = manifest.Approvals.Votes.Single(v => v.Upn == Validator);
        Assert.Contains(new RedactionEntry(vote.Sequence, "data.vote.rationale", "email"), manifest.Redactions);
        Assert.Contains(new RedactionEntry(vote.Sequence, "data.vote.rationale", "national-id"), manifest.Redactions);
        Assert.Contains(manifest.Redactions, r => r.Field.EndsWith("customer_contact", StringComparison.Ordinal) && r.Rule == "payload-allow-list");
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(packet));
        foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith(".pdf", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            var text = await reader.ReadToEndAsync();
            Assert.DoesNotContain(customer, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ssn, text, StringComparison.Ordinal);
        }

        AssertVerifies(packet);
    }

    [Fact]
    public async Task Issue_UnknownReleaseOrRun_IsNotFound()
    {
        var packets = Packets();

        await Assert.ThrowsAsync<PacketNotFoundException>(() => packets.IssueAsync("release:main.credit.nothing:1:prod", null, CancellationToken.None));
        var release = new ReleaseScenario(host, "packet-run", "low");
        await release.StartAsync();
        await release.OutcomeAsync();
        var missing = await Assert.ThrowsAsync<PacketNotFoundException>(() => packets.IssueAsync(release.Id, "no-such-run", CancellationToken.None));
        Assert.Contains(release.RunId, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_WithoutASigningKey_IsRefusedNotIssuedUnsigned()
    {
        var packets = new AuditPackets(host.Ledger, host.Evidence, new NoPdfRenderer(), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<PacketSigningUnavailableException>(() => packets.IssueAsync("release:main.credit.any:1:prod", null, CancellationToken.None));

        Assert.Contains("MlopsFlows:Packets:Signing", refused.Message, StringComparison.Ordinal);
    }

    private AuditPackets Packets() => new(host.Ledger, host.Evidence, new NoPdfRenderer(), TimeProvider.System, new KeySigner(key));

    private async Task<(byte[] Packet, AuditManifest Manifest)> IssueAsync(ReleaseScenario release)
    {
        var issued = await Packets().IssueAsync(release.Id, null, CancellationToken.None);
        Assert.Equal(AuditPacket.FileName(release.Id, release.RunId), issued.FileName);
        Assert.False(issued.HasPdf);
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(issued.Zip));
        using var manifest = new MemoryStream();
        using (var stream = archive.GetEntry(AuditPacket.ManifestEntry)!.Open())
        {
            stream.CopyTo(manifest);
        }

        Assert.Empty(PacketVerifier.SchemaErrors(manifest.ToArray()));
        Assert.NotNull(archive.GetEntry(AuditPacket.HtmlEntry));
        return (issued.Zip, issued.Manifest);
    }

    private void AssertVerifies(byte[] packet)
    {
        var check = PacketVerifier.Verify(packet, PacketKeys.PublicPem(key));
        Assert.True(check.Valid, string.Join("; ", check.Problems));
        Assert.True(check.KeyTrusted);
    }

    private sealed class KeySigner(ECDsa key) : IPacketSigner
    {
        public string KeyId => "test-key";

        public Task<PacketSignature> SignAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken) =>
            Task.FromResult(PacketKeys.Sign(key, KeyId, manifest.Span));
    }

    /// <summary>A host without a PDF renderer: packets carry the HTML and no PDF (the renderer has its own tests).</summary>
    private sealed class NoPdfRenderer : IPacketPdfRenderer
    {
        public Task<byte[]?> RenderAsync(string html, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);
    }
}
