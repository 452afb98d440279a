using MlopsFlows.Local.Cli;

// mlopsflows <verb> [options]: thin verbs over the local host; see `mlopsflows help`.
// Ctrl+C and SIGTERM stop the verb gracefully (the source lives as long as the process, so it is never disposed).
var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

var verb = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToArray();
return verb switch
{
    "serve" => await ServeCommand.RunAsync(rest, stop.Token),
    "demo" => await DemoCommand.RunAsync(rest, stop.Token),
    "verify" when rest.Any(a => a == "--packet" || a.StartsWith("--packet=", StringComparison.Ordinal)) => AuditCommands.VerifyPacket(rest),
    "verify" => await VerifyCommand.RunAsync(rest, stop.Token),
    "packet" => await AuditCommands.PacketAsync(rest, stop.Token),
    "review" => await AuditCommands.ReviewAsync(rest, stop.Token),
    "policy" => PolicyCommand.Run(rest),
    "incidents" => await IncidentsCommand.RunAsync(rest, stop.Token),
    "monitors" => await MonitorsCommand.RunAsync(rest, stop.Token),
    "help" or "--help" or "-h" => HelpCommand.Run(),
    _ => HelpCommand.Unknown(verb),
};
