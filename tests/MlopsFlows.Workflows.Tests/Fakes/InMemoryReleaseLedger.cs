using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Workflows.Tests.Fakes;

/// <summary>
/// The release ledger contract in memory: one in-flight place per model and environment, idempotent for the same
/// release, freed by the run that holds it; one entry per run.
/// </summary>
public sealed class InMemoryReleaseLedger : IReleaseLedger
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Model, string Environment), string> slots = [];
    private readonly Dictionary<(string ReleaseId, string RunId), ReleaseLedgerEntry> runs = [];

    public Task<ClaimResult> ClaimAsync(ReleaseClaim claim, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (slots.TryGetValue((claim.Key.Model, claim.Key.Environment), out var holderId))
            {
                var holder = runs.Values.First(r => r.ReleaseId == holderId && r.Status == ReleaseLedgerStatus.InFlight);
                return Task.FromResult(new ClaimResult(holderId == claim.Key.InstanceId, Created: false, holder));
            }

            var entry = new ReleaseLedgerEntry(
                claim.Key.InstanceId, claim.Key.Model, claim.Key.Version, claim.Key.Environment, claim.RunId, claim.RequestedBy,
                claim.RequestedAt, ReleaseLedgerStatus.InFlight, null, null, null, null);
            slots[(claim.Key.Model, claim.Key.Environment)] = claim.Key.InstanceId;
            runs[(entry.ReleaseId, entry.RunId)] = entry;
            return Task.FromResult(new ClaimResult(Claimed: true, Created: true, entry));
        }
    }

    public Task<ReleaseLedgerEntry> EndAsync(ReleaseEnding ending, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var key = (ending.Key.InstanceId, ending.RunId);
            if (runs.TryGetValue(key, out var existing) && existing.Status != ReleaseLedgerStatus.InFlight)
            {
                return Task.FromResult(existing);
            }

            var ended = (existing ?? new ReleaseLedgerEntry(
                ending.Key.InstanceId, ending.Key.Model, ending.Key.Version, ending.Key.Environment, ending.RunId, string.Empty,
                ending.RequestedAt, ReleaseLedgerStatus.InFlight, null, null, null, null)) with
            {
                Status = ending.Outcome,
                Reason = ending.Reason,
                EndedAt = ending.EndedAt,
                EvidenceCount = ending.EvidenceCount,
                EvidenceHead = ending.EvidenceHead,
            };
            runs[key] = ended;
            if (slots.TryGetValue((ending.Key.Model, ending.Key.Environment), out var holder) && holder == ending.Key.InstanceId)
            {
                slots.Remove((ending.Key.Model, ending.Key.Environment));
            }

            return Task.FromResult(ended);
        }
    }

    public Task<ReleaseLedgerEntry?> FindInFlightAsync(string model, string environment, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(slots.TryGetValue((model, environment), out var holder)
                ? runs.Values.FirstOrDefault(r => r.ReleaseId == holder && r.Status == ReleaseLedgerStatus.InFlight)
                : null);
        }
    }

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListAsync(string model, string environment, int top, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<ReleaseLedgerEntry>>(
                runs.Values.Where(r => r.Model == model && r.Environment == environment).OrderByDescending(r => r.RequestedAt).Take(top).ToList());
        }
    }

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListByStatusAsync(string status, int top, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<ReleaseLedgerEntry>>(
                runs.Values.Where(r => r.Status == status).OrderByDescending(r => r.RequestedAt).Take(top).ToList());
        }
    }

    public Task<IReadOnlyList<ReleaseLedgerEntry>> ListEndedAsync(string status, DateTimeOffset endedFrom, DateTimeOffset endedBefore, int top, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<ReleaseLedgerEntry>>(
                runs.Values.Where(r => r.Status == status && r.EndedAt >= endedFrom && r.EndedAt < endedBefore).OrderByDescending(r => r.RequestedAt).Take(top).ToList());
        }
    }

    public Task<ReleaseLedgerEntry?> FindRunAsync(string releaseId, string runId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(runs.GetValueOrDefault((releaseId, runId)));
        }
    }
}
