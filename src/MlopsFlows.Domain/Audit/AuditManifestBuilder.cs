using System.Globalization;
using System.Text.Json;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Domain.Audit;

/// <summary>What the ledger says about a run of a release; the packet prefers it to what the chain alone implies.</summary>
public sealed record LedgerFacts(
    string Model,
    int Version,
    string Environment,
    string? RequestedBy,
    DateTimeOffset? RequestedAt,
    string Status,
    string? Reason,
    DateTimeOffset? EndedAt);

/// <summary>Everything a packet is built from: the run's chain as stored, the ledger's row, and when and by what.</summary>
public sealed record PacketSource(
    string ReleaseId,
    string RunId,
    IReadOnlyList<StoredEvidence> Chain,
    LedgerFacts? Ledger,
    DateTimeOffset GeneratedAt,
    PacketGenerator Generator);

/// <summary>
/// Builds the audit manifest from a release's evidence chain. Pure and deterministic: the same chain gives the same
/// manifest, so <c>verify</c> can rebuild it from the packet's records and prove that the signed sections follow from
/// the signed evidence. It reads records by their step and decision; a record it does not know is still listed in the
/// chain section.
/// </summary>
public static class AuditManifestBuilder
{
    private const string ModelCardPrefix = "model_card.";

    public static AuditManifest Build(PacketSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var records = source.Chain.Select(Read).ToArray();
        var policyRecord = records.FirstOrDefault(r => r.Step == "policy");
        var rules = policyRecord?.Data.At("rules");
        var lineageRecord = records.LastOrDefault(r => r.Step == "lineage");
        var release = ReleaseOf(source, records, policyRecord);
        var developer = lineageRecord?.Data.Text("createdBy");

        return new AuditManifest
        {
            Generator = source.Generator,
            GeneratedAt = source.GeneratedAt,
            Release = release,
            Inventory = InventoryOf(release, records, policyRecord, lineageRecord),
            Lineage = LineageOf(release, lineageRecord),
            Validation = ValidationOf(records, lineageRecord, developer),
            Fairness = FairnessOf(records, rules),
            Approvals = ApprovalsOf(records, rules, release, developer),
            Deployment = DeploymentOf(records, rules, release, lineageRecord),
            Monitoring = MonitoringOf(records, rules, policyRecord, release),
            Redactions = [.. records.SelectMany(r => r.Redactions)],
            Evidence = new EvidenceSection(
                records.Length,
                records.LastOrDefault()?.Hash,
                [.. records.Select(r => new EvidenceEntryLine(r.Sequence, r.Step, r.Decision, r.Actor, r.RecordedAt, r.Hash, r.PreviousHash, r.Summary))]),
        };
    }

    private sealed record Rec(
        int Sequence,
        string Hash,
        string Step,
        string Decision,
        string Actor,
        DateTimeOffset RecordedAt,
        string Summary,
        PolicyReference Policy,
        JsonElement Data,
        string? PreviousHash,
        IReadOnlyList<RedactionEntry> Redactions);

    private static Rec Read(StoredEvidence stored)
    {
        using var document = JsonDocument.Parse(stored.Content);
        var root = document.RootElement;
        var sequence = root.Int("sequence") ?? stored.Sequence;
        return new Rec(
            sequence,
            stored.Hash,
            root.Text("step") ?? "unknown",
            root.Text("decision") ?? "unknown",
            root.Text("actor") ?? "unknown",
            root.Time("recordedAt") ?? DateTimeOffset.MinValue,
            root.Text("summary") ?? string.Empty,
            new PolicyReference(root.Text("policy", "id") ?? string.Empty, root.Text("policy", "version") ?? string.Empty, root.Text("policy", "contentHash") ?? string.Empty),
            root.At("data")?.Clone() ?? default,
            root.Text("previousHash"),
            [.. root.Items("redactions").Select(r => new RedactionEntry(sequence, r.Text("field") ?? "?", r.Text("rule") ?? "?"))]);
    }

    private static ReleaseSection ReleaseOf(PacketSource source, Rec[] records, Rec? policyRecord)
    {
        var outcome = records.LastOrDefault(r => r.Step == "outcome");
        if (source.Ledger is { } ledger)
        {
            var ended = ledger.Status != "InFlight";
            // A run closed without being claimed (its workflow started directly) has no requester in the ledger.
            var requestedBy = string.IsNullOrEmpty(ledger.RequestedBy) ? policyRecord?.Data.Text("requestedBy") : ledger.RequestedBy;
            return new ReleaseSection(
                source.ReleaseId, source.RunId, ledger.Model, ledger.Version, ledger.Environment, requestedBy, ledger.RequestedAt,
                ended ? ledger.Status : outcome?.Data.Text("stage") ?? ledger.Status,
                ledger.Reason ?? outcome?.Summary,
                ledger.EndedAt ?? outcome?.RecordedAt);
        }

        var key = ReleaseKey.TryParse(source.ReleaseId, out var parsed) ? parsed : null;
        return new ReleaseSection(
            source.ReleaseId, source.RunId, key?.Model ?? source.ReleaseId, key?.Version ?? 0, key?.Environment ?? "unknown",
            policyRecord?.Data.Text("requestedBy"), records.FirstOrDefault()?.RecordedAt,
            outcome?.Data.Text("stage") ?? "InFlight", outcome?.Summary, outcome?.RecordedAt);
    }

    private static InventorySection InventoryOf(ReleaseSection release, Rec[] records, Rec? policyRecord, Rec? lineageRecord)
    {
        var modelCard = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in lineageRecord?.Data.Map("tags") ?? new SortedDictionary<string, string>())
        {
            if (key.StartsWith(ModelCardPrefix, StringComparison.Ordinal))
            {
                modelCard[key[ModelCardPrefix.Length..]] = value;
            }
        }

        var data = policyRecord?.Data ?? default;
        var stamp = records.FirstOrDefault()?.Policy ?? new PolicyReference(string.Empty, string.Empty, string.Empty);
        return new InventorySection(
            release.Model,
            data.Text("owner") ?? modelCard.GetValueOrDefault("owner"),
            modelCard.GetValueOrDefault("intended_use"),
            modelCard.GetValueOrDefault("limitations"),
            modelCard,
            data.Text("tier"),
            data.Text("inventoryTier"),
            data.Text("requestedTier"),
            data.Text("reason"),
            stamp);
    }

    private static LineageSection LineageOf(ReleaseSection release, Rec? record)
    {
        if (record is null)
        {
            return new LineageSection(false, release.Model, release.Version, null, null, null, null, null, null, null, null, [], [], new Dictionary<string, string>(), new Dictionary<string, string>(), null);
        }

        var data = record.Data;
        return new LineageSection(
            true,
            data.Text("model") ?? release.Model,
            data.Int("version") ?? release.Version,
            data.Text("lineage", "source"),
            data.Text("lineage", "storageLocation"),
            data.Text("lineage", "artefactSha256"),
            data.Text("runId"),
            data.Text("lineage", "gitCommit"),
            data.Text("lineage", "gitRepository"),
            data.Text("lineage", "sourceName"),
            data.Text("createdBy"),
            [.. data.Items("lineage", "datasets").Select(d => new DataSource(
                d.Text("name") ?? "unnamed", d.Text("version"), d.Text("digest"), d.Text("sourceType"), d.Text("source"), d.Text("context")))],
            data.Strings("lineage", "features"),
            data.Map("params"),
            data.Map("lineage", "environment"),
            record.Sequence);
    }

    private static ValidationSection ValidationOf(Rec[] records, Rec? lineageRecord, string? developer)
    {
        var gates = new List<GateEntry>();
        foreach (var record in records.Where(r => r.Step is "gate" or "gates"))
        {
            if (record.Step == "gates")
            {
                // The gates could not run at all (a missing version or endpoint): one entry with the problem.
                var problem = record.Data.Text("problem") ?? record.Summary;
                gates.Add(new GateEntry("evaluation", record.Decision, record.Sequence, new Dictionary<string, string>(),
                    [new FindingEntry("evaluation", "gates", "Fail", null, null, null, null, null, new Dictionary<string, double?>(), problem)]));
                continue;
            }

            var report = record.Data.At("report") ?? default;
            gates.Add(new GateEntry(
                report.Text("gate") ?? "unknown",
                record.Decision,
                record.Sequence,
                report.Map("inputs"),
                [.. report.Items("findings").Select(Finding)]));
        }

        ChampionComparisonEntry? champion = null;
        if (lineageRecord is { } lineage)
        {
            champion = new ChampionComparisonEntry(
                lineage.Data.Int("champion", "version"),
                [.. lineage.Data.Items("changes", "metrics").Select(m => new MetricChange(m.Text("name") ?? "?", m.Number("champion"), m.Number("candidate"), m.Number("delta")))],
                lineage.Data.Text("championProblem"));
        }

        var validators = new List<ValidatorEntry>();
        foreach (var seat in Seats(records).Where(s => (s.Text("role") ?? string.Empty).Contains("valid", StringComparison.OrdinalIgnoreCase)))
        {
            var upn = seat.Text("vote", "upn") ?? "?";
            var independent = developer is not null && !SamePerson(upn, developer);
            validators.Add(new ValidatorEntry(
                upn,
                seat.Text("vote", "objectId"),
                seat.Text("role")!,
                seat.Time("vote", "at"),
                independent,
                developer is null
                    ? "the model's developer is not recorded: independence cannot be shown"
                    : independent ? $"not the developer ({developer}, Unity Catalog created_by)" : $"is the developer ({developer})"));
        }

        return new ValidationSection(gates, champion, validators);
    }

    private static FindingEntry Finding(JsonElement f)
    {
        var measures = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        foreach (var measure in f.Items("measures"))
        {
            measures[measure.Text("name") ?? "?"] = measure.Number("value");
        }

        IntervalEntry? interval = f.At("interval") is { } i
            ? new IntervalEntry(i.Number("lower"), i.Number("upper"), i.Number("level") ?? 0, i.Text("method") ?? string.Empty)
            : null;
        return new FindingEntry(
            f.Text("check") ?? "?",
            f.Text("subject") ?? "?",
            f.Text("outcome") ?? "?",
            f.Number("value"),
            f.Text("comparison"),
            f.Number("threshold"),
            f.Whole("sampleSize"),
            interval,
            measures,
            f.Text("reason") ?? string.Empty);
    }

    private static FairnessSection FairnessOf(Rec[] records, JsonElement? rules)
    {
        var required = rules?.At("gates", "fairness") is not null;
        var record = records.LastOrDefault(r => r.Step == "gate" && r.Data.Text("report", "gate") == "fairness");
        var mapping = records
            .Where(r => r.Step == "gate" && r.Data.Text("report", "gate") == "artefacts")
            .SelectMany(r => r.Data.Items("report", "findings"))
            .FirstOrDefault(f => f.Text("subject") == "reason_code_mapping" || f.Text("check") == "reason_code_mapping");
        return new FairnessSection(
            required,
            record?.Decision ?? (required ? "not evaluated" : "not required on this tier"),
            record?.Sequence,
            record is null ? [] : [.. record.Data.Items("report", "findings").Select(Finding)],
            mapping.ValueKind == JsonValueKind.Object ? mapping.Text("reason") : null);
    }

    private static IEnumerable<JsonElement> Seats(Rec[] records) =>
        records.LastOrDefault(r => r.Step == "approval" && r.Decision == "approved")?.Data.Items("seats") ?? [];

    private static ApprovalsSection ApprovalsOf(Rec[] records, JsonElement? rules, ReleaseSection release, string? developer)
    {
        var approvalRules = rules?.At("approval");
        var required = approvalRules is null || !(approvalRules.Value.At("required") is { ValueKind: JsonValueKind.False });
        var requirements = approvalRules?.Items("rules").Select(r => new RequiredApproval(r.Text("role") ?? "?", r.Int("count") ?? 1)).ToArray() ?? [];

        var approvers = Seats(records).Select(seat =>
        {
            var upn = seat.Text("vote", "upn") ?? "?";
            var objectId = seat.Text("vote", "objectId");
            return new ApproverEntry(
                seat.Text("role") ?? "?",
                upn,
                objectId,
                seat.Time("vote", "at"),
                seat.Text("vote", "channel"),
                seat.Flag("vote", "identityVerified"),
                seat.Flag("viaEscalation"),
                SegregationOfDuties(upn, objectId, release.RequestedBy, developer),
                seat.Text("vote", "rationale"));
        }).ToArray();

        var votes = records.Where(r => r.Step == "vote").Select(r => new VoteEntry(
            r.Sequence,
            r.Data.Text("vote", "upn") ?? r.Actor,
            r.Data.Text("vote", "objectId"),
            r.Data.Flag("vote", "approve"),
            r.Decision,
            r.Data.Text("reason") ?? r.Summary,
            r.Data.Text("vote", "channel"),
            r.Data.Flag("vote", "identityVerified"),
            r.Data.Text("vote", "rationale"),
            r.Data.Time("vote", "at") ?? r.RecordedAt)).ToArray();

        var escalations = records.Where(r => r.Step == "notification" && r.Decision == "escalation").Select(r => new EscalationEntry(
            r.Sequence,
            r.RecordedAt,
            r.Data.Strings("roles"),
            [.. r.Data.Items("recipients").Select(p => p.Text("upn") ?? p.Text("objectId") ?? "?")])).ToArray();

        var overrides = records.Where(IsIntervention).Select(r => new OverrideEntry(
            r.Sequence,
            r.RecordedAt,
            r.Step == "approval" ? "approval-override" : r.Step,
            r.Actor,
            r.Data.Text("command", "rationale") ?? r.Data.Text("overriddenBy", "rationale") ?? r.Data.Text("decision", "rationale") ?? r.Data.Text("rationale") ?? r.Data.Text("note"),
            r.Decision)).ToArray();

        var approval = records.LastOrDefault(r => r.Step == "approval");
        var outcome = approval switch
        {
            { } a when a.Data.Flag("preApproved") => "pre-approved by policy",
            { } a when a.Data.At("overriddenBy") is not null => "approved by override",
            { } a => a.Decision,
            null when votes.Any(v => v.Admission == "rejected") => "rejected",
            null when !required => "not required on this tier",
            _ => "not reached",
        };
        return new ApprovalsSection(required, outcome, requirements, approvers, votes, escalations, overrides);
    }

    private static bool IsIntervention(Rec r) =>
        r.Step is "oversight" or "hold" or "evidence"
        || (r.Step == "judge" && r.Decision == "overridden")
        || (r.Step == "approval" && r.Data.At("overriddenBy") is not null);

    private static string SegregationOfDuties(string upn, string? objectId, string? requester, string? developer)
    {
        var problems = new List<string>();
        if (requester is not null && (SamePerson(upn, requester) || (objectId is not null && SamePerson(objectId, requester))))
        {
            problems.Add("is the requester");
        }

        if (developer is not null && SamePerson(upn, developer))
        {
            problems.Add("is the developer");
        }

        return problems.Count > 0
            ? "violated: " + string.Join(", ", problems)
            : developer is null ? "passed: not the requester (developer not recorded)" : "passed: neither the requester nor the developer";
    }

    private static bool SamePerson(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static DeploymentSection DeploymentOf(Rec[] records, JsonElement? rules, ReleaseSection release, Rec? lineageRecord)
    {
        var steps = new List<DeploymentStep>();
        StepBuilder? current = null;
        foreach (var record in records)
        {
            if (record.Decision == "traffic-set")
            {
                if (current is not null)
                {
                    steps.Add(current.Build());
                }

                var routes = record.Data.Items("after").Select(r => new RouteEntry(r.Int("version") ?? 0, r.Int("percent") ?? 0)).ToArray();
                var colon = record.Summary.IndexOf(':', StringComparison.Ordinal);
                current = new StepBuilder(
                    record.Step == "canary" && colon > 0 ? record.Summary[..colon] : record.Step,
                    record.Sequence,
                    routes.Where(r => r.Version == release.Version).Select(r => (int?)r.Percent).FirstOrDefault(),
                    routes);
            }
            else if (current is not null && record.Step == "watch")
            {
                current.Watches.Add(new WatchEntry(
                    record.Sequence,
                    record.Decision,
                    record.Data.Number("metrics", "p95LatencyMs"),
                    record.Data.Number("errorRate"),
                    record.Data.Whole("metrics", "requestCount")));
            }
            else if (current is not null && record.Step == "judge")
            {
                var judgement = record.Data.At("judgement") ?? default;
                current.Judge = new JudgeEntry(
                    record.Sequence,
                    record.Decision,
                    [.. judgement.Items("metrics").Select(m => new JudgedMetric(
                        m.Text("metric") ?? "?", m.Text("outcome") ?? "?", m.Number("observed"), m.Number("threshold"), m.Number("pValue"), m.Number("effect"), m.Text("reason") ?? string.Empty))],
                    record.Data.Whole("observed", "baselineRequests"),
                    record.Data.Whole("observed", "candidateRequests"),
                    record.Data.Number("observed", "predictionPsi"));
            }
        }

        if (current is not null)
        {
            steps.Add(current.Build());
        }

        var slo = rules?.At("slo") is { } s ? new SloEntry(s.Number("maxP95LatencyMs"), s.Number("maxErrorRate")) : null;
        ChangeLogEntry? changeLog = lineageRecord is { } lineage && lineage.Data.At("changes") is { } changes
            ? new ChangeLogEntry(
                lineage.Data.Int("champion", "version"),
                [.. changes.Items("metrics").Select(m => new MetricChange(m.Text("name") ?? "?", m.Number("champion"), m.Number("candidate"), m.Number("delta")))],
                [.. changes.Items("params").Select(p => new ParamChange(p.Text("name") ?? "?", p.Text("champion"), p.Text("candidate")))],
                changes.Strings("featuresAdded"),
                changes.Strings("featuresRemoved"))
            : null;
        return new DeploymentSection(rules?.Text("deployment", "mode"), slo, steps, DecisionOf(records, steps), changeLog);
    }

    private sealed class StepBuilder(string label, int sequence, int? candidatePercent, IReadOnlyList<RouteEntry> routes)
    {
        public List<WatchEntry> Watches { get; } = [];

        public JudgeEntry? Judge { get; set; }

        public DeploymentStep Build() => new(label, sequence, candidatePercent, routes, Watches, Judge);
    }

    /// <summary>Who or what ended the release: the system on its judges and clocks, or the person whose decision it followed.</summary>
    private static DeploymentDecision DecisionOf(Rec[] records, List<DeploymentStep> steps)
    {
        var outcome = records.LastOrDefault(r => r.Step == "outcome");
        var promote = records.LastOrDefault(r => r.Step == "promote");
        var rollback = records.LastOrDefault(r => r.Step == "rollback");
        var people = records.Where(r => (r.Step == "hold" && r.Decision is "continue" or "roll-back")
                || (r.Step == "judge" && r.Decision == "overridden")
                || (r.Step == "oversight" && r.Decision is "stop" or "override"))
            .ToArray();
        var lastPerson = people.LastOrDefault();
        var trafficAfter = outcome?.Data.Items("traffic").Select(r => new RouteEntry(r.Int("version") ?? 0, r.Int("percent") ?? 0)).ToArray() ?? [];
        var rollbackTarget = outcome?.Data.Int("rollbackTarget") ?? promote?.Data.Int("rollbackTarget");

        if (promote is not null)
        {
            var by = lastPerson is null
                ? $"system: every judged step passed ({steps.Count(s => s.Judge?.Verdict == "pass")} of {steps.Count})"
                : $"system, after {string.Join(", ", people.Select(p => $"{p.Actor} ({p.Step} {p.Decision})").Distinct(StringComparer.Ordinal))}";
            return new DeploymentDecision("promoted", by, promote.RecordedAt, promote.Summary, rollbackTarget, trafficAfter);
        }

        if (rollback is not null)
        {
            var by = lastPerson is { } person && person.Decision is "roll-back" or "stop"
                ? person.Actor
                : "system: " + (rollback.Data.Text("reason") ?? rollback.Summary);
            return new DeploymentDecision("rolled back", by, rollback.RecordedAt, rollback.Data.Text("reason") ?? rollback.Summary, rollbackTarget, trafficAfter);
        }

        var stage = outcome?.Data.Text("stage");
        var decidedBy = stage switch
        {
            "Rejected" => records.LastOrDefault(r => r.Step == "vote" && r.Decision == "rejected")?.Actor ?? "an approver",
            "Cancelled" => records.LastOrDefault(r => r.Step == "oversight" && r.Decision == "stop")?.Actor ?? "an operator",
            "Expired" => "system: the approval deadline passed",
            "GateFailed" => "system: an evidence gate failed",
            null => "not decided yet",
            _ => "system",
        };
        return new DeploymentDecision(stage is null ? "in flight" : "not deployed", decidedBy, outcome?.RecordedAt, outcome?.Summary, rollbackTarget, trafficAfter);
    }

    private static MonitoringSection MonitoringOf(Rec[] records, JsonElement? rules, Rec? policyRecord, ReleaseSection release)
    {
        var monitor = records.LastOrDefault(r => r.Step == "monitor");
        var promote = records.LastOrDefault(r => r.Step == "promote");
        var tier = policyRecord?.Data.Text("tier");
        var retention = rules?.Duration("evidenceRetention");
        var end = release.EndedAt ?? records.LastOrDefault(r => r.Step == "outcome")?.RecordedAt;
        var revalidateAfter = rules?.Duration("revalidateAfter");

        DateTimeOffset? revalidationDue = null;
        string basis;
        if (promote is null)
        {
            basis = "not promoted: nothing to revalidate";
        }
        else if (revalidateAfter is { } every)
        {
            revalidationDue = promote.RecordedAt + every;
            basis = $"tier {tier}: every {every.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)} days from promotion";
        }
        else
        {
            basis = $"the policy sets no revalidation period for tier {tier}";
        }

        return new MonitoringSection(
            rules?.At("monitoring")?.Clone(),
            monitor?.Data.Text("monitor", "instanceId"),
            monitor?.Decision,
            revalidationDue,
            basis,
            new RetentionEntry(tier, retention is { } days ? (int)Math.Ceiling(days.TotalDays) : 0, retention is { } r && end is { } e ? e + r : null));
    }
}
