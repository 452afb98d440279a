using System.Text.Json.Nodes;

namespace MlopsFlows.Api.Approvals;

/// <summary>
/// The small adaptive cards the approval doors answer with: a vote recorded, or why it was not. Schema 1.5, readable
/// by Teams (invoke responses) and Outlook (refresh cards).
/// </summary>
public static class DecisionCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Recorded(string releaseId, bool approve, string approver, string detail) =>
        Card(
            approve ? "Your approval was recorded" : "Your rejection was recorded",
            "Good",
            releaseId,
            [detail, $"Decided by {approver}. The release's approval rules decide whether it counts; its evidence shows the outcome."]);

    public static JsonObject Refused(string releaseId, string reason) =>
        Card("Your vote was not recorded", "Attention", releaseId, [reason]);

    /// <param name="originator">For Outlook: the actionable-message provider id, which a refresh card must carry.</param>
    public static JsonObject Card(string title, string color, string releaseId, IReadOnlyList<string> lines, string? originator = null)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = title, ["weight"] = "Bolder", ["size"] = "Medium", ["color"] = color, ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = releaseId, ["isSubtle"] = true, ["wrap"] = true },
        };
        foreach (var line in lines)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = line, ["wrap"] = true });
        }

        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (originator is not null)
        {
            card["originator"] = originator;
        }

        return card;
    }
}
