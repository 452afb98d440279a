using System.Text.Json;
using MlopsFlows.Api.Http;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Api.Releases;

/// <summary>A validated request to release a model version.</summary>
public sealed record StartReleaseRequest(ReleaseKey Key, string RequestedBy, string? RiskTier, string? ServingEndpoint, IReadOnlyList<string> EvidenceRefs);

/// <summary>A validated approval decision as sent (the identity is checked separately).</summary>
/// <param name="EvidenceDigest">The evidence digest the approver was shown (the release's status carries it); approvals need it.</param>
public sealed record DecisionRequest(bool Approve, string Approver, string? Rationale, string? ObjectId, string? EvidenceDigest);

/// <summary>A validated oversight command (pause, resume, stop, override); the rationale is mandatory.</summary>
public sealed record OversightCommandRequest(string RequestedBy, string? ObjectId, string Rationale, string? Target);

/// <summary>Evidence attached to a waiting release.</summary>
public sealed record EvidenceAdditionRequest(string AddedBy, string Note, IReadOnlyList<string> EvidenceRefs);

/// <summary>Turns request bodies into validated requests, naming every bad field.</summary>
public static class ReleaseRequests
{
    public static (StartReleaseRequest? Request, IDictionary<string, string[]> Errors) ParseStart(JsonElement body)
    {
        var fields = new FieldReader(body);
        var model = fields.Text("model", required: true, maxLength: 400)?.ToLowerInvariant();
        if (model is not null && !ReleaseKey.IsModelName(model))
        {
            fields.Fail("model", "'model' must be a Unity Catalog three-part name, catalog.schema.model (letters, digits, '_' and '-').");
        }

        var version = fields.PositiveInt("version", required: true);
        var environment = fields.Text("environment", required: true, maxLength: 32)?.ToLowerInvariant();
        if (environment is not null && !ReleaseKey.IsEnvironment(environment))
        {
            fields.Fail("environment", "'environment' must start with a letter and hold only letters, digits and '-' (at most 32).");
        }

        var requestedBy = fields.Text("requestedBy", required: true, maxLength: 256);
        var tier = fields.Text("riskTier", required: false, maxLength: 32)?.ToLowerInvariant();
        if (tier is not null && !PolicySet.TierOrder.Contains(tier))
        {
            fields.Fail("riskTier", $"'riskTier' must be one of {string.Join(", ", PolicySet.TierOrder)}.");
        }

        var endpoint = fields.Text("servingEndpoint", required: false, maxLength: 63);
        if (endpoint is not null && !endpoint.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            fields.Fail("servingEndpoint", "'servingEndpoint' may hold only letters, digits, '-' and '_'.");
        }

        var evidenceRefs = fields.StringList("evidenceRefs", maxItems: 50, maxLength: 2048);
        return fields.IsValid
            ? (new StartReleaseRequest(new ReleaseKey(model!, version!.Value, environment!), requestedBy!, tier, endpoint, evidenceRefs), fields.Errors)
            : (null, fields.Errors);
    }

    public static (DecisionRequest? Request, IDictionary<string, string[]> Errors) ParseDecision(JsonElement body)
    {
        var fields = new FieldReader(body);
        var decision = fields.Text("decision", required: true, maxLength: 16)?.ToLowerInvariant();
        if (decision is not null and not ("approve" or "reject"))
        {
            fields.Fail("decision", "'decision' must be 'approve' or 'reject'.");
        }

        var approver = fields.Text("approver", required: true, maxLength: 256);
        var objectId = fields.Text("objectId", required: false, maxLength: 64);
        var rationale = fields.Text("rationale", required: false, maxLength: 4000);
        var digest = fields.Text("evidenceDigest", required: decision == "approve", maxLength: 64);
        if (digest is not null && (digest.Length != 64 || !digest.All(char.IsAsciiHexDigitLower)))
        {
            fields.Fail("evidenceDigest", "'evidenceDigest' must be the 64 lower-case hex characters the release's status shows.");
        }

        return fields.IsValid ? (new DecisionRequest(decision == "approve", approver!, rationale, objectId, digest), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>Pause, resume, stop or override. The old cancel body (<c>reason</c>) is read as the rationale of a stop.</summary>
    public static (OversightCommandRequest? Request, IDictionary<string, string[]> Errors) ParseOversight(JsonElement body)
    {
        var fields = new FieldReader(body);
        var requestedBy = fields.Text("requestedBy", required: true, maxLength: 256);
        var objectId = fields.Text("objectId", required: false, maxLength: 64);
        var rationale = fields.Text("rationale", required: false, maxLength: 4000) ?? fields.Text("reason", required: false, maxLength: 4000);
        if (string.IsNullOrWhiteSpace(rationale))
        {
            fields.Fail("rationale", "'rationale' is required: every oversight command says why.");
        }

        var target = fields.Text("target", required: false, maxLength: 32)?.ToLowerInvariant();
        if (target is not null and not ("approval" or "step"))
        {
            fields.Fail("target", "'target' must be 'approval' or 'step'.");
        }

        return fields.IsValid ? (new OversightCommandRequest(requestedBy!, objectId, rationale!, target), fields.Errors) : (null, fields.Errors);
    }

    public static (EvidenceAdditionRequest? Request, IDictionary<string, string[]> Errors) ParseEvidenceAddition(JsonElement body)
    {
        var fields = new FieldReader(body);
        var addedBy = fields.Text("addedBy", required: true, maxLength: 256);
        var note = fields.Text("note", required: true, maxLength: 4000);
        var refs = fields.StringList("evidenceRefs", maxItems: 50, maxLength: 2048);
        if (fields.IsValid && refs.Count == 0)
        {
            fields.Fail("evidenceRefs", "'evidenceRefs' must name at least one piece of evidence.");
        }

        return fields.IsValid ? (new EvidenceAdditionRequest(addedBy!, note!, refs), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>The serving endpoint a release targets when the request names none: <c>{model}-{environment}</c>.</summary>
    public static string DefaultServingEndpoint(ReleaseKey key) =>
        $"{key.Model[(key.Model.LastIndexOf('.') + 1)..].Replace('_', '-')}-{key.Environment}";
}
