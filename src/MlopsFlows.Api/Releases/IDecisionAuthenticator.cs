using Microsoft.AspNetCore.Http;

namespace MlopsFlows.Api.Releases;

/// <summary>Who made a decision, and whether that was proven.</summary>
public sealed record DecisionIdentity(string Approver, string Channel, bool Verified);

/// <summary>
/// The seam where an approver's identity is established before a decision reaches a workflow.
/// Token validation (Entra, Bot Connector, actionable messages) plugs in here; returning null refuses the decision (401).
/// </summary>
public interface IDecisionAuthenticator
{
    Task<DecisionIdentity?> AuthenticateAsync(HttpRequest request, string claimedApprover, CancellationToken cancellationToken);
}

/// <summary>
/// Takes the approver named in the body at its word and marks the decision unverified, so evidence never
/// claims more than was checked. The default until token validation is configured.
/// </summary>
public sealed class UnverifiedDecisionAuthenticator : IDecisionAuthenticator
{
    public Task<DecisionIdentity?> AuthenticateAsync(HttpRequest request, string claimedApprover, CancellationToken cancellationToken) =>
        Task.FromResult<DecisionIdentity?>(new DecisionIdentity(claimedApprover, "http", Verified: false));
}
