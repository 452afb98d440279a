using System.Text.Json;
using MlopsFlows.Api.Http;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Api.Releases;

/// <summary>A validated request to release a model version.</summary>
public sealed record StartReleaseRequest(ReleaseKey Key, string RequestedBy, string? RiskTier, string? ServingEndpoint, IReadOnlyList<string> EvidenceRefs);

/// <summary>A validated approval decision as sent (the identity is checked separately).</summary>
public sealed record DecisionRequest(bool Approve, string Approver, string? Rationale);

/// <summary>A validated cancel request.</summary>
public sealed record CancelReleaseRequest(string Reason, string RequestedBy);

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
        if (tier is not null && !BuiltInPolicies.IsTier(tier))
        {
            fields.Fail("riskTier", $"'riskTier' must be one of {string.Join(", ", BuiltInPolicies.Tiers)}.");
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
        var rationale = fields.Text("rationale", required: false, maxLength: 4000);
        return fields.IsValid ? (new DecisionRequest(decision == "approve", approver!, rationale), fields.Errors) : (null, fields.Errors);
    }

    public static (CancelReleaseRequest? Request, IDictionary<string, string[]> Errors) ParseCancel(JsonElement body)
    {
        var fields = new FieldReader(body);
        var reason = fields.Text("reason", required: true, maxLength: 4000);
        var requestedBy = fields.Text("requestedBy", required: false, maxLength: 256) ?? "operator";
        return fields.IsValid ? (new CancelReleaseRequest(reason!, requestedBy), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>The serving endpoint a release targets when the request names none: <c>{model}-{environment}</c>.</summary>
    public static string DefaultServingEndpoint(ReleaseKey key) =>
        $"{key.Model[(key.Model.LastIndexOf('.') + 1)..].Replace('_', '-')}-{key.Environment}";
}
