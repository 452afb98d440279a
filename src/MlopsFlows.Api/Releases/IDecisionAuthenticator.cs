using Microsoft.AspNetCore.Http;

namespace MlopsFlows.Api.Releases;

/// <summary>Who made a decision, and whether that was proven.</summary>
/// <param name="ObjectId">The directory object id the proof named, when it named one.</param>
public sealed record DecisionIdentity(string Approver, string Channel, bool Verified, string? ObjectId = null);

/// <summary>The identity, or why there is none: <see cref="Status"/> is 401 (no or bad proof) or 403 (proof of somebody else).</summary>
public sealed record DecisionAuthentication(DecisionIdentity? Identity, int Status, string? Refusal)
{
    public static DecisionAuthentication Verified(DecisionIdentity identity) => new(identity, StatusCodes.Status200OK, null);

    public static DecisionAuthentication Unauthorized(string reason) => new(null, StatusCodes.Status401Unauthorized, reason);

    public static DecisionAuthentication Forbidden(string reason) => new(null, StatusCodes.Status403Forbidden, reason);
}

/// <summary>
/// The seam where an approver's identity is established before a decision reaches a workflow.
/// Returning null from <see cref="AuthenticateAsync"/> refuses the decision (401); <see cref="VerifyAsync"/> also says why.
/// </summary>
public interface IDecisionAuthenticator
{
    Task<DecisionIdentity?> AuthenticateAsync(HttpRequest request, string claimedApprover, CancellationToken cancellationToken);

    /// <summary>
    /// The identity the request proves. <paramref name="claimedApprover"/> is who the body says decides (null when the
    /// door has no such field, like the web page); a proof of somebody else is refused.
    /// </summary>
    async Task<DecisionAuthentication> VerifyAsync(HttpRequest request, string? claimedApprover, CancellationToken cancellationToken) =>
        await AuthenticateAsync(request, claimedApprover ?? string.Empty, cancellationToken) is { } identity
            ? DecisionAuthentication.Verified(identity)
            : DecisionAuthentication.Unauthorized("The approver's identity could not be verified.");
}
