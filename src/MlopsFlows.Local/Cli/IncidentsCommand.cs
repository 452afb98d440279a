using System.Globalization;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Local.Cli;

/// <summary>
/// <c>mlopsflows incidents …</c>: list and act on incidents through a running host's API. Exit code 0 when the API
/// accepted, 1 when it refused or could not be reached, 2 for a command line that does not parse.
/// </summary>
internal static class IncidentsCommand
{
    public const string Usage =
        "Usage: mlopsflows incidents list [--all] [--model <model>] | show <id> | ack <id> [--note <text>] | act <id> rollback|retrain --rationale <text> | "
        + "suppress <id> <minutes> --rationale <text> | resolve <id> [--note <text>]   [--by <who>] [--api <url>]";

    private static readonly string[] ValueOptions = ["api", "by", "token", "model", "note", "rationale", "top"];
    private static readonly string[] FlagOptions = ["all"];

    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, ValueOptions, FlagOptions);
        }
        catch (ArgumentException bad)
        {
            return Operator.BadUsage("incidents", bad.Message, Usage);
        }

        var words = parsed.Positional;
        var verb = words.Count > 0 ? words[0] : null;
        var shape = (verb, words.Count) switch
        {
            ("list", 1) or ("show", 2) or ("ack", 2) or ("act", 3) or ("suppress", 3) or ("resolve", 2) => null,
            (null, _) => "say what to do with incidents.",
            ("list" or "show" or "ack" or "act" or "suppress" or "resolve", _) => $"'{verb}' takes {Arity(verb)}.",
            _ => $"unknown incidents command '{verb}'.",
        };
        if (shape is not null)
        {
            return Operator.BadUsage("incidents", shape, Usage);
        }

        var configuration = LocalHost.ReadConfiguration([.. parsed.Settings]);
        var (api, problem) = OperatorApi.From(parsed, configuration);
        if (api is null)
        {
            return Operator.BadUsage("incidents", problem!, Usage);
        }

        using (api)
        {
            return verb switch
            {
                "list" => await ListAsync(api, parsed, stop),
                "show" => await ShowAsync(api, words[1], stop),
                _ => await CommandAsync(api, parsed, configuration, verb!, words, stop),
            };
        }
    }

    private static async Task<int> ListAsync(OperatorApi api, CliArguments args, CancellationToken stop)
    {
        var query = $"api/incidents?status={(args.Flag("all") ? "all" : "open")}";
        query += args.Option("model") is { } model ? $"&model={Uri.EscapeDataString(model)}" : string.Empty;
        query += args.Option("top") is { } top ? $"&top={Uri.EscapeDataString(top)}" : string.Empty;
        var result = await api.GetAsync<IncidentSummary[]>(query, stop);
        if (result.Value is not { } incidents)
        {
            return Operator.Failed("incidents list", result.Error!);
        }

        if (incidents.Length == 0)
        {
            Console.WriteLine(args.Flag("all") ? "No incidents." : "No open incidents.");
            return 0;
        }

        Console.Write(TextTable.Render(
            ["ID", "MODEL", "ENV", "VERSION", "KIND", "SEVERITY", "STATUS", "OPENED", "ACKNOWLEDGED", "RESOLVED", "ESCALATED"],
            incidents.Select(i => (IReadOnlyList<string>)
            [
                i.Id, i.Model, i.Environment, "v" + i.Version.ToString(CultureInfo.InvariantCulture), i.Kind.ToString(), i.Severity.ToString(), i.Status,
                TextTable.Time(i.OpenedAt), i.AcknowledgedBy is null ? "-" : $"{TextTable.Time(i.AcknowledgedAt)} by {i.AcknowledgedBy}",
                TextTable.Time(i.ResolvedAt), i.Escalated ? "yes" : "no",
            ])));
        return 0;
    }

    private static async Task<int> ShowAsync(OperatorApi api, string id, CancellationToken stop)
    {
        var result = await api.GetAsync<IncidentDetail>($"api/incidents/{OperatorApi.Segment(id)}", stop);
        if (result.Value is not { } incident)
        {
            return Operator.Failed("incidents show", result.Error!);
        }

        Console.Write(TextTable.Render(
            ["FIELD", "VALUE"],
            [
                ["id", incident.Id],
                ["model", $"{incident.Model} v{incident.Version} in {incident.Environment} (endpoint {incident.ServingEndpoint})"],
                ["rollback target", incident.PreviousVersion is { } previous ? "v" + previous.ToString(CultureInfo.InvariantCulture) : "none"],
                ["kind", $"{incident.Kind} ({incident.Severity})"],
                ["status", incident.Status == incident.RuntimeStatus ? incident.Status : $"{incident.Status} (workflow {incident.RuntimeStatus})"],
                ["summary", incident.Summary],
                ["opened", TextTable.Time(incident.OpenedAt)],
                ["acknowledge by", TextTable.Time(incident.AckDeadline)],
                ["acknowledged", incident.AcknowledgedBy is null ? "-" : $"{TextTable.Time(incident.AcknowledgedAt)} by {incident.AcknowledgedBy}"],
                ["suppressed until", TextTable.Time(incident.SuppressedUntil)],
                ["escalated", incident.Escalated ? "yes" : "no"],
                ["automatic action", incident.AutoAction?.ToString().ToLowerInvariant() ?? "none"],
                ["resolved", incident.ResolvedBy is null ? TextTable.Time(incident.ResolvedAt) : $"{TextTable.Time(incident.ResolvedAt)} by {incident.ResolvedBy}"],
                ["time to detect", TextTable.Span(incident.TimeToDetect)],
                ["time to remediate", TextTable.Span(incident.TimeToRemediate)],
                ["monitor", incident.MonitorId],
                .. incident.Failure is null ? Array.Empty<string[]>() : [["failure", incident.Failure]],
            ]));
        Print("Details", incident.Details);
        Print("Actions", incident.Actions);
        if (incident.Evidence.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Evidence (run {incident.RunId}):");
            Console.Write(TextTable.Render(
                ["#", "STEP", "DECISION", "ACTOR", "RECORDED", "HASH"],
                incident.Evidence.Select(e => (IReadOnlyList<string>)
                    [e.Sequence.ToString(CultureInfo.InvariantCulture), e.Step, e.Decision, e.Actor, TextTable.Time(e.RecordedAt), e.Hash[..Math.Min(12, e.Hash.Length)]])));
        }

        if (incident.Review is { } review)
        {
            Console.WriteLine();
            Console.WriteLine(review);
        }

        return 0;
    }

    /// <summary>ack, act, suppress, resolve: one POST each; the workflow records who did it.</summary>
    private static async Task<int> CommandAsync(OperatorApi api, CliArguments args, IConfiguration configuration, string verb, List<string> words, CancellationToken stop)
    {
        var by = args.Option("by") ?? configuration[OperatorApi.BySettingKey];
        if (by is null)
        {
            return Operator.BadUsage("incidents", $"say who is acting: --by <who> (or set {OperatorApi.BySettingKey}).", Usage);
        }

        var id = words[1];
        var rationale = args.Option("rationale");
        (string Path, object Body)? request = verb switch
        {
            "ack" => ("acknowledge", new { by, note = args.Option("note") }),
            "resolve" => ("resolve", new { by, note = args.Option("note") }),
            "act" when words[2] is "rollback" or "retrain" && rationale is not null => ("actions", new { action = words[2], by, rationale }),
            "suppress" when int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0 && rationale is not null =>
                ("suppress", new { minutes, by, rationale }),
            _ => null,
        };
        if (request is not { } call)
        {
            return Operator.BadUsage("incidents", verb == "act" ? "act takes rollback or retrain, and --rationale." : "suppress takes a positive number of minutes, and --rationale.", Usage);
        }

        var result = await api.PostAsync<CommandAccepted>($"api/incidents/{OperatorApi.Segment(id)}/{call.Path}", call.Body, stop);
        if (result.Value is null)
        {
            return Operator.Failed($"incidents {verb}", result.Error!);
        }

        Console.WriteLine($"{verb} {id}: accepted; the incident records it (mlopsflows incidents show {id}).");
        return 0;
    }

    private static void Print(string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"{title}:");
        foreach (var line in lines)
        {
            Console.WriteLine($"  - {line}");
        }
    }

    private static string Arity(string? verb) => verb switch
    {
        "list" => "no arguments",
        "act" => "an incident id and rollback or retrain",
        "suppress" => "an incident id and a number of minutes",
        _ => "an incident id",
    };
}
