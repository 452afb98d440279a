using System.Text.Json;
using MlopsFlows.Api.Http;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Api.Approvals;

/// <summary>A card's or a form's decision as sent; who sent it is established separately.</summary>
public sealed record CardAction(string ReleaseId, bool Approve, string? EvidenceDigest, string? Rationale);

/// <summary>Turns what the approval doors receive into validated actions, naming every bad field.</summary>
public static class ApprovalRequests
{
    /// <summary>The body of an actionable message's <c>Action.Http</c>: <c>{releaseId, evidenceDigest, verb, rationale}</c>.</summary>
    public static (CardAction? Action, IDictionary<string, string[]> Errors) ParseCardAction(JsonElement body)
    {
        var fields = new FieldReader(body);
        var releaseId = fields.Text("releaseId", required: true, maxLength: 600);
        if (releaseId is not null && !ReleaseKey.TryParse(releaseId, out _))
        {
            fields.Fail("releaseId", "'releaseId' must be a release id like release:catalog.schema.model:12:prod.");
        }

        var verb = Verb(fields, fields.Text("verb", required: true, maxLength: 16));
        var digest = Digest(fields, fields.Text("evidenceDigest", required: verb == "approve", maxLength: 64));
        var rationale = fields.Text("rationale", required: false, maxLength: 4000);
        return fields.IsValid ? (new CardAction(releaseId!, verb == "approve", digest, rationale), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>The web page's form: <c>decision</c>, <c>evidenceDigest</c>, <c>rationale</c>; the release comes from the path.</summary>
    public static (CardAction? Action, IDictionary<string, string[]> Errors) ParseForm(string releaseId, Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var values = new Dictionary<string, string?>
        {
            ["decision"] = field("decision"),
            ["evidenceDigest"] = field("evidenceDigest"),
            ["rationale"] = field("rationale"),
        };
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(values));
        var fields = new FieldReader(document.RootElement);
        var verb = Verb(fields, fields.Text("decision", required: true, maxLength: 16), "decision");
        var digest = Digest(fields, fields.Text("evidenceDigest", required: verb == "approve", maxLength: 64));
        var rationale = fields.Text("rationale", required: false, maxLength: 4000);
        return fields.IsValid ? (new CardAction(releaseId, verb == "approve", digest, rationale), fields.Errors) : (null, fields.Errors);
    }

    private static string? Verb(FieldReader fields, string? verb, string name = "verb")
    {
        verb = verb?.ToLowerInvariant();
        if (verb is not null and not ("approve" or "reject"))
        {
            fields.Fail(name, $"'{name}' must be 'approve' or 'reject'.");
        }

        return verb;
    }

    private static string? Digest(FieldReader fields, string? digest)
    {
        if (digest is not null && (digest.Length != 64 || !digest.All(char.IsAsciiHexDigitLower)))
        {
            fields.Fail("evidenceDigest", "'evidenceDigest' must be the 64 lower-case hex characters the release's status shows.");
        }

        return digest;
    }
}
