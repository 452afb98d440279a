using System.Net.Http.Json;
using MlopsFlows.Api.Releases;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Workflows.Releases;

namespace MlopsFlows.Local.Demo;

/// <summary>How the approver answers: in Teams (the bot's card) or by email (the actionable card).</summary>
internal enum DemoChannel
{
    Teams,
    Email,
}

/// <summary>
/// Starts one release over HTTP, follows it step by step, has the approver answer the card they received when asked,
/// and checks its evidence.
/// </summary>
internal sealed class DemoRelease(HttpClient api, SimulatedApprovers approvers, EvidenceVerifier verifier)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public async Task<string> RunAsync(string model, int version, string environment, string approver, DemoChannel channel, CancellationToken stop)
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
                // The approver answers the card they received; the card carries the evidence digest they were shown.
                if (progress.WaitingFor == ReleaseWaits.Approval && !decided)
                {
                    decided = await AnswerAsync(accepted.Id, approver, channel, stop);
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

    // False while the card has not arrived yet: the loop asks again on its next pass.
    private async Task<bool> AnswerAsync(string releaseId, string approver, DemoChannel channel, CancellationToken stop)
    {
        const string Rationale = "Gates passed; validation report reviewed.";
        if (channel == DemoChannel.Teams)
        {
            if (approvers.TeamsCard(releaseId, approver) is not { } card)
            {
                return false;
            }

            using var pressed = await approvers.AnswerInTeamsAsync(card, approve: true, Rationale, stop);
            DemoConsole.Say($"approver {approver} presses Approve on the Teams card → bot answers {(int)pressed.StatusCode}");
            return pressed.IsSuccessStatusCode;
        }

        if (approvers.Mail(releaseId, approver) is not { } mail)
        {
            return false;
        }

        using var posted = await approvers.AnswerByEmailAsync(mail, approver, approve: true, Rationale, stop);
        DemoConsole.Say($"approver {approver} presses Approve in the Outlook card ('{mail.Subject}') → {(int)posted.StatusCode}");
        return posted.IsSuccessStatusCode;
    }
}
