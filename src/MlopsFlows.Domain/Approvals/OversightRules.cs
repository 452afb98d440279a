using System.Text.Json.Serialization;
using MlopsFlows.Domain.Policies;

namespace MlopsFlows.Domain.Approvals;

// Enums are stored by name so commands and states held by in-flight workflows survive reordering them.
[JsonConverter(typeof(JsonStringEnumConverter<OversightCommandKind>))]
public enum OversightCommandKind
{
    Pause,
    Resume,
    Stop,

    /// <summary>Decide in place of a step (the approval, an inconclusive judge) named by the command's target.</summary>
    Override,
}

/// <summary>Whether a release runs under human oversight: running, held by a person, or stopped for good.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OversightState>))]
public enum OversightState
{
    Running,
    Paused,
    Stopped,
}

[JsonConverter(typeof(JsonStringEnumConverter<OversightRefusal>))]
public enum OversightRefusal
{
    MissingIdentity,
    Unverified,
    NotInOversightRole,
    MissingRationale,
    MissingTarget,
    AlreadyStopped,
    AlreadyPaused,
    NotPaused,
}

/// <summary>A person's command to pause, resume, stop or override a release; every one is audited.</summary>
/// <param name="Roles">Roles the issuer holds, resolved by the workflow from the directory, never the issuer's claim.</param>
/// <param name="Rationale">Mandatory for every command.</param>
/// <param name="At">When the command was issued, from the workflow's clock.</param>
/// <param name="Target">For <see cref="OversightCommandKind.Override"/>: what is overridden, e.g. <c>approval</c> or <c>judge</c>.</param>
public sealed record OversightCommand(
    OversightCommandKind Kind,
    string ObjectId,
    string Upn,
    IReadOnlyList<string> Roles,
    string? Rationale,
    bool IdentityVerified,
    DateTimeOffset At,
    string? Target = null)
{
    [JsonIgnore]
    public PersonIdentity Issuer => new(ObjectId, Upn);
}

/// <summary>Whether a command is accepted, the state it leaves the release in, and why (for the record).</summary>
/// <param name="Refusal">Null when accepted.</param>
/// <param name="Next">The state after the command; the current state when refused.</param>
public sealed record OversightAdmission(OversightRefusal? Refusal, OversightState Next, string Reason)
{
    [JsonIgnore]
    public bool Accepted => Refusal is null;
}

/// <summary>Who may issue an oversight command, and the one table of what each command does in each state.</summary>
public static class OversightRules
{
    // Absent pairs are refused. An override decides a step and leaves the release running or paused as it was.
    private static readonly Dictionary<(OversightState, OversightCommandKind), OversightState> Transitions = new()
    {
        [(OversightState.Running, OversightCommandKind.Pause)] = OversightState.Paused,
        [(OversightState.Running, OversightCommandKind.Stop)] = OversightState.Stopped,
        [(OversightState.Running, OversightCommandKind.Override)] = OversightState.Running,
        [(OversightState.Paused, OversightCommandKind.Resume)] = OversightState.Running,
        [(OversightState.Paused, OversightCommandKind.Stop)] = OversightState.Stopped,
        [(OversightState.Paused, OversightCommandKind.Override)] = OversightState.Paused,
    };

    /// <summary>The state a command leads to, or null when the command is not allowed in that state.</summary>
    public static OversightState? Next(OversightState current, OversightCommandKind kind) =>
        Transitions.TryGetValue((current, kind), out var next) ? next : null;

    /// <param name="requireVerifiedIdentity">
    /// Refuse commands whose channel did not verify the issuer; the workflows pass the tier's
    /// <see cref="Policies.ApprovalPolicy.VerifiedIdentityRequired"/>.
    /// </param>
    public static OversightAdmission Admit(
        OversightCommand command,
        OversightPolicy policy,
        OversightState current,
        bool requireVerifiedIdentity = false)
    {
        var issuer = command.Issuer;
        var name = issuer.DisplayName;
        var verb = command.Kind.ToString().ToLowerInvariant();
        if (!issuer.IsKnown)
        {
            return Refuse(OversightRefusal.MissingIdentity, "the command names neither an object id nor a UPN");
        }

        if (requireVerifiedIdentity && !command.IdentityVerified)
        {
            return Refuse(OversightRefusal.Unverified, $"{name}'s identity was not verified");
        }

        if (!(command.Roles ?? []).Any(role => policy.Roles.Contains(role, StringComparer.OrdinalIgnoreCase)))
        {
            return Refuse(OversightRefusal.NotInOversightRole, $"{name} holds none of the oversight roles ({string.Join(", ", policy.Roles)})");
        }

        if (string.IsNullOrWhiteSpace(command.Rationale))
        {
            return Refuse(OversightRefusal.MissingRationale, $"{name} gave no rationale to {verb}; every oversight command needs one");
        }

        if (command.Kind == OversightCommandKind.Override && string.IsNullOrWhiteSpace(command.Target))
        {
            return Refuse(OversightRefusal.MissingTarget, $"{name} did not say what to override");
        }

        if (Next(current, command.Kind) is not { } next)
        {
            return current switch
            {
                OversightState.Stopped => Refuse(OversightRefusal.AlreadyStopped, $"the release is stopped; {name} cannot {verb} it"),
                OversightState.Paused => Refuse(OversightRefusal.AlreadyPaused, "the release is already paused"),
                _ => Refuse(OversightRefusal.NotPaused, "the release is not paused; there is nothing to resume"),
            };
        }

        var what = command.Kind == OversightCommandKind.Override ? $"{verb} {command.Target!.Trim()}" : verb;
        return new OversightAdmission(null, next, $"{name} may {what}: {command.Rationale.Trim()}");

        OversightAdmission Refuse(OversightRefusal refusal, string reason) => new(refusal, current, reason);
    }
}
