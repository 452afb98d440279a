using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Monitoring;

namespace MlopsFlows.Api.Tests;

/// <summary>
/// The incidents and monitors API on the local host. Incidents are started directly through the Durable client, as a
/// monitor starts them, so each test owns its incident; monitors likewise, with an interval long enough to stay quiet.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class IncidentsApiTests(LocalHostFixture fixture)
{
    private const string Environment = "prod";
    private const string Operator = "ana@contoso.example";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly PolicyStamp Stamp = new("fast-tests", "2026.11.1-tests", new string('a', 64));

    // Models this test registered in the simulator (each test uses its own); seeding again would reset the endpoint.
    private readonly HashSet<string> seeded = new(StringComparer.Ordinal);

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task ListIncidents_OpenAndResolved_OpenByDefaultNewestFirstAllOnRequest()
    {
        var older = await OpenIncidentAsync("listed", BreachKind.Drift);
        var newer = await OpenIncidentAsync("listed", BreachKind.Latency);
        var resolved = await OpenIncidentAsync("listed", BreachKind.DataQuality);
        await PostAsync(resolved.IncidentId, "resolve", new { by = Operator, note = "false alarm" }, HttpStatusCode.Accepted);
        await UntilAsync(resolved.IncidentId, i => i.RuntimeStatus == "Completed", "it is resolved");

        var open = (await Api.GetFromJsonAsync<IncidentSummary[]>($"api/incidents?model={older.Model}", ApiJson.Options))!;
        var all = (await Api.GetFromJsonAsync<IncidentSummary[]>($"api/incidents?model={older.Model}&status=all", ApiJson.Options))!;

        Assert.Equal([newer.IncidentId, older.IncidentId], open.Select(i => i.Id));
        var first = open[0];
        Assert.Equal((older.Model, Environment, 2, BreachKind.Latency, IncidentSeverity.Ticket, "Open", false), (first.Model, first.Environment, first.Version, first.Kind, first.Severity, first.Status, first.Escalated));
        Assert.Null(first.AcknowledgedAt);
        Assert.Equal([resolved.IncidentId, newer.IncidentId, older.IncidentId], all.Select(i => i.Id));
        Assert.Equal("Resolved", all[0].Status);
        Assert.NotNull(all[0].ResolvedAt);
    }

    [Fact]
    public async Task GetIncident_Open_ShowsTheBreachDeadlineAndEvidenceRows()
    {
        var input = await OpenIncidentAsync("shown", BreachKind.Drift);

        var incident = await GetAsync(input.IncidentId);

        Assert.Equal(("Open", "Running", input.Breach.Summary), (incident.Status, incident.RuntimeStatus, incident.Summary));
        Assert.Equal(input.Breach.Details, incident.Details);
        Assert.Equal(input.Breach.Metrics["driftedShare"], incident.Metrics["driftedShare"]);
        Assert.Equal(incident.OpenedAt + input.AckTimeout, incident.AckDeadline);
        Assert.Equal((1, RemediationAction.Retrain), (incident.PreviousVersion, incident.AutoAction));
        Assert.Equal([IncidentSteps.Opened, IncidentSteps.Notified], incident.Evidence.Select(e => e.Step));
        Assert.Null(incident.Review);
    }

    [Fact]
    public async Task AcknowledgeThenResolve_RecordsWhoAndWhenWritesTheReviewAndRefusesLaterCommands()
    {
        var input = await OpenIncidentAsync("resolved", BreachKind.Drift);

        await PostAsync(input.IncidentId, "acknowledge", new { by = Operator, note = "looking" }, HttpStatusCode.Accepted);
        var acknowledged = await UntilAsync(input.IncidentId, i => i.Status == "Acknowledged", "it is acknowledged");
        await PostAsync(input.IncidentId, "resolve", new { by = "bob@contoso.example", note = "upstream feed repaired" }, HttpStatusCode.Accepted);
        var resolved = await UntilAsync(input.IncidentId, i => i.RuntimeStatus == "Completed", "it is resolved");

        Assert.Equal((Operator, null), (acknowledged.AcknowledgedBy, acknowledged.AckDeadline));
        Assert.NotNull(acknowledged.AcknowledgedAt);
        Assert.Equal(("Resolved", "bob@contoso.example"), (resolved.Status, resolved.ResolvedBy));
        Assert.Equal(
            [IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Acknowledged, IncidentSteps.Resolved, IncidentSteps.Review],
            resolved.Evidence.Select(e => e.Step));
        Assert.Contains("## Timeline", resolved.Review, StringComparison.Ordinal);
        Assert.Contains("upstream feed repaired", resolved.Review, StringComparison.Ordinal);
        Assert.NotNull(resolved.TimeToRemediate);

        var again = await PostAsync(input.IncidentId, "acknowledge", new { by = Operator }, HttpStatusCode.Conflict);
        Assert.Contains("resolved", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await PostAsync(input.IncidentId, "actions", new { action = "rollback", by = Operator, rationale = "late" }, HttpStatusCode.Conflict);
        await PostAsync(input.IncidentId, "resolve", new { by = Operator }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ActOnIncident_Rollback_PreviousVersionServesEverythingAndIsTheChampion()
    {
        var input = await OpenIncidentAsync("rolled", BreachKind.Drift);

        var accepted = await PostAsync(input.IncidentId, "actions", new { action = "rollback", by = Operator, rationale = "drift started with v2" }, HttpStatusCode.Accepted);
        var mitigated = await UntilAsync(input.IncidentId, i => i.Status == "Mitigated", "the rollback is done");

        Assert.Equal(IncidentsApi.StatusUrl(input.IncidentId), accepted.GetProperty("statusUrl").GetString());
        Assert.Equal([$"rollback by {Operator}: rolled-back"], mitigated.Actions);
        Assert.Equal((Operator, null), (mitigated.AcknowledgedBy, mitigated.AutoAction));
        var routes = fixture.Host.Simulator!.GetTraffic(input.ServingEndpoint).Where(r => r.Percent > 0).ToArray();
        Assert.Equal((1, 100), (Assert.Single(routes).Version, routes[0].Percent));
        Assert.Equal(1, fixture.Host.Simulator.GetAliases(input.Model)["champion"]);
    }

    [Fact]
    public async Task ActOnIncident_RollbackOfAFirstVersion_Returns409AndRaisesNothing()
    {
        var input = await OpenIncidentAsync("first", BreachKind.Drift, previous: null);

        var problem = await PostAsync(input.IncidentId, "actions", new { action = "rollback", by = Operator, rationale = "try" }, HttpStatusCode.Conflict);
        await PostAsync(input.IncidentId, "acknowledge", new { by = Operator }, HttpStatusCode.Accepted);
        var acknowledged = await UntilAsync(input.IncidentId, i => i.Status == "Acknowledged", "it is acknowledged");

        Assert.Contains("no previous version", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(acknowledged.Actions);
        Assert.Equal([IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Acknowledged], acknowledged.Evidence.Select(e => e.Step));
    }

    [Fact]
    public async Task SuppressIncident_Minutes_SuppressedUntilThenWithItsRationale()
    {
        var input = await OpenIncidentAsync("suppressed", BreachKind.Kpi);
        var before = DateTimeOffset.UtcNow;

        await PostAsync(input.IncidentId, "suppress", new { minutes = 30, by = Operator, rationale = "known upstream outage" }, HttpStatusCode.Accepted);
        var suppressed = await UntilAsync(input.IncidentId, i => i.Status == "Suppressed", "it is suppressed");

        Assert.InRange(suppressed.SuppressedUntil!.Value, before.AddMinutes(30), DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.Equal(IncidentSteps.Suppressed, suppressed.Evidence[^1].Step);
        Assert.Equal(Operator, suppressed.Evidence[^1].Actor);
    }

    [Fact]
    public async Task Commands_BadBodies_Return400NamingTheFieldAndRaiseNothing()
    {
        var input = await OpenIncidentAsync("bad-bodies", BreachKind.Drift);
        (string Command, string Body, string Field)[] cases =
        [
            ("acknowledge", """{}""", "by"),
            ("acknowledge", """[1]""", "body"),
            ("acknowledge", """{"by": """, "body"),
            ("actions", """{"action":"restart","by":"x","rationale":"r"}""", "action"),
            ("actions", """{"action":"rollback","by":"x"}""", "rationale"),
            ("suppress", """{"by":"x","rationale":"r"}""", "minutes"),
            ("suppress", """{"until":"2001-01-01T00:00:00Z","by":"x","rationale":"r"}""", "until"),
            ("suppress", """{"minutes":0,"by":"x","rationale":"r"}""", "minutes"),
            ("resolve", """{"note":"done"}""", "by"),
        ];

        foreach (var (command, body, field) in cases)
        {
            using var response = await Api.PostAsync($"api/incidents/{input.IncidentId}/{command}", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{command} {body}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{command} {body}: the problem names '{field}': {problem}");
        }

        // A good command afterwards: had any bad one been raised, its record would sit in the chain before this one.
        await PostAsync(input.IncidentId, "acknowledge", new { by = Operator }, HttpStatusCode.Accepted);
        var acknowledged = await UntilAsync(input.IncidentId, i => i.Status == "Acknowledged", "it is acknowledged");
        Assert.Equal([IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Acknowledged], acknowledged.Evidence.Select(e => e.Step));
    }

    [Theory]
    [InlineData("incident:main.nobody.model:prod:drift:20260314T091500123Z")]
    [InlineData("release:main.nobody.model:2:prod")]
    [InlineData("nonsense")]
    public async Task UnknownIncident_Returns404ForReadsAndCommands(string id)
    {
        using var read = await Api.GetAsync($"api/incidents/{Uri.EscapeDataString(id)}");
        using var command = await Api.PostAsJsonAsync($"api/incidents/{Uri.EscapeDataString(id)}/acknowledge", new { by = Operator });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, command.StatusCode));
        Assert.Equal("application/problem+json", command.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/incidents?status=closed")]
    [InlineData("api/incidents?model=scorer")]
    [InlineData("api/monitors?status=open")]
    [InlineData("api/monitors?top=9999")]
    public async Task List_BadQuery_Returns400(string path)
    {
        using var response = await Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Monitors_ListShowAndStop_StopsOnceThenRefuses()
    {
        var model = "main.incidents.watched";
        var input = new MonitorInput(
            model, Environment, 2, 1, "watched-prod", "20261126T100000Z-0a0b0c0d", $"release:{model}:2:{Environment}",
            Policy(TimeSpan.FromHours(1), "rollback"), Stamp, MaxP95LatencyMs: 300);
        await MonitorControl.StartOrReplaceAsync(fixture.Client, input, CancellationToken.None);
        await Eventually.UntilAsync(
            async () => (await Api.GetFromJsonAsync<MonitorDetail>($"api/monitors/{model}/{Environment}", ApiJson.Options))?.EvidenceCount >= 1,
            Patience,
            "the monitor recorded its start");

        var running = await Api.GetFromJsonAsync<MonitorSummary[]>($"api/monitors?model={model}", ApiJson.Options);
        var detail = await Api.GetFromJsonAsync<MonitorDetail>($"api/monitors/{model}/{Environment}", ApiJson.Options);
        using (var badStop = await Api.PostAsJsonAsync($"api/monitors/{model}/{Environment}/stop", new { by = Operator }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badStop.StatusCode);
        }

        using (var stop = await Api.PostAsJsonAsync($"api/monitors/{model}/{Environment}/stop", new { by = Operator, reason = "model retired" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        MonitorDetail? stopped = null;
        await Eventually.UntilAsync(
            async () => (stopped = await Api.GetFromJsonAsync<MonitorDetail>($"api/monitors/{model}/{Environment}", ApiJson.Options))?.RuntimeStatus == "Completed",
            Patience,
            "the monitor stopped");
        using var again = await Api.PostAsJsonAsync($"api/monitors/{model}/{Environment}/stop", new { by = Operator, reason = "twice" });
        using var missing = await Api.GetAsync($"api/monitors/main.incidents.nobody/{Environment}");
        var listedAfter = await Api.GetFromJsonAsync<MonitorSummary[]>($"api/monitors?model={model}", ApiJson.Options);
        var allAfter = await Api.GetFromJsonAsync<MonitorSummary[]>($"api/monitors?model={model}&status=all", ApiJson.Options);

        var listed = Assert.Single(running!);
        Assert.Equal((MonitorIds.For(model, Environment), 2, "Starting"), (listed.Id, listed.Version, listed.Health));
        Assert.Equal((TimeSpan.FromHours(1), "rollback", "watched-prod", 1), (detail!.Interval, detail.IncidentAutoAction, detail.ServingEndpoint, detail.PreviousVersion));
        Assert.NotNull(detail.NextCheckAt);
        Assert.Equal(("Stopped", Operator, "model retired"), (stopped!.Health, stopped.Stopped!.StoppedBy, stopped.Stopped.Reason));
        Assert.Null(stopped.NextCheckAt);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.NotFound), (again.StatusCode, missing.StatusCode));
        Assert.Empty(listedAfter!);
        Assert.Equal("Stopped", Assert.Single(allAfter!).Health);
    }

    private static MonitoringPolicy Policy(TimeSpan interval, string autoAction) =>
        new(interval, 0.995, TimeSpan.FromDays(30), 0.2, 0.01, 0.3, 0.05, null, autoAction, TimeSpan.FromHours(1));

    /// <summary>
    /// An incident on v2 of its own model (v1 before it, the endpoint serving v2 in the simulator), started as a
    /// monitor starts one, with an hour to acknowledge so nothing happens on its own during a test.
    /// </summary>
    private async Task<IncidentInput> OpenIncidentAsync(string name, BreachKind kind, int? previous = 1)
    {
        var model = $"main.incidents.{name.Replace('-', '_')}";
        var endpoint = $"{name}-prod";
        if (seeded.Add(model))
        {
            await fixture.SeedModelAsync(model, endpoint, 2, 1);
        }

        var detectedAt = DateTimeOffset.UtcNow;
        var id = IncidentIds.For(model, Environment, kind, detectedAt);
        var breach = new Breach(
            kind,
            IncidentSeverity.Ticket,
            $"{BreachKinds.Slug(kind)}: 3 of 4 columns drifted (75%, threshold 30%)",
            detectedAt.AddSeconds(-30),
            detectedAt,
            ["income: PSI 1.8 against 0.2"],
            new Dictionary<string, double> { ["driftedShare"] = 0.75 });
        var input = new IncidentInput(
            id, model, Environment, 2, previous, endpoint, MonitorIds.For(model, Environment), "20261126T100000Z-0a0b0c0d", breach,
            RemediationAction.Retrain, TimeSpan.FromHours(1), Stamp);
        await fixture.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), input, new StartOrchestrationOptions(id));
        await UntilAsync(id, i => i.Evidence.Count >= 2, "the incident has opened and notified on-call");
        return input;
    }

    private async Task<IncidentDetail> GetAsync(string id) =>
        await Api.GetFromJsonAsync<IncidentDetail>($"api/incidents/{Uri.EscapeDataString(id)}", ApiJson.Options)
        ?? throw new InvalidOperationException($"GET {id} answered without a body");

    private async Task<IncidentDetail> UntilAsync(string id, Func<IncidentDetail, bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        IncidentDetail? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Api.GetAsync($"api/incidents/{Uri.EscapeDataString(id)}");
            last = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<IncidentDetail>(ApiJson.Options) : null;
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{id} did not reach the state where {because} within {Patience}; last seen: {last?.Status}, steps {string.Join(", ", last?.Evidence.Select(e => e.Step) ?? [])}.");
    }

    private async Task<JsonElement> PostAsync(string id, string command, object body, HttpStatusCode expected)
    {
        using var response = await Api.PostAsJsonAsync($"api/incidents/{Uri.EscapeDataString(id)}/{command}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {command} on {id}: expected {expected}, got {response.StatusCode}: {text}");
        if (expected != HttpStatusCode.Accepted)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
