using System.Net.Http.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Local.Demo;

/// <summary>Starts one release over HTTP, follows it step by step, approves it when asked, and checks its evidence.</summary>
internal sealed class DemoRelease(HttpClient api, EvidenceVerifier verifier)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public async Task<string> RunAsync(string model, int version, string environment, string approver, CancellationToken stop)
    {
        using var start = await api.PostAsJsonAsync(
            "api/releases",
            new { model, version, environment, requestedBy = "databricks-job:train-credit-scorer", evidenceRefs = new[] { $"runs:/{model}/{version}" } },
            stop);
        var accepted = await start.Content.ReadFromJsonAsync<ReleaseAccepted>(ApiJson.Options, stop)
            ?? throw new InvalidOperationException("The API accepted the release without a body.");
        DemoConsole.Say($"POST /api/releases → {(int)start.StatusCode}: {accepted.Id}");

        var shownStages = 0;
        var shownEvidence = 0;
        var decided = false;
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            var detail = await api.GetFromJsonAsync<ReleaseDetail>(accepted.StatusUrl.TrimStart('/'), ApiJson.Options, stop);
            if (detail?.Progress is { } progress)
            {
                foreach (var entry in progress.History.Skip(shownStages))
                {
                    DemoConsole.Say($"stage {entry.Stage,-17} {entry.Note}  (traffic: {progress.Traffic})");
                }

                shownStages = progress.History.Count;
                // The approver answers the card they were shown: the vote carries that evidence digest.
                if (progress.WaitingFor == ReleaseWaits.Approval && detail.Approval is { } approval && !decided)
                {
                    using var decision = await api.PostAsJsonAsync(
                        $"{accepted.StatusUrl.TrimStart('/')}/decisions",
                        new { decision = "approve", approver, rationale = "Gates passed; validation report reviewed.", evidenceDigest = approval.EvidenceDigest },
                        stop);
                    DemoConsole.Say($"approver {approver} approves → {(int)decision.StatusCode}");
                    decided = decision.IsSuccessStatusCode;
                }
            }

            foreach (var record in detail?.Evidence.Skip(shownEvidence) ?? [])
            {
                DemoConsole.Say($"  evidence #{record.Sequence} {record.Step}: {record.Decision} (sha256 {record.Hash[..16]}…)");
            }

            shownEvidence = detail?.Evidence.Count ?? shownEvidence;
            if (detail?.Outcome is { } outcome && detail.Evidence.Count >= outcome.EvidenceCount)
            {
                DemoConsole.Say($"outcome: {outcome.Stage} — {outcome.Reason}");
                var check = await verifier.VerifyAsync(accepted.Id, detail.RunId!, stop);
                DemoConsole.Say($"evidence chain: {(check.Intact ? "intact" : "BROKEN")} — {check.Reason}");
                if (detail.Evidence.Count > 0)
                {
                    DemoConsole.Say($"evidence location: {new Uri(detail.Evidence[0].Location).GetLeftPart(UriPartial.Authority)}/…/evidence (index: table EvidenceIndex, partition {accepted.Id})");
                }

                return outcome.Stage.ToString();
            }

            if (detail?.RuntimeStatus is "Failed" or "Terminated")
            {
                DemoConsole.Say($"release {detail.RuntimeStatus}: {detail.Failure}");
                return detail.RuntimeStatus;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
        }

        DemoConsole.Say($"release did not finish within {Deadline}");
        return "TimedOut";
    }
}
