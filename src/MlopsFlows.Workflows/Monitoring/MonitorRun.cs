using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Slo;
using MlopsFlows.Workflows.Ports;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Workflows.Monitoring;

/// <summary>
/// The steps of one <see cref="MonitorOrchestrator"/> generation and the state it carries to the next.
/// Runs inside the orchestrator: deterministic, time only from the context, I/O only through activities.
/// </summary>
internal sealed class MonitorRun
{
    private static readonly TaskOptions Retried = MonitoringRetries.Transient;

    private readonly TaskOrchestrationContext context;
    private readonly MonitorInput input;
    private readonly string monitorId;
    private readonly EvidenceRedactor redactor;
    private MonitorState state;

    public MonitorRun(TaskOrchestrationContext context, MonitorInput input)
    {
        this.context = context;
        this.input = input;
        monitorId = MonitorIds.For(input.Model, input.Environment);
        redactor = new EvidenceRedactor(input.Redaction ?? RedactionSettings.Default);
        state = input.State ?? MonitorState.Start(context.CurrentUtcDateTime, input.Policy.Interval);
    }

    /// <summary>No record in this run's chain yet: a promotion (or a replacement) just started it.</summary>
    public bool IsNewRun => state.EvidenceCount == 0;

    /// <summary>Refuses an input the monitor could never run with, before anything is read or written.</summary>
    public static void Validate(MonitorInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!EvidenceRecord.IsValidRunId(input.RunId))
        {
            throw new ArgumentException($"Monitor of {input.Model} in {input.Environment} has no valid run id ('{input.RunId}').", nameof(input));
        }

        if (input.Policy.Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The monitoring interval must be positive, not {input.Policy.Interval}.", nameof(input));
        }

        // Both throw on a policy they cannot apply (SLO target outside (0, 1), unknown auto action).
        _ = new SloObjective(input.Policy.SloTarget, input.Policy.SloWindow);
        _ = RemediationActions.FromPolicy(input.Policy.IncidentAutoAction);
        MonitorIds.RequireKey(input.Model, input.Environment);
    }

    /// <summary>The first record of a run: what is watched, how often and by which rules.</summary>
    public async Task RecordStartAsync()
    {
        await RecordAsync(
            MonitorSteps.Started,
            "watching",
            Invariant($"watching v{input.Version} of {input.Model} in {input.Environment} every {input.Policy.Interval} (promoted by {input.ReleaseId})"),
            new
            {
                input.Model,
                input.Environment,
                input.Version,
                input.PreviousVersion,
                input.ServingEndpoint,
                input.ReleaseId,
                policy = input.Policy,
                input.MaxP95LatencyMs,
                burnRules = SloSeries.RulesFor(input.Policy.SloWindow).Select(r => new { r.Name, r.Severity, r.LongWindow, r.ShortWindow, threshold = r.BurnRateThreshold(new SloObjective(input.Policy.SloTarget, input.Policy.SloWindow)) }),
                firstCheckAt = state.NextCheckAt,
                carriedIncidents = state.OpenIncidents,
            });
        var logger = context.CreateReplaySafeLogger<MonitorOrchestrator>();
        Log.MonitorStarted(logger, monitorId, input.Version, input.Policy.Interval, input.RunId);
    }

    /// <summary>Waits for the next check to fall due; false when a signal came first (the timer is then cancelled).</summary>
    public async Task<bool> WaitForNextCheckAsync(MonitorSignals signals)
    {
        SetStatus();
        using var timerCancellation = new CancellationTokenSource();
        var due = context.CreateTimer(state.NextCheckAt.UtcDateTime, timerCancellation.Token);
        if (await Task.WhenAny([due, .. signals.All]) == due)
        {
            return true;
        }

        timerCancellation.Cancel();
        return false;
    }

    /// <summary>
    /// One check: the window's telemetry, features and KPI (read side by side), the SLO burn over the carried series,
    /// the breaches they add up to, an incident for each breach of a kind not already open, and one evidence record.
    /// A source that cannot be read leaves its part unjudged and the check degraded; it never stops the monitor.
    /// </summary>
    public async Task CheckAsync()
    {
        var at = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var scheduled = state.NextCheckAt;
        // Windows run from the last check to this one, so late checks neither skip nor double-count a stretch of time.
        var windowStart = state.LastCheckAt is { } last && last < at ? last : at - input.Policy.Interval;
        var problems = new List<string>();
        SetStatus(message: "checking");

        var observation = await TryAsync<WindowObservation>(
            nameof(ObserveWindow),
            new WindowQuery(
                new ServingWindowQuery(input.ServingEndpoint, input.Version, at - windowStart),
                new FeatureWindowQuery(input.Model, input.Environment, windowStart, at, FeatureCheckRules.From(input.Policy)),
                input.Policy.MinKpi is null ? null : new KpiQuery(input.Model, input.Environment, windowStart, at)),
            problems);
        problems.AddRange(observation?.Problems ?? []);
        var (serving, features, kpi) = (observation?.Serving, observation?.Features, observation?.Kpi);

        var series = serving is null
            ? state.SloSeries
            : SloSeries.Append(state.SloSeries, new SloEvent(at, Math.Max(0, serving.RequestCount - serving.ErrorCount), serving.RequestCount), input.Policy.SloWindow);
        var burn = SloSeries.Evaluate(series, at, input.Policy.SloTarget, input.Policy.SloWindow);
        var breaches = BreachClassifier.Classify(new CheckFindings(
            windowStart, at, serving, input.MaxP95LatencyMs, serving is null ? null : burn, features, kpi, input.Policy.MinKpi));

        var open = await StillOpenAsync(problems);
        var opened = new List<OpenIncident>();
        foreach (var breach in breaches.Where(b => open.All(o => o.Kind != b.Kind)))
        {
            if (await OpenIncidentAsync(breach, at, problems) is { } incident)
            {
                opened.Add(incident);
            }
        }

        var health = breaches.Count > 0 ? MonitorHealth.Breached
            : problems.Count > 0 ? MonitorHealth.Degraded
            : (serving?.RequestCount ?? 0) == 0 && (features?.Rows ?? 0) == 0 ? MonitorHealth.NoData
            : MonitorHealth.Healthy;
        var check = state.Checks + 1;
        var lateness = at - scheduled;
        var summary = Summarise(check, health, serving, burn, features, kpi, breaches, opened);
        await RecordAsync(
            MonitorSteps.Check,
            DecisionOf(health),
            summary,
            new
            {
                check,
                input.Version,
                scheduledAt = scheduled,
                startedAt = at,
                lateness,
                window = new { from = windowStart, to = at },
                serving,
                errorRate = serving?.ErrorRate,
                burn = serving is null ? null : burn,
                features,
                kpi,
                minKpi = input.Policy.MinKpi,
                breaches,
                incidentsOpened = opened,
                openIncidents = open.Concat(opened),
                problems,
            });

        state = state with
        {
            Checks = check,
            LastCheckAt = at,
            LastLateness = lateness,
            Health = health,
            NextCheckAt = NextDue(scheduled, at),
            LastResult = summary,
            SloSeries = series,
            OpenIncidents = [.. open, .. opened],
        };
        SetStatus();
        var logger = context.CreateReplaySafeLogger<MonitorOrchestrator>();
        Log.CheckCompleted(logger, monitorId, check, health, breaches.Count, lateness);
    }

    /// <summary>
    /// Acts on the signals this generation received, then starts the next generation, or ends the monitor on a stop.
    /// A replacement wins over a stop that arrived with it: a promotion says what serves production now.
    /// </summary>
    public async Task<MonitorOutcome?> EndGenerationAsync(MonitorSignals signals)
    {
        var next = input;
        if (signals.VersionChanged.IsCompleted)
        {
            var change = await signals.VersionChanged;
            if (change.FromVersion == input.Version && change.Version != input.Version)
            {
                await RecordAsync(
                    MonitorSteps.VersionChanged,
                    "version-changed",
                    $"now watching v{change.Version} instead of v{change.FromVersion}: {change.Reason}",
                    change,
                    actor: change.ChangedBy);
                next = next with { Version = change.Version, PreviousVersion = change.PreviousVersion };
            }
        }

        if (signals.Replace.IsCompleted)
        {
            var replacement = await signals.Replace;
            if (replacement.RunId != input.RunId && IsUsable(replacement))
            {
                await RecordAsync(
                    MonitorSteps.Replaced,
                    "replaced",
                    $"replaced by run {replacement.RunId}: v{replacement.Version} promoted by {replacement.ReleaseId}",
                    new { replacement.RunId, replacement.Version, replacement.ReleaseId, carriedIncidents = state.OpenIncidents });
                var logger = context.CreateReplaySafeLogger<MonitorOrchestrator>();
                Log.MonitorReplaced(logger, monitorId, replacement.RunId, replacement.Version);
                context.ContinueAsNew(replacement with { State = MonitorState.Start(context.CurrentUtcDateTime, replacement.Policy.Interval, state.OpenIncidents) });
                return null;
            }
        }

        if (signals.Stop.IsCompleted)
        {
            var stop = await signals.Stop;
            await RecordAsync(MonitorSteps.Stopped, "stopped", $"stopped by {stop.RequestedBy}: {stop.Reason}", stop, actor: stop.RequestedBy);
            state = state with { Health = MonitorHealth.Stopped };
            SetStatus(message: $"stopped by {stop.RequestedBy}: {stop.Reason}");
            var logger = context.CreateReplaySafeLogger<MonitorOrchestrator>();
            Log.MonitorStopped(logger, monitorId, stop.RequestedBy, stop.Reason);
            return new MonitorOutcome(stop.RequestedBy, stop.Reason, state.Checks, state.EvidenceCount, state.EvidenceHead);
        }

        context.ContinueAsNew(next with { State = state });
        return null;
    }

    // A replacement for another model, or one the monitor could not run with, must not end the monitor that watches now.
    private bool IsUsable(MonitorInput replacement)
    {
        if (replacement.Model != input.Model || replacement.Environment != input.Environment)
        {
            return false;
        }

        try
        {
            Validate(replacement);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // Checks keep to the interval's grid; after an outage the missed checks are not replayed, one runs now.
    private DateTimeOffset NextDue(DateTimeOffset scheduled, DateTimeOffset at)
    {
        var next = scheduled + input.Policy.Interval;
        return next > at ? next : at;
    }

    /// <summary>The open incidents that are still open; all of them when that cannot be told (never opens a duplicate).</summary>
    private async Task<IReadOnlyList<OpenIncident>> StillOpenAsync(List<string> problems)
    {
        if (state.OpenIncidents.Count == 0)
        {
            return [];
        }

        var stillOpen = await TryAsync<IncidentIdList>(nameof(ReadOpenIncidents), new IncidentIdList([.. state.OpenIncidents.Select(i => i.InstanceId)]), problems);
        return stillOpen is null ? state.OpenIncidents : [.. state.OpenIncidents.Where(i => stillOpen.Ids.Contains(i.InstanceId))];
    }

    private async Task<OpenIncident?> OpenIncidentAsync(Breach breach, DateTimeOffset at, List<string> problems)
    {
        var id = IncidentIds.For(input.Model, input.Environment, breach.Kind, at);
        var incident = new IncidentInput(
            id,
            input.Model,
            input.Environment,
            input.Version,
            input.PreviousVersion,
            input.ServingEndpoint,
            monitorId,
            input.RunId,
            breach,
            RemediationActions.FromPolicy(input.Policy.IncidentAutoAction),
            input.Policy.IncidentAckTimeout,
            input.PolicyStamp,
            input.Redaction);
        if (await TryAsync<string>(nameof(StartIncident), incident, problems) is null)
        {
            return null;
        }

        var logger = context.CreateReplaySafeLogger<MonitorOrchestrator>();
        Log.IncidentOpened(logger, monitorId, id, breach.Kind, breach.Severity, breach.Summary);
        return new OpenIncident(id, breach.Kind, breach.Severity, at);
    }

    // A source that fails for good (after the transient retries) is a gap in this check, not the end of the monitor.
    private async Task<T?> TryAsync<T>(string activity, object activityInput, List<string> problems)
        where T : class
    {
        try
        {
            return await context.CallActivityAsync<T>(activity, activityInput, Retried);
        }
        catch (TaskFailedException failure)
        {
            problems.Add($"{activity}: {failure.FailureDetails.ErrorMessage}");
            return null;
        }
    }

    private async Task RecordAsync(string step, string decision, string summary, object data, string actor = "system")
    {
        var record = new EvidenceRecord
        {
            ReleaseId = monitorId,
            RunId = input.RunId,
            Sequence = state.EvidenceCount + 1,
            Step = step,
            RecordedAt = context.CurrentUtcDateTime,
            Actor = actor,
            Decision = decision,
            Summary = summary,
            Policy = input.PolicyStamp,
            Data = JsonSerializer.SerializeToElement(data, IncidentEvidence.Json),
            PreviousHash = state.EvidenceHead,
        };
        var (_, hash) = await RedactedEvidence.AppendAsync(context, record, redactor, Retried);
        state = state with { EvidenceCount = record.Sequence, EvidenceHead = hash };
    }

    private void SetStatus(string? message = null) =>
        context.SetCustomStatus(new MonitorStatus(
            input.Model,
            input.Environment,
            input.Version,
            input.PreviousVersion,
            state.Health,
            state.Checks,
            state.LastCheckAt,
            state.LastLateness,
            state.Health == MonitorHealth.Stopped ? null : state.NextCheckAt,
            message ?? state.LastResult,
            state.OpenIncidents,
            input.RunId,
            state.EvidenceCount));

    private static string DecisionOf(MonitorHealth health) => health switch
    {
        MonitorHealth.Breached => "breach",
        MonitorHealth.Degraded => "degraded",
        MonitorHealth.NoData => "no-data",
        _ => "healthy",
    };

    private string Summarise(
        int check, MonitorHealth health, ServingMetrics? serving, SloBurnReport burn, FeatureCheckResult? features, KpiReading? kpi, IReadOnlyList<Breach> breaches, List<OpenIncident> opened)
    {
        var parts = new List<string>
        {
            serving is null
                ? "telemetry unavailable"
                : Invariant($"{serving.RequestCount} requests, {serving.ErrorRate:P2} errors, p95 {serving.P95LatencyMs:F0} ms, fastest burn {burn.Rules.Max(r => r.ShortWindowBurnRate):G3}×"),
            features is null ? "features unavailable" : FeatureWindowCheck.Describe(features),
        };
        if (input.Policy.MinKpi is { } floor)
        {
            parts.Add(kpi?.Value is { } value ? Invariant($"{kpi.Name} {value:G4} (floor {floor:G4})") : "KPI unavailable");
        }

        if (breaches.Count > 0)
        {
            parts.Add("breaches: " + string.Join("; ", breaches.Select(b => $"{BreachKinds.Slug(b.Kind)} ({b.Severity}) {b.Summary}")));
        }

        if (opened.Count > 0)
        {
            parts.Add("opened " + string.Join(", ", opened.Select(o => o.InstanceId)));
        }

        return Invariant($"{DecisionOf(health)}: check {check} of v{input.Version}: ") + string.Join("; ", parts);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The one retry policy of the monitoring workflows: transient dependency failures only, backing off to 30 s.</summary>
internal static class MonitoringRetries
{
    public static TaskOptions Transient { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30))
    {
        HandleFailure = failure => failure.IsCausedBy<TransientDependencyException>(),
    });
}
