using System.Globalization;
using System.Text.Json.Nodes;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Approvals;

/// <summary>
/// The adaptive card an approver is shown, for Teams (<c>Action.Execute</c>) and Outlook (<c>Action.Http</c>): what is
/// asked, the release, the gate summary, the deadline and the evidence digest, a rationale input and approve / reject.
/// Both channels show the same facts; only the actions differ.
/// </summary>
public static class ApprovalCards
{
    public const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";

    /// <summary>The id of the rationale input; Teams merges it into the action's data, Outlook substitutes <c>{{rationale.value}}</c>.</summary>
    public const string RationaleInput = "rationale";

    /// <summary>The card asking for a decision, its actions from <paramref name="action"/> (verb → action object).</summary>
    public static JsonObject Decision(ApprovalRequest request, string version, Func<string, string, JsonObject> action)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(action);
        var body = Heading(request, Title(request.Kind), "Accent");
        body.Add(Facts(request));
        AddSummary(body, request.Kind == ApprovalNotificationKind.HoldDecision ? "Why it holds" : "Gates", request.Summary);
        body.Add(new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = RationaleInput,
            ["label"] = "Rationale",
            ["placeholder"] = "Why you approve or reject (kept as evidence)",
            ["isMultiline"] = true,
            ["maxLength"] = 4000,
        });
        return Card(version, body, new JsonArray { action("approve", "Approve"), action("reject", "Reject") });
    }

    /// <summary>The card that replaces every copy once the approval is over: the outcome and who decided, no actions.</summary>
    public static JsonObject Outcome(ApprovalRequest request, string version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = request.Summary.Count > 0 ? request.Summary[0] : "decided";
        var body = Heading(request, $"Approval closed: {outcome}", outcome.StartsWith("approved", StringComparison.OrdinalIgnoreCase) ? "Good" : "Attention");
        body.Add(Facts(request));
        AddSummary(body, "Gates", [.. request.Summary.Skip(1)]);
        return Card(version, body, []);
    }

    /// <summary>The data every action carries back, so a decision names what it decides on.</summary>
    public static JsonObject ActionData(ApprovalRequest request) => new()
    {
        ["releaseId"] = request.ReleaseId,
        ["evidenceDigest"] = request.EvidenceDigest,
        ["notificationId"] = request.NotificationId,
    };

    public static string Title(ApprovalNotificationKind kind) => kind switch
    {
        ApprovalNotificationKind.Reminder => "Reminder: your approval is still needed",
        ApprovalNotificationKind.Escalation => "Escalated: an approval is overdue",
        ApprovalNotificationKind.HoldDecision => "Decision needed: a deployment step is inconclusive",
        ApprovalNotificationKind.Outcome => "Approval closed",
        _ => "Approval requested",
    };

    private static JsonArray Heading(ApprovalRequest request, string title, string color) =>
    [
        new JsonObject { ["type"] = "TextBlock", ["text"] = title, ["weight"] = "Bolder", ["size"] = "Medium", ["color"] = color, ["wrap"] = true },
        new JsonObject
        {
            ["type"] = "TextBlock",
            ["text"] = string.Create(CultureInfo.InvariantCulture, $"{request.Model} version {request.Version} to {request.Environment}"),
            ["wrap"] = true,
        },
    ];

    private static JsonObject Facts(ApprovalRequest request) => new()
    {
        ["type"] = "FactSet",
        ["facts"] = new JsonArray
        {
            Fact("Release", request.ReleaseId),
            Fact("Risk tier", request.RiskTier),
            Fact("Requested by", request.RequestedBy),
            Fact("Roles asked", request.Roles.Count == 0 ? "-" : string.Join(", ", request.Roles)),
            Fact("Decide before", request.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
            Fact("Evidence digest", request.EvidenceDigest),
        },
    };

    private static void AddSummary(JsonArray body, string heading, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = heading, ["weight"] = "Bolder", ["wrap"] = true });
        foreach (var line in lines)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "- " + line, ["wrap"] = true, ["spacing"] = "None" });
        }
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static JsonObject Card(string version, JsonArray body, JsonArray actions)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = Schema,
            ["version"] = version,
            ["body"] = body,
        };
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return card;
    }
}
