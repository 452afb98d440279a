using System.Globalization;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Local.Cli;

/// <summary>
/// <c>mlopsflows monitors …</c>: list, show and stop the monitors of production models through a running host's API.
/// Exit codes as for <see cref="IncidentsCommand"/>.
/// </summary>
internal static class MonitorsCommand
{
    public const string Usage =
        "Usage: mlopsflows monitors list [--all] [--model <model>] | show <model> <environment> | stop <model> <environment> --reason <text> [--by <who>]   [--api <url>]";

    private static readonly string[] ValueOptions = ["api", "by", "token", "model", "reason", "top"];
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
            return Operator.BadUsage("monitors", bad.Message, Usage);
        }

        var words = parsed.Positional;
        var verb = words.Count > 0 ? words[0] : null;
        var shape = (verb, words.Count) switch
        {
            ("list", 1) or ("show", 3) or ("stop", 3) => null,
            (null, _) => "say what to do with monitors.",
            ("list", _) => "'list' takes no arguments.",
            ("show" or "stop", _) => $"'{verb}' takes a model and an environment, e.g. main.credit.scorer prod.",
            _ => $"unknown monitors command '{verb}'.",
        };
        if (shape is not null)
        {
            return Operator.BadUsage("monitors", shape, Usage);
        }

        var configuration = LocalHost.ReadConfiguration([.. parsed.Settings]);
        var by = parsed.Option("by") ?? configuration[OperatorApi.BySettingKey];
        if (verb == "stop" && (by is null || parsed.Option("reason") is null))
        {
            return Operator.BadUsage("monitors", $"stop needs --reason and who is stopping it: --by <who> (or set {OperatorApi.BySettingKey}).", Usage);
        }

        var (api, problem) = OperatorApi.From(parsed, configuration);
        if (api is null)
        {
            return Operator.BadUsage("monitors", problem!, Usage);
        }

        using (api)
        {
            return verb switch
            {
                "list" => await ListAsync(api, parsed, stop),
                "show" => await ShowAsync(api, words[1], words[2], stop),
                _ => await StopAsync(api, words[1], words[2], by!, parsed.Option("reason")!, stop),
            };
        }
    }

    private static async Task<int> ListAsync(OperatorApi api, CliArguments args, CancellationToken stop)
    {
        var query = $"api/monitors?status={(args.Flag("all") ? "all" : "running")}";
        query += args.Option("model") is { } model ? $"&model={Uri.EscapeDataString(model)}" : string.Empty;
        query += args.Option("top") is { } top ? $"&top={Uri.EscapeDataString(top)}" : string.Empty;
        var result = await api.GetAsync<MonitorSummary[]>(query, stop);
        if (result.Value is not { } monitors)
        {
            return Operator.Failed("monitors list", result.Error!);
        }

        if (monitors.Length == 0)
        {
            Console.WriteLine(args.Flag("all") ? "No monitors." : "No running monitors.");
            return 0;
        }

        Console.Write(TextTable.Render(
            ["MODEL", "ENV", "VERSION", "HEALTH", "CHECKS", "LAST CHECK", "LATENESS", "NEXT CHECK", "OPEN INCIDENTS"],
            monitors.Select(m => (IReadOnlyList<string>)
            [
                m.Model, m.Environment, "v" + m.Version.ToString(CultureInfo.InvariantCulture), m.Health, m.Checks.ToString(CultureInfo.InvariantCulture),
                TextTable.Time(m.LastCheckAt), TextTable.Span(m.LastLateness), TextTable.Time(m.NextCheckAt), m.OpenIncidents.ToString(CultureInfo.InvariantCulture),
            ])));
        return 0;
    }

    private static async Task<int> ShowAsync(OperatorApi api, string model, string environment, CancellationToken stop)
    {
        var result = await api.GetAsync<MonitorDetail>($"api/monitors/{OperatorApi.Segment(model)}/{OperatorApi.Segment(environment)}", stop);
        if (result.Value is not { } monitor)
        {
            return Operator.Failed("monitors show", result.Error!);
        }

        Console.Write(TextTable.Render(
            ["FIELD", "VALUE"],
            [
                ["id", monitor.Id],
                ["watching", $"{monitor.Model} v{monitor.Version} in {monitor.Environment} (endpoint {monitor.ServingEndpoint})"],
                ["rollback target", monitor.PreviousVersion is { } previous ? "v" + previous.ToString(CultureInfo.InvariantCulture) : "none"],
                ["health", monitor.Health == monitor.RuntimeStatus ? monitor.Health : $"{monitor.Health} (workflow {monitor.RuntimeStatus})"],
                ["every", TextTable.Span(monitor.Interval)],
                ["checks", monitor.Checks.ToString(CultureInfo.InvariantCulture)],
                ["last check", monitor.LastCheckAt is null ? "-" : $"{TextTable.Time(monitor.LastCheckAt)} (started {TextTable.Span(monitor.LastLateness)} after it was due)"],
                ["next check", TextTable.Time(monitor.NextCheckAt)],
                ["last result", monitor.LastResult],
                ["on incidents", $"{monitor.IncidentAutoAction} after {TextTable.Span(monitor.IncidentAckTimeout)} without acknowledgement"],
                ["policy", $"{monitor.Policy.Id} v{monitor.Policy.Version}"],
                ["promoted by", monitor.ReleaseId],
                ["evidence", $"{monitor.EvidenceCount} records in run {monitor.RunId}"],
                .. monitor.Stopped is { } stopped ? [["stopped", $"by {stopped.StoppedBy}: {stopped.Reason}"]] : Array.Empty<string[]>(),
                .. monitor.Failure is null ? Array.Empty<string[]>() : [["failure", monitor.Failure]],
            ]));
        if (monitor.OpenIncidents.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Open incidents:");
            Console.Write(TextTable.Render(
                ["ID", "KIND", "SEVERITY", "OPENED"],
                monitor.OpenIncidents.Select(i => (IReadOnlyList<string>)[i.InstanceId, i.Kind.ToString(), i.Severity.ToString(), TextTable.Time(i.OpenedAt)])));
        }

        return 0;
    }

    private static async Task<int> StopAsync(OperatorApi api, string model, string environment, string by, string reason, CancellationToken stop)
    {
        var result = await api.PostAsync<CommandAccepted>($"api/monitors/{OperatorApi.Segment(model)}/{OperatorApi.Segment(environment)}/stop", new { by, reason }, stop);
        if (result.Value is null)
        {
            return Operator.Failed("monitors stop", result.Error!);
        }

        Console.WriteLine($"stop {model} in {environment}: accepted; the monitor records why and ends.");
        return 0;
    }
}
