using System.Net;
using System.Net.Http.Json;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Monitoring;
using Xunit.Abstractions;

namespace MlopsFlows.Local.Tests;

/// <summary>
/// After promotion, on the local host: the release starts the monitor; the simulator then feeds the model drifted
/// features; the monitor's next check opens a drift incident; nobody acknowledges it, so after the policy's three
/// seconds the pre-approved rollback runs: the previous version serves everything again and is the champion. The
/// incident is then resolved through the API and its post-incident review is there.
/// </summary>
[Collection(MonitoringHostCollection.Name)]
public sealed class MonitoringEndToEndTests(MonitoringHostFixture fixture, ITestOutputHelper output)
{
    private const string Model = "main.e2e.scorer";
    private const string Endpoint = "scorer-e2e";
    private const string Environment = "prod";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task PromotedModel_DriftNobodyAcknowledges_PreApprovedRollbackRestoresThePreviousVersion()
    {
        await fixture.SeedModelAsync(Model, Endpoint, 1, 2);

        // Promote v2: a release through the API, approved with the digest it shows.
        var releaseId = new ReleaseKey(Model, 2, Environment).InstanceId;
        using (var start = await Api.PostAsJsonAsync("api/releases", new { model = Model, version = 2, environment = Environment, requestedBy = "job:train", servingEndpoint = Endpoint }))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        var waiting = await UntilAsync<ReleaseDetail>($"api/releases/{releaseId}", r => r.Approval is not null, "the release waits for approval");
        using (var approve = await Api.PostAsJsonAsync(
            $"api/releases/{releaseId}/decisions",
            new { decision = "approve", approver = LocalHostSetup.Approver, rationale = "validation report reviewed", evidenceDigest = waiting.Approval!.EvidenceDigest }))
        {
            Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        }

        var promoted = await UntilAsync<ReleaseDetail>($"api/releases/{releaseId}", r => r.Outcome is not null, "the release has an outcome");
        Assert.Equal(ReleaseStage.Promoted, promoted.Outcome!.Stage);
        Assert.Contains(promoted.Evidence, e => e.Step == "monitor" && e.Decision == "started");
        Assert.Equal(2, fixture.Host.Simulator!.GetAliases(Model)["champion"]);

        // The monitor watches v2; before any drift its checks open nothing.
        var monitorPath = $"api/monitors/{Model}/{Environment}";
        var watching = await UntilAsync<MonitorDetail>(monitorPath, m => m.Checks >= 1, "the monitor has checked once");
        Assert.Equal((2, 1, "rollback"), (watching.Version, watching.PreviousVersion, watching.IncidentAutoAction));
        Assert.Empty(watching.OpenIncidents);
        output.WriteLine($"first check: {watching.LastResult}");

        // The simulator feeds the model drifted features: every numeric feature three standard deviations off.
        using (var drift = await fixture.Workspace.PostAsJsonAsync("/sim/features", new { model = Model, environment = Environment, shift = 3, rows = 300, seconds = 180, batchSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, drift.StatusCode);
        }

        var opened = await UntilAsync<IncidentSummary[]>($"api/incidents?model={Model}", l => l.Length > 0, "the monitor opened an incident");
        var incidentId = Assert.Single(opened).Id;
        Assert.Equal((BreachKind.Drift, "Open"), (opened[0].Kind, opened[0].Status));

        // Nobody acknowledges: after three seconds it escalates and the policy's rollback runs by itself.
        var mitigated = await UntilAsync<IncidentDetail>($"api/incidents/{Uri.EscapeDataString(incidentId)}", i => i.Status == "Mitigated", "the pre-approved rollback ran");
        output.WriteLine($"incident {incidentId}: {mitigated.Summary}; actions: {string.Join("; ", mitigated.Actions)}");
        Assert.True(mitigated.Escalated);
        Assert.Null(mitigated.AcknowledgedBy);
        Assert.Equal(["rollback by system: rolled-back"], mitigated.Actions);
        Assert.True(mitigated.Evidence.Single(e => e.Step == "action").RecordedAt - mitigated.OpenedAt >= TimeSpan.FromSeconds(2), "the rollback waited for the acknowledgement timeout");

        var live = fixture.Host.Simulator.GetTraffic(Endpoint).Where(r => r.Percent > 0).ToArray();
        Assert.Equal((1, 100), (Assert.Single(live).Version, live[0].Percent));
        Assert.Equal(1, fixture.Host.Simulator.GetAliases(Model)["champion"]);
        var following = await UntilAsync<MonitorDetail>(monitorPath, m => m.Version == 1, "the monitor watches the version it rolled back to");
        Assert.Contains(following.OpenIncidents, i => i.InstanceId == incidentId);

        // Stop watching (the drift is still there), then close the incident: its review is written from the evidence.
        using (var stop = await Api.PostAsJsonAsync($"{monitorPath}/stop", new { by = LocalHostSetup.Operator, reason = "end of test" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        await UntilAsync<MonitorDetail>(monitorPath, m => m.RuntimeStatus == "Completed", "the monitor stopped");
        using (var resolve = await Api.PostAsJsonAsync($"api/incidents/{Uri.EscapeDataString(incidentId)}/resolve", new { by = LocalHostSetup.Operator, note = "feature pipeline fixed" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        }

        var resolved = await UntilAsync<IncidentDetail>($"api/incidents/{Uri.EscapeDataString(incidentId)}", i => i.RuntimeStatus == "Completed", "the incident is resolved");
        output.WriteLine(resolved.Review);
        Assert.Equal(("Resolved", LocalHostSetup.Operator), (resolved.Status, resolved.ResolvedBy));
        Assert.Equal(
            [IncidentSteps.Opened, IncidentSteps.Notified, IncidentSteps.Escalated, IncidentSteps.Action, IncidentSteps.Resolved, IncidentSteps.Review],
            resolved.Evidence.Select(e => e.Step));
        Assert.Contains("## Timeline", resolved.Review, StringComparison.Ordinal);
        Assert.Contains("rolled-back", resolved.Review, StringComparison.Ordinal);
        Assert.True(resolved.TimeToRemediate < resolved.ResolvedAt - resolved.OpenedAt, "remediation (the rollback) came before the resolution");
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="condition"/> holds; fails with the last answer after <see cref="Patience"/>.</summary>
    private async Task<T> UntilAsync<T>(string path, Func<T, bool> condition, string because)
        where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        string last = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Api.GetAsync(path);
            last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<T>(ApiJson.Options) is { } value && condition(value))
            {
                return value;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"GET {path} did not show that {because} within {Patience}; last answer {(last.Length > 2000 ? last[..2000] + "…" : last)}");
    }
}
